"""The four-eyes workflow: a second editor approves before a page goes live."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import (
    PageLogEntry,
    Revision,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
)

from komma.review.models import FourEyesApprovalTask
from komma.review.setup import TASK_NAME, WORKFLOW_NAME, ensure_review_workflow
from tests.conftest import recently_reauthenticated

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


def assert_refused(response):
    """Wagtail's admin answers PermissionDenied with a redirect to the dashboard."""
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def current_task(page) -> FourEyesApprovalTask:
    return fresh(page).current_workflow_task


def test_workflow_is_set_up_and_applies_below_home(home, workflow, draft):
    task = workflow.tasks.specific().get()
    assert isinstance(task, FourEyesApprovalTask)
    assert task.name == TASK_NAME
    assert set(task.groups.values_list("name", flat=True)) == {"Redaktion", "Redaktion Freigabe"}
    assert WorkflowPage.objects.get(page=home).workflow == workflow
    assert draft.get_workflow() == workflow
    assert home.get_workflow() == workflow

    ensure_review_workflow()  # idempotent: the next migrate creates nothing twice
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert FourEyesApprovalTask.objects.count() == 1
    assert WorkflowPage.objects.filter(workflow=workflow).count() == 1


def test_setup_finds_a_renamed_workflow_and_reassigns_a_removed_one(home, workflow):
    workflow.name = "Umbenannt"
    workflow.save()
    WorkflowPage.objects.filter(page=home).delete()
    ensure_review_workflow()
    assert (
        Workflow.objects.filter(workflow_tasks__task__in=FourEyesApprovalTask.objects.all()).get()
        == workflow
    )
    assert WorkflowPage.objects.get(page=home).workflow == workflow


def test_author_submits_and_cannot_approve_own_page(draft, editor_a):
    client = logged_in(editor_a)
    response = submit_via_admin(client, draft, lead="Neu gefasst von Autorin A.")
    assert response.status_code == 302
    state = WorkflowState.objects.get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == editor_a

    task = current_task(draft)
    assert task.get_actions(fresh(draft), editor_a) == []
    assert not TaskState.objects.reviewable_by(editor_a).exists()
    # The edit view offers no approval and is locked for the author.
    page_html = client.get(edit_url(draft)).content.decode()
    assert 'data-workflow-action-name="approve"' not in page_html
    assert task.locked_for_user(fresh(draft), editor_a)

    # A crafted POST to the workflow action URL is refused ...
    response = client.post(workflow_action_url(draft, "approve"), {"comment": ""})
    assert_refused(response)
    # ... and so is one through the edit form, and a call that skips the views.
    data = edit_form_data(client, draft)
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    client.post(edit_url(draft), data)
    with pytest.raises(PermissionDenied):
        task.on_action(fresh(draft).current_workflow_task_state, editor_a, "approve")
    with pytest.raises(PermissionDenied):
        task.on_action(fresh(draft).current_workflow_task_state, editor_a, "reject")

    page = fresh(draft)
    assert not page.live
    assert page.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert page.last_reviewed_at is None


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_second_person_approves_and_the_page_goes_live(draft, editor_a, make_member, role):
    second = with_role(make_member, "AndereSicht", role)
    submit(draft, editor_a)
    # The second person has no publish permission: the approval publishes anyway.
    assert not fresh(draft).permissions_for_user(second).can_publish()
    task = current_task(draft)
    assert [name for name, *_rest in task.get_actions(fresh(draft), second)] == [
        "reject", "approve", "approve",
    ]  # fmt: skip
    assert TaskState.objects.reviewable_by(second).count() == 1
    client = logged_in(second)
    assert 'data-workflow-action-name="approve"' in client.get(edit_url(draft)).content.decode()

    before = timezone.now()
    response = client.post(workflow_action_url(draft, "approve"), {"comment": ""})
    assert response.status_code == 302

    page = fresh(draft)
    assert page.live
    assert page.lead == "Was Verwaltungen tun können, wenn Drohungen eingehen."
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_APPROVED
    assert page.last_reviewed_at is not None and page.last_reviewed_at >= before
    # Wagtail's log keeps who approved and who published.
    assert PageLogEntry.objects.get(page=page, action="wagtail.workflow.approve").user == second
    assert PageLogEntry.objects.get(page=page, action="wagtail.publish").user == second


def test_rejection_keeps_the_comment_and_publishes_nothing(draft, editor_a, editor_b):
    submit(draft, editor_a)
    comment = "Bitte die Quelle des zweiten Absatzes ergänzen."
    response = logged_in(editor_b).post(workflow_action_url(draft, "reject"), {"comment": comment})
    assert response.status_code == 302

    page = fresh(draft)
    assert not page.live
    assert page.last_reviewed_at is None
    state = WorkflowState.objects.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    task_state = TaskState.objects.get()
    assert (task_state.status, task_state.comment, task_state.finished_by) == (
        TaskState.STATUS_REJECTED, comment, editor_b,
    )  # fmt: skip
    entry = PageLogEntry.objects.get(page=page, action="wagtail.workflow.reject")
    assert entry.user == editor_b
    assert entry.data["comment"] == comment
    # The author sees the comment in the page's workflow history.
    history = logged_in(editor_a).get(f"/admin/pages/{page.pk}/workflow_history/detail/{state.pk}/")
    assert comment in history.content.decode()


def test_editor_cannot_publish_directly(draft, editor_a):
    client = logged_in(editor_a)
    assert not fresh(draft).permissions_for_user(editor_a).can_publish()
    page_html = client.get(edit_url(draft)).content.decode()
    assert 'name="action-publish"' not in page_html
    assert 'name="action-submit"' in page_html

    data = edit_form_data(client, draft, lead="Ohne Prüfung veröffentlicht?")
    data["action-publish"] = "Publish"
    client.post(edit_url(draft), data)
    page = fresh(draft)
    assert not page.live
    assert not PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()
    assert page.get_latest_revision().as_object().lead == "Ohne Prüfung veröffentlicht?"


def test_superuser_is_not_exempt_from_four_eyes(draft, make_member, editor_b):
    boss = with_role(make_member, "ChefRedaktion", is_superuser=True)
    submit(draft, boss)
    task = current_task(draft)
    assert task.get_actions(fresh(draft), boss) == []
    with pytest.raises(PermissionDenied):
        task.on_action(fresh(draft).current_workflow_task_state, boss, "approve")
    assert_refused(logged_in(boss).post(workflow_action_url(draft, "approve")))
    assert not fresh(draft).live
    # Another editor approves the superuser's page as usual.
    task.on_action(fresh(draft).current_workflow_task_state, editor_b, "approve")
    assert fresh(draft).live


def test_the_author_of_the_submitted_version_cannot_review_it(draft, editor_a, editor_b):
    """B submits a version that A wrote: A wrote it, B asked for it; neither approves."""
    fresh(draft).save_revision(user=editor_a)
    state = fresh(draft).get_workflow().start(fresh(draft), editor_b)
    task = state.current_task_state.task.specific
    assert state.current_task_state.revision.user == editor_a
    for person in (editor_a, editor_b):
        assert task.get_actions(fresh(draft), person) == []
        assert not TaskState.objects.reviewable_by(person).exists()


def test_a_page_changed_during_review_can_only_be_sent_back(draft, editor_a, editor_b, reviewer):
    """The lock keeps the admin from changing a page in review; code that saves a
    revision all the same makes its author an author, and the page unapprovable."""
    submit(draft, editor_a)
    page = fresh(draft)
    page.lead = "Von B während der Prüfung geändert."
    page.save_revision(user=editor_b)

    task = current_task(draft)
    assert task.get_actions(fresh(draft), editor_b) == []
    with pytest.raises(PermissionDenied):
        task.on_action(fresh(draft).current_workflow_task_state, editor_b, "reject")
    # A third person may request changes, but not approve the unreviewed change.
    assert [name for name, *_rest in task.get_actions(fresh(draft), reviewer)] == ["reject"]
    with pytest.raises(PermissionDenied) as refused:
        task.on_action(fresh(draft).current_workflow_task_state, reviewer, "approve")
    assert "während der Prüfung geändert" in str(refused.value)  # the site's language
    assert not fresh(draft).live

    task.on_action(fresh(draft).current_workflow_task_state, reviewer, "reject", comment="Neu")
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not fresh(draft).live


def test_the_page_in_review_is_locked_for_everyone_but_the_submitter_can_withdraw_it(
    draft, editor_a, editor_b, reviewer
):
    page = fresh(draft)
    page.locked, page.locked_by, page.locked_at = True, editor_b, timezone.now()
    page.save()
    submit(draft, editor_a)
    page = fresh(draft)
    assert not page.locked, "a manual lock would outrank the review's lock"
    for person in (editor_a, editor_b, reviewer):
        assert page.get_lock().for_user(person), person
        assert not page.permissions_for_user(person).can_lock(), person

    client = logged_in(editor_a)
    data = edit_form_data(client, draft)
    data["action-cancel-workflow"] = "true"
    client.post(edit_url(draft), data)
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_CANCELLED
    assert not fresh(draft).live
    assert not fresh(draft).get_lock()


def test_scheduled_page_goes_live_through_publish_scheduled(draft, editor_a, editor_b):
    page = fresh(draft)
    page.go_live_at = timezone.now() + timedelta(days=2)
    page.save_revision(user=editor_a)
    page.get_workflow().start(page, editor_a)

    current_task(draft).on_action(fresh(draft).current_workflow_task_state, editor_b, "approve")
    page = fresh(draft)
    assert not page.live
    revision = page.get_latest_revision()
    assert revision.approved_go_live_at is not None
    reviewed_at = page.last_reviewed_at
    assert reviewed_at is not None

    call_command("publish_scheduled")
    assert not fresh(draft).live  # not yet

    # Time passes (no freezegun here): the approved go-live moment is now in the past.
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")
    page = fresh(draft)
    assert page.live
    # Publishing writes the revision's fields back; the review date must survive it.
    assert page.last_reviewed_at == reviewed_at
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()


def test_review_date_survives_republishing_an_older_revision(
    draft, editor_a, editor_b, make_member
):
    submit(draft, editor_a)
    submitted = fresh(draft).get_latest_revision()
    current_task(draft).on_action(fresh(draft).current_workflow_task_state, editor_b, "approve")
    reviewed_at = fresh(draft).last_reviewed_at
    assert reviewed_at is not None
    page = fresh(draft)
    page.lead = "Nachträglich geändert."
    page.save_revision(user=editor_a)
    # A superuser reverts to the version saved before the review, and publishes it.
    submitted.publish(user=make_member("Superuserin", is_superuser=True))
    page = fresh(draft)
    assert page.lead == "Was Verwaltungen tun können, wenn Drohungen eingehen."
    assert page.last_reviewed_at == reviewed_at


def test_admin_neither_reviews_nor_publishes_nor_unpublishes_through_wagtail(
    draft, editor_a, make_member
):
    """Admins take pages offline with their own logged action (test_take_offline)."""
    admin = with_role(make_member, "Netzpflege", "admin")
    submit(draft, editor_a)
    task = current_task(draft)
    assert task.get_actions(fresh(draft), admin) == []
    with pytest.raises(PermissionDenied):
        task.on_action(fresh(draft).current_workflow_task_state, admin, "approve")
    permissions = fresh(draft).permissions_for_user(admin)
    assert not permissions.can_edit()
    assert not permissions.can_publish()
    second = with_role(make_member, "ZweiteRedaktion", "editor")
    task.on_action(fresh(draft).current_workflow_task_state, second, "approve")
    assert fresh(draft).live

    assert not fresh(draft).permissions_for_user(admin).can_unpublish()
    client = logged_in(admin)
    recently_reauthenticated(client, admin)
    assert_refused(client.post(f"/admin/pages/{draft.pk}/unpublish/"))
    assert fresh(draft).live
    assert not PageLogEntry.objects.filter(page=draft, action="wagtail.unpublish").exists()


def test_roles_editor_and_reviewer_have_no_publish_permission():
    from wagtail.models import GroupPagePermission

    def page_codenames(group_name):
        return set(
            GroupPagePermission.objects.filter(group__name=group_name).values_list(
                "permission__codename", flat=True
            )
        )

    editorial = {"add_page", "change_page", "lock_page", "unlock_page"}
    assert page_codenames("Redaktion") == editorial
    assert page_codenames("Redaktion Freigabe") == editorial
    assert page_codenames("Administration") == set()
    admin_perms = Group.objects.get(name="Administration").permissions
    assert admin_perms.filter(content_type__app_label="review", codename="take_page_offline")
    for name in ("Redaktion", "Redaktion Freigabe"):
        perms = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_topic", "change_topic", "delete_topic", "view_topic"} <= perms


def test_migration_takes_publish_from_editors_of_older_installations():
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission, Page

    migration = importlib.import_module(
        "komma.review.migrations.0002_editors_publish_through_review"
    )
    editors = Group.objects.get(name="Redaktion")
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    GroupPagePermission.objects.create(
        group=editors, page=Page.get_first_root_node(), permission=publish
    )
    admins = Group.objects.get(name="Administration")
    GroupPagePermission.objects.create(
        group=admins, page=Page.get_first_root_node(), permission=publish
    )
    migration.revoke_editor_publish(apps, None)
    assert not GroupPagePermission.objects.filter(group=editors, permission=publish).exists()
    assert GroupPagePermission.objects.filter(group=admins, permission=publish).exists()


def test_migration_takes_publish_from_admins_of_older_installations():
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission, Page

    migration = importlib.import_module(
        "komma.review.migrations.0004_admins_publish_through_review"
    )
    root = Page.get_first_root_node()
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    lock = Permission.objects.get(content_type__app_label="wagtailcore", codename="lock_page")
    admins = Group.objects.get(name="Administration")
    GroupPagePermission.objects.create(group=admins, page=root, permission=publish)
    GroupPagePermission.objects.create(group=admins, page=root, permission=lock)
    migration.revoke_admin_publish(apps, None)
    assert set(
        GroupPagePermission.objects.filter(group=admins).values_list(
            "permission__codename", flat=True
        )
    ) == {"lock_page"}
    # Nobody else's page permissions change.
    assert GroupPagePermission.objects.filter(
        group__name="Redaktion", permission__codename="change_page"
    ).exists()
