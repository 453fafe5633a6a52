"""Fixtures of the review tests: editors with a second factor, a draft knowledge page."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import querydict_from_html

from komma.accounts.actions import do_set_roles
from komma.pages.models import HomePage, StandardPage
from komma.review.setup import WORKFLOW_NAME
from tests.conftest import TEST_TOTP_SECRET


def with_role(make_member, pseudonym, *roles, **fields):
    """A member in ``roles`` with a TOTP device, so the MFA gate lets them into the admin."""
    user = make_member(pseudonym, **fields)
    do_set_roles(user, list(roles), by=None, reason="")
    TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def logged_in(user) -> Client:
    """A test client of its own per person (English UI), so several people act in one test."""
    client = Client()
    client.cookies["django_language"] = "en"  # the msgids, whatever the catalogue holds
    client.force_login(user)
    return client


def edit_url(page) -> str:
    return f"/admin/pages/{page.pk}/edit/"


def workflow_action_url(page, action: str) -> str:
    """The URL Wagtail's dashboard and edit view post a workflow action to."""
    task_state = Page.objects.get(pk=page.pk).current_workflow_task_state
    return f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/"


def edit_form_data(client, page, **changes):
    """The edit form as the browser would post it (read from the edit view's HTML)."""
    response = client.get(edit_url(page))
    assert response.status_code == 200, response
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # StreamFields are drawn by JavaScript; the HTML holds no inputs for them.
    if "body-count" not in data:
        data["body-count"] = "0"
    for key, value in changes.items():
        data[key] = value
    return data


def submit_via_admin(client, page, **changes):
    """Post the edit form with "Submit for moderation", as an editor does."""
    data = edit_form_data(client, page, **changes)
    data["action-submit"] = "Submit"
    return client.post(edit_url(page), data)


def fresh(page):
    """The page as stored now (specific)."""
    return Page.objects.get(pk=page.pk).specific


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def workflow(db):
    return Workflow.objects.get(name=WORKFLOW_NAME)


@pytest.fixture
def editor_a(make_member):
    return with_role(make_member, "FederKiel", "editor")


@pytest.fixture
def editor_b(make_member):
    return with_role(make_member, "ZweitesAuge", "editor")


@pytest.fixture
def reviewer(make_member):
    return with_role(make_member, "PruefendeEule", "reviewer")


@pytest.fixture
def draft(home, editor_a):
    """A knowledge page that editor A wrote and has not published (draft revision by A)."""
    page = home.add_child(
        instance=StandardPage(
            title="Umgang mit Drohschreiben",
            slug="drohschreiben",
            lead="Was Verwaltungen tun können, wenn Drohungen eingehen.",
            live=False,
            owner=editor_a,
        )
    )
    page.save_revision(user=editor_a, log_action=True)
    return page


def submit(page, user):
    """Submit ``page`` to its workflow in the model layer (a revision of ``user`` first)."""
    page = fresh(page)
    page.save_revision(user=user)
    return page.get_workflow().start(page, user)
