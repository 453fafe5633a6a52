"""Admins manage members by pseudonym; Wagtail's identity-showing user admin is closed."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from tests.conftest import recently_reauthenticated

pytestmark = pytest.mark.django_db


def test_wagtail_user_admin_is_closed(client, make_member, member):
    """Even a superuser (who would see Wagtail's "Users" menu) gets neither menu nor page."""
    superuser = make_member("Obermacht", is_superuser=True, is_staff=True)
    TOTP.activate(superuser, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(superuser)
    recently_reauthenticated(client, superuser)
    admin_client = client
    assert admin_client.get("/admin/users/").status_code == 404
    assert admin_client.get(f"/admin/users/edit/{member.pk}/").status_code == 404
    # The sidebar menu is embedded as JSON for the admin's JavaScript.
    dashboard = admin_client.get("/admin/").content.decode().replace("\\/", "/")
    assert "/admin/users/" not in dashboard
    assert "/admin/mitglieder/" in dashboard


def test_member_list_shows_pseudonyms_only(admin_client, make_member):
    make_member("VerdeckteQuelle", first_name="Hannelore", last_name="Zwiebelturm")
    page = admin_client.get("/admin/mitglieder/").content.decode()
    assert "VerdeckteQuelle" in page
    assert "Zwiebelturm" not in page and "verdecktequelle@example.org" not in page


def test_roles_change_needs_a_reason_and_is_logged(admin_client, member):
    url = f"/admin/mitglieder/{member.pk}/rollen/"
    response = admin_client.post(url, {"roles": ["moderator"], "is_active": "on", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not member.groups.exists()

    response = admin_client.post(
        url, {"roles": ["moderator"], "is_active": "on", "reason": "Moderation Forum Nord"}
    )
    assert response.status_code == 302
    assert list(member.groups.values_list("name", flat=True)) == ["Moderation"]
    entry = ModelLogEntry.objects.get(action="komma.role_change", object_id=str(member.pk))
    assert entry.data == {"reason": "Moderation Forum Nord", "roles": ["moderator"]}
    assert entry.user.pseudonym == "Netzpflege"


def test_deactivation_is_logged_and_blocks_login(admin_client, member, client):
    response = admin_client.post(
        f"/admin/mitglieder/{member.pk}/rollen/", {"roles": [], "reason": "Konto kompromittiert"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    assert ModelLogEntry.objects.filter(action="komma.access_change").count() == 1


def test_plain_member_cannot_manage_members(client, member):
    client.force_login(member)
    assert client.get("/admin/mitglieder/").status_code in (302, 403)
    assert client.post(
        f"/admin/mitglieder/{member.pk}/rollen/", {"roles": ["admin"], "reason": "x" * 20}
    ).status_code in (302, 403)
    assert not member.groups.exists()


def test_no_identity_lookup_around_the_reveal(client, make_member, member):
    """Neither the Django admin nor Wagtail's bulk user actions find a member by name/e-mail."""
    member.last_name = "Zwiebelturm"
    member.save()
    superuser = make_member("Obermacht", is_superuser=True, is_staff=True)
    TOTP.activate(superuser, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(superuser)
    recently_reauthenticated(client, superuser)
    for url in ["/django-admin/account/emailaddress/?q=wacheeule",
                "/django-admin/usersessions/usersession/", "/django-admin/mfa/authenticator/",
                "/admin/bulk/accounts/user/set_active_state/?id=all&q=Zwiebelturm"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    index = client.get("/django-admin/").content.decode()
    assert "emailaddress" not in index and "usersession" not in index


def test_admin_account_page_needs_no_real_name(admin_client):
    page = admin_client.get("/admin/account/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name_email-first_name"' not in html
    assert 'name="avatar-avatar"' not in html
    assert 'name="locale-preferred_language"' in html
    form = {
        "locale-preferred_language": "en",
        "locale-current_time_zone": "",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
        "theme-keyboard_shortcuts": "on",
    }
    response = admin_client.post("/admin/account/", form)
    assert response.status_code == 302


def test_sensitive_actions_ask_for_the_password_again(client, make_member, member):
    """A logged-in admin session alone (hijacked, unattended) cannot reveal or change access."""
    from komma.accounts.models import IdentityReveal

    admin = make_member("Netzpflege2")
    admin.groups.add(Group.objects.get(name="Administration"))
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(admin)
    assert client.get(f"/admin/mitglieder/{member.pk}/offenlegen/").status_code == 200
    response = client.post(
        f"/admin/mitglieder/{member.pk}/offenlegen/", {"reason": "Verdacht auf Doxxing im Forum"}
    )
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not IdentityReveal.objects.exists()
    response = client.post(
        f"/admin/mitglieder/{member.pk}/rollen/", {"roles": ["admin"], "reason": "x" * 20}
    )
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not member.groups.exists()


def test_admin_account_page_needs_admin_access(client, member):
    client.force_login(member)
    response = client.get("/admin/account/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
