"""Four eyes, strictly: who counts as an author, the lock during review, and that the
approval publishes the version that was reviewed."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from komma.pages.models import StandardPage
from komma.review.actions import do_take_page_offline
from komma.review.models import FourEyesApprovalTask
from komma.review.selectors import awaiting_review

from .conftest import (
    edit_form_data,
    edit_url,
    fresh,
    logged_in,
    submit,
    submit_via_admin,
    with_role,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

ORIGINAL_LEAD = "Was Verwaltungen tun können, wenn Drohungen eingehen."


def current_task(page) -> FourEyesApprovalTask:
    return fresh(page).current_workflow_task


def action_names(page, user) -> list[str]:
    return [name for name, *_rest in current_task(page).get_actions(fresh(page), user)]


def approve(page, user):
    current_task(page).on_action(fresh(page).current_workflow_task_state, user, "approve")


def save_version(page, user, lead):
    """``user`` saves a version of ``page`` in the model layer (no lock applies there)."""
    page = fresh(page).get_latest_revision_as_object()
    page.lead = lead
    return page.save_revision(user=user)


def submit_latest(page, user):
    """``user`` submits the latest version (on a live page ``submit`` would take the
    live one), saving a revision first as the editor's "submit" does."""
    page = fresh(page).get_latest_revision_as_object()
    page.save_revision(user=user)
    return page.get_workflow().start(page, user)


def publish_as_superuser(page, make_member):
    boss = make_member("Oberaufsicht", is_superuser=True)
    fresh(page).get_latest_revision().publish(user=boss)


@pytest.fixture
def editor_c(make_member):
    return with_role(make_member, "DritteHand", "editor")


# --- Authors ------------------------------------------------------------------------------
def test_an_author_cannot_approve_what_a_colleague_merely_submitted(draft, editor_a, editor_b):
    """A wrote the draft; B submits it unchanged. A wrote it, so A must not approve it."""
    assert submit_via_admin(logged_in(editor_b), draft).status_code == 302
    state = WorkflowState.objects.get()
    assert state.requested_by == editor_b
    assert state.current_task_state.revision.user == editor_b  # the submit saved B's revision

    for author in (editor_a, editor_b):
        assert action_names(draft, author) == []
        assert not TaskState.objects.reviewable_by(author).exists()
    client = logged_in(editor_a)
    assert 'data-workflow-action-name="approve"' not in client.get(edit_url(draft)).content.decode()
    assert (client.post(workflow_action_url(draft, "approve"), {"comment": ""})).status_code == 302
    with pytest.raises(PermissionDenied):
        approve(draft, editor_a)
    assert not fresh(draft).live
    # A sees the page as their own in the review panel.
    [item], _total = awaiting_review(editor_a)
    assert (item.is_own, item.may_review) == (True, False)


def test_everyone_who_wrote_since_the_live_version_is_an_author(
    draft, editor_a, editor_b, editor_c, reviewer, make_member
):
    """A wrote the live version. C, then B change the page; B submits. C and B are
    authors; A wrote only text that was reviewed and published, so A may review."""
    publish_as_superuser(draft, make_member)
    save_version(draft, editor_c, "C ergänzt einen Absatz.")
    submit_latest(draft, editor_b)

    assert action_names(draft, editor_c) == []
    assert action_names(draft, editor_b) == []
    assert action_names(draft, editor_a) == ["reject", "approve", "approve"]
    assert action_names(draft, reviewer) == ["reject", "approve", "approve"]
    assert not TaskState.objects.reviewable_by(editor_c).exists()
    assert TaskState.objects.reviewable_by(editor_a).count() == 1
    [item], _total = awaiting_review(editor_c)
    assert (item.is_own, item.may_review) == (True, False)
    [item], _total = awaiting_review(editor_a)
    assert (item.is_own, item.may_review) == (False, True)
    with pytest.raises(PermissionDenied):
        approve(draft, editor_c)

    approve(draft, editor_a)
    assert fresh(draft).live and fresh(draft).lead == "C ergänzt einen Absatz."


def test_a_page_taken_offline_counts_from_its_last_publication(
    draft, editor_a, editor_b, make_member
):
    publish_as_superuser(draft, make_member)
    admin = with_role(make_member, "Netzpflege", "admin")
    do_take_page_offline(fresh(draft), by=admin, reason="Adresse einer Person genannt.")
    assert fresh(draft).live_revision is None
    save_version(draft, editor_b, "B entfernt die Adresse.")
    submit_latest(draft, editor_b)
    assert action_names(draft, editor_b) == []
    # A's text was reviewed when it was published: A may review B's correction.
    assert action_names(draft, editor_a) == ["reject", "approve", "approve"]


# --- Locked during review ---------------------------------------------------------------
def test_nobody_changes_the_page_in_review_so_the_submitted_version_goes_live(
    draft, editor_a, editor_b, editor_c, reviewer
):
    """The reviewer's scenario: B reads A's version, C saves a change, B approves."""
    assert submit_via_admin(logged_in(editor_a), draft, lead="Text von A").status_code == 302
    submitted = fresh(draft).get_latest_revision()
    for person in (editor_c, reviewer):
        client = logged_in(person)
        response = client.post(
            edit_url(draft), edit_form_data(client, draft, lead="Eingeschmuggelt")
        )
        assert response.status_code == 200  # the form again, with Wagtail's lock message
        assert "The page could not be saved as it is locked." in response.content.decode()
    assert fresh(draft).get_latest_revision() == submitted

    response = logged_in(editor_b).post(workflow_action_url(draft, "approve"), {"comment": ""})
    assert response.status_code == 302
    page = fresh(draft)
    assert page.live and page.lead == "Text von A"
    assert page.live_revision == submitted


def test_the_reviewer_decides_in_the_locked_editor_without_saving(draft, editor_a, reviewer):
    submit(draft, editor_a)
    submitted = fresh(draft).get_latest_revision()
    client = logged_in(reviewer)
    html = client.get(edit_url(draft)).content.decode()
    assert "nobody can change it until a second editor approves it" in html
    assert 'data-workflow-action-name="approve"' in html
    assert 'data-workflow-action-name="reject"' in html

    # What the editor posts with the decision (a changed field) is not saved.
    data = edit_form_data(client, draft, lead="Vom Prüfer nebenbei geändert")
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    response = client.post(edit_url(draft), data)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{draft.get_parent().pk}/"
    page = fresh(draft)
    assert page.live and page.lead == ORIGINAL_LEAD
    assert page.get_latest_revision() == submitted
    assert not Revision.objects.filter(user=reviewer).exists()
    assert PageLogEntry.objects.get(page=page, action="wagtail.workflow.approve").user == reviewer


def test_the_reviewer_requests_changes_in_the_editor_with_a_comment(draft, editor_a, reviewer):
    submit(draft, editor_a)
    client = logged_in(reviewer)
    data = edit_form_data(client, draft)
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "reject"
    data["workflow-action-extra-data"] = json.dumps({"comment": "Quelle fehlt."})
    assert client.post(edit_url(draft), data).status_code == 302
    task_state = TaskState.objects.get()
    assert (task_state.status, task_state.comment, task_state.finished_by) == (
        TaskState.STATUS_REJECTED, "Quelle fehlt.", reviewer,
    )  # fmt: skip
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_NEEDS_CHANGES
    # Sent back, the page is open to its editors again.
    assert not fresh(draft).get_lock()


def test_an_author_deciding_in_the_editor_is_refused_with_the_reason(draft, editor_a, editor_b):
    submit(draft, editor_a)
    client = logged_in(editor_a)
    data = edit_form_data(client, draft)
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    response = client.post(edit_url(draft), data, follow=True)
    assert "A second editor has to review this page" in response.content.decode()
    assert not fresh(draft).live
    assert TaskState.objects.get().status == TaskState.STATUS_IN_PROGRESS


def test_superusers_are_locked_out_too(draft, editor_a, make_member):
    boss = with_role(make_member, "ChefRedaktion", is_superuser=True)
    submit(draft, editor_a)
    page = fresh(draft)
    assert page.get_lock().for_user(boss)
    client = logged_in(boss)
    response = client.post(edit_url(draft), edit_form_data(client, draft, lead="Chefsache"))
    assert response.status_code == 200
    assert fresh(draft).get_latest_revision().user == editor_a
    # Wagtail lets superusers lock any page, so they could edit all the same: see below.
    assert page.permissions_for_user(boss).can_lock()


@pytest.mark.parametrize("how", ["new revision", "overwritten in place"])
def test_a_page_changed_during_review_cannot_be_approved(draft, editor_a, reviewer, how):
    """A superuser who locks the page for themselves, or code, may still change it."""
    submit(draft, editor_a)
    reviewed = TaskState.objects.get().revision
    page = fresh(draft)
    page.lead = "Nach dem Einreichen geändert."
    if how == "new revision":
        page.save_revision(user=editor_a)
    else:  # Wagtail's autosave renews its author's latest revision (same id)
        assert page.save_revision(user=editor_a, overwrite_revision=reviewed) == reviewed
        assert fresh(draft).get_latest_revision() == reviewed
    assert action_names(draft, reviewer) == ["reject"]
    client = logged_in(reviewer)
    html = client.get(edit_url(draft)).content.decode()
    assert "This page was changed during the review." in html
    with pytest.raises(PermissionDenied) as refused:
        approve(draft, reviewer)
    assert str(refused.value) == (
        "This page was changed during the review. Request changes so that the new "
        "version is submitted again."
    )
    data = edit_form_data(client, draft)
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    response = client.post(edit_url(draft), data, follow=True)
    assert "This page was changed during the review." in response.content.decode()
    assert not fresh(draft).live


def test_the_approval_publishes_the_reviewed_revision_not_a_later_one(draft, editor_a, editor_b):
    """Even if the guard in on_action were passed by: the finish action publishes the
    revision the four-eyes task reviewed."""
    submit(draft, editor_a)
    reviewed = fresh(draft).get_latest_revision()
    later = save_version(draft, editor_a, "Nicht geprüft.")
    TaskState.objects.get().specific.approve(user=editor_b)

    page = fresh(draft)
    assert page.live
    assert page.live_revision == reviewed
    assert page.lead == ORIGINAL_LEAD
    assert page.has_unpublished_changes
    assert page.get_latest_revision() == later
    assert PageLogEntry.objects.get(page=page, action="wagtail.publish").revision == reviewed


def test_approval_from_the_dashboard_publishes_the_submitted_version(
    home, editor_a, editor_b, make_member
):
    """A published page under review: the approval replaces the live version by the
    submitted one, and the review date is set."""
    page = home.add_child(instance=StandardPage(title="Beratung", slug="beratung", lead="Alt"))
    page.save_revision(user=editor_a).publish(user=make_member("Aufsicht", is_superuser=True))
    assert submit_via_admin(logged_in(editor_a), page, lead="Neu").status_code == 302
    assert fresh(page).lead == "Alt"  # live content unchanged during review
    response = logged_in(editor_b).post(workflow_action_url(page, "approve"), {"comment": ""})
    assert response.status_code == 302
    page = fresh(page)
    assert page.lead == "Neu" and page.last_reviewed_at is not None
    assert not page.has_unpublished_changes
