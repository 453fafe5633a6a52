"""Administrators take a page offline in an emergency, and publish nothing.

They no longer hold Wagtail's "publish_page" (it would let them publish unreviewed
drafts); a dedicated, logged action with a required reason takes a page offline.
"""

import pytest
from wagtail.log_actions import registry as log_actions
from wagtail.models import PageLogEntry, WorkflowState

from komma.pages.models import StandardPage
from tests.conftest import recently_reauthenticated

from .conftest import edit_form_data, edit_url, fresh, logged_in, submit, with_role

pytestmark = pytest.mark.django_db

REASON = "Die Seite nennt die Wohnadresse einer bedrohten Bürgermeisterin."


def offline_url(page) -> str:
    return f"/admin/offline-nehmen/{page.pk}/"


@pytest.fixture
def admin(make_member):
    return with_role(make_member, "Netzpflege", "admin")


@pytest.fixture
def admin_client(admin):
    client = logged_in(admin)
    recently_reauthenticated(client, admin)
    return client


@pytest.fixture
def live_page(home, make_member):
    """A live page with a live subpage and a subpage that was never published."""
    boss = make_member("Aufsicht", is_superuser=True)
    page = home.add_child(instance=StandardPage(title="Lagebild Nord", slug="lagebild-nord"))
    page.save_revision(user=boss).publish(user=boss)
    child = page.add_child(instance=StandardPage(title="Fallbeispiel", slug="fallbeispiel"))
    child.save_revision(user=boss).publish(user=boss)
    page.add_child(instance=StandardPage(title="Entwurf", slug="entwurf", live=False))
    return page


def audit_entries(page):
    return PageLogEntry.objects.filter(page=page, action="komma.page_take_offline")


# --- Administrators publish nothing ---------------------------------------------------
def test_admin_cannot_bulk_publish_an_unreviewed_draft(draft, admin_client):
    url = f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}"
    admin_client.get(url)
    admin_client.post(url, {"include_descendants": ""})
    assert not fresh(draft).live
    assert not PageLogEntry.objects.filter(page=draft, action="wagtail.publish").exists()


def test_editor_who_is_also_admin_cannot_publish_own_text(home, make_member):
    both = with_role(make_member, "DoppelRolle", "editor", "admin")
    page = home.add_child(instance=StandardPage(title="Eigen", slug="eigen", live=False))
    page.save_revision(user=both)
    client = logged_in(both)
    recently_reauthenticated(client, both)
    html = client.get(edit_url(page)).content.decode()
    assert 'name="action-publish"' not in html
    data = edit_form_data(client, page, lead="Mein eigener Text")
    data["action-publish"] = "publish"
    client.post(edit_url(page), data)
    assert not fresh(page).live
    assert fresh(page).get_latest_revision().as_object().lead == "Mein eigener Text"


# --- The emergency action -------------------------------------------------------------
def test_get_shows_the_form_and_changes_nothing(live_page, admin_client):
    response = admin_client.get(offline_url(live_page))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reason"' in html
    assert "1 live subpage goes offline with it." in html
    assert fresh(live_page).live
    assert not audit_entries(live_page).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_shows_the_form_again_and_changes_nothing(live_page, admin_client, reason):
    response = admin_client.post(offline_url(live_page), {"reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert 'class="error-message"' in response.content.decode()
    assert fresh(live_page).live
    assert fresh(live_page.get_children().get(slug="fallbeispiel")).live
    assert not audit_entries(live_page).exists()
    assert not PageLogEntry.objects.filter(action="wagtail.unpublish").exists()


def test_admin_takes_the_page_and_its_subpages_offline_with_a_logged_reason(
    live_page, admin, admin_client
):
    child = live_page.get_children().get(slug="fallbeispiel")
    response = admin_client.post(offline_url(live_page), {"reason": f"  {REASON}  "})
    assert (response.status_code, response["Location"]) == (302, "/admin/offline-nehmen/")
    assert not fresh(live_page).live
    assert not fresh(child).live
    # Wagtail's own log shows who unpublished each page ...
    for page in (live_page, child):
        assert PageLogEntry.objects.get(page=page, action="wagtail.unpublish").user == admin
    # ... and the audit entry records who, when and why.
    entry = audit_entries(live_page).get()
    assert entry.user == admin
    assert entry.timestamp is not None
    assert entry.data["reason"] == REASON
    assert [p["id"] for p in entry.data["pages"]] == [live_page.pk, child.pk]
    assert log_actions.get_action_label("komma.page_take_offline") == "Take page offline"
    # Post/redirect/get: the page after the redirect says so; a reload changes nothing.
    follow = admin_client.get(response["Location"])
    assert "&#x27;Lagebild Nord&#x27; and 1 subpage are offline now" in follow.content.decode()
    again = admin_client.get(offline_url(live_page))
    assert "This page is not online." in again.content.decode()
    assert admin_client.post(offline_url(live_page), {"reason": REASON}).status_code == 200
    assert audit_entries(live_page).count() == 1


def test_taking_offline_cancels_a_review_in_progress(live_page, admin_client, make_member):
    """Otherwise the approval would put the page back online, unaware of the emergency."""
    author = with_role(make_member, "Autorin", "editor")
    submit(live_page, author)
    admin_client.post(offline_url(live_page), {"reason": REASON})
    assert not fresh(live_page).live
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_CANCELLED
    assert not fresh(live_page).workflow_in_progress


def test_the_action_asks_for_the_password_again(live_page, admin):
    client = logged_in(admin)
    assert client.get(offline_url(live_page)).status_code == 200  # the form: no sudo yet
    response = client.post(offline_url(live_page), {"reason": REASON})
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert fresh(live_page).live
    assert not audit_entries(live_page).exists()


@pytest.mark.parametrize("roles", [["editor"], ["reviewer"], ["moderator"]])
def test_only_admins_take_pages_offline(live_page, make_member, roles):
    other = with_role(make_member, "KeinAdmin", *roles)
    client = logged_in(other)
    recently_reauthenticated(client, other)
    for response in (
        client.get(offline_url(live_page)),
        client.post(offline_url(live_page), {"reason": REASON}),
        client.get("/admin/offline-nehmen/?q=Lagebild"),
    ):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert fresh(live_page).live
    assert not audit_entries(live_page).exists()


def test_admin_finds_the_page_by_title_or_address(live_page, admin_client):
    url = offline_url(live_page)
    by_title = admin_client.get("/admin/offline-nehmen/?q=lagebild").content.decode()
    assert f'href="{url}"' in by_title
    by_address = admin_client.get(
        f"/admin/offline-nehmen/?q=https://example.org{live_page.url}"
    ).content.decode()
    assert f'href="{url}"' in by_address
    assert offline_url(live_page.get_children().get(slug="fallbeispiel")) not in by_address
    # Pages that are not live are not listed.
    draft = live_page.get_children().get(slug="entwurf")
    html = admin_client.get("/admin/offline-nehmen/?q=Entwurf").content.decode()
    assert offline_url(draft) not in html
    assert "No live page found." in html


def test_the_menu_and_the_page_buttons_lead_there(live_page, admin_client, make_member):
    assert "/admin/offline-nehmen/" in admin_client.get("/admin/").content.decode()
    editor = with_role(make_member, "Redakteurin", "editor")
    assert "/admin/offline-nehmen/" not in logged_in(editor).get("/admin/").content.decode()
    assert offline_url(live_page) not in logged_in(editor).get(edit_url(live_page)).content.decode()
    # Superusers explore pages; the button is in the page's header and listing menus.
    boss = with_role(make_member, "Chefin", is_superuser=True)
    client = logged_in(boss)
    assert offline_url(live_page) in client.get(edit_url(live_page)).content.decode()
    assert offline_url(live_page) in client.get(f"/admin/pages/{live_page.pk}/").content.decode()
    assert (
        offline_url(live_page)
        in client.get(f"/admin/pages/{live_page.get_parent().pk}/").content.decode()
    )
