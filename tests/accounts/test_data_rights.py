"""GDPR: download of one's own data, and deletion of the account."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils.translation import override

from komma.accounts.actions import do_reveal_identity
from komma.accounts.models import Invitation, Membership, User
from komma.accounts.presentation import person_json, present_person
from tests.conftest import PASSWORD

from .conftest import give_totp

pytestmark = pytest.mark.django_db

EXPORT_URL = "/konto/daten/export.json"
DELETE_URL = "/konto/loeschen/"


@pytest.fixture
def person(make_member, municipality):
    user = make_member(
        "StilleLinde77",
        municipality=municipality,
        coordinator=True,
        first_name="Erika",
        last_name="Mustermann",
        office="Beauftragte für Vielfalt",
        bio="Ich arbeite in der Verwaltung.",
        real_name_visibility="network",
        office_visibility="municipality",
    )
    return user


def test_export_contains_own_data_and_plugin_section(client, person, admin_member):
    do_reveal_identity(admin_member, person, "Prüfung eines Missbrauchsverdachts im Forum.")
    client.force_login(person)
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".json" in response["Content-Disposition"]
    data = json.loads(response.content)

    account = data["account"]
    assert account["email"] == person.email
    assert account["pseudonym"] == "StilleLinde77"
    assert (account["first_name"], account["last_name"]) == ("Erika", "Mustermann")
    assert account["office"] == "Beauftragte für Vielfalt"
    assert account["privacy"] == {
        "real_name": "network",
        "municipality": "nobody",
        "office": "municipality",
    }
    assert data["email_addresses"] == [{"email": person.email, "verified": True, "primary": True}]
    assert [(m["municipality"], m["coordinator"]) for m in data["memberships"]] == [
        ("Stadt Testhausen", True)
    ]
    assert data["sample_plugin"] == {"pseudonym_seen": "StilleLinde77"}
    # The reveal is listed with its reason; the admin only by pseudonym.
    [reveal] = data["identity_reveals"]
    assert reveal["by"] == "AdminAnna"
    assert reveal["reason"].startswith("Prüfung")
    assert admin_member.email not in response.content.decode()


def test_export_needs_login(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


def test_export_is_only_ever_ones_own(client, person, make_member):
    other = make_member("NachbarNina")
    client.force_login(other)
    data = json.loads(client.get(EXPORT_URL).content)
    assert data["account"]["email"] == other.email
    assert person.email not in json.dumps(data)


def test_delete_form_requires_the_confirm_word(client, person):
    client.force_login(person)
    response = client.post(DELETE_URL, {"password": PASSWORD, "confirm": "ja"})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    person.refresh_from_db()
    assert person.deleted_at is None
    assert client.session.get("_auth_user_id") == str(person.pk)


def test_delete_with_wrong_password_changes_nothing(client, person):
    client.force_login(person)
    response = client.post(DELETE_URL, {"password": "falsch-falsch-1", "confirm": "DELETE"})
    assert response.status_code == 200
    assert response.context["form"].has_error("password", "password")
    person.refresh_from_db()
    assert person.deleted_at is None
    assert person.email == "stillelinde77@example.org"
    assert person.pseudonym == "StilleLinde77"
    assert person.first_name == "Erika"
    assert person.is_active
    assert person.check_password(PASSWORD)
    assert Membership.objects.filter(user=person).exists()
    assert EmailAddress.objects.filter(user=person).exists()
    assert client.session.get("_auth_user_id") == str(person.pk)


def test_delete_account_erases_identity_and_keeps_the_row(client, person, admin_member):
    give_totp(person)
    do_reveal_identity(admin_member, person, "Prüfung eines Missbrauchsverdachts im Forum.")
    Invitation.objects.create(
        email=person.email, token_hash="0" * 64, expires_at=person.date_joined,
        accepted_at=person.date_joined, accepted_by=person,
    )  # fmt: skip
    email, pk = person.email, person.pk
    client.force_login(person)
    other_browser = Client()
    other_browser.force_login(person)

    response = client.post(DELETE_URL, {"password": PASSWORD, "confirm": "delete"})
    assert response.status_code == 302
    assert response.url == "/"
    assert "_auth_user_id" not in client.session
    # Sessions in other browsers end too.
    response = other_browser.get("/konto/profil/")
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")

    user = User.objects.get(pk=pk)  # the row stays for contributions' foreign keys
    assert user.deleted_at is not None
    assert user.email != email
    assert "stillelinde77" not in user.email.lower()
    assert user.pseudonym != "StilleLinde77"
    assert (user.first_name, user.last_name, user.office, user.bio) == ("", "", "", "")
    assert not user.is_active
    assert not user.has_usable_password()
    assert not user.groups.exists()
    assert not Membership.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(email__iexact=email).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not Invitation.objects.filter(email__iexact=email).exists()
    assert not user.identity_reveals.exists()

    with override("en"):
        card = present_person(user, admin_member)
        assert card.pseudonym == "former member"
        assert card.is_former_member
        assert person_json(user, admin_member) == {
            "pseudonym": "former member",
            "is_former_member": True,
            "bio": "",
        }
    assert str(user) == user.display_name

    # The old e-mail and password no longer log in.
    fresh = Client()
    response = fresh.post("/konto/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in fresh.session


def test_deleted_address_can_be_invited_again(client, person, admin_member):
    from komma.accounts.actions import check_create_invitation

    email = person.email
    client.force_login(person)
    client.post(DELETE_URL, {"password": PASSWORD, "confirm": "DELETE"})
    invitation, _token = check_create_invitation(
        admin_member, email=email, municipality=None, roles=[], as_coordinator=False
    )
    assert invitation.email == email


def test_export_lists_sessions_and_audit_entries_about_me(client, make_member):
    from allauth.usersessions.models import UserSession

    from komma.accounts.actions import do_set_roles, export_personal_data

    subject = make_member("Betroffene")
    admin = make_member("Verwaltende")
    do_set_roles(subject, ["facilitator"], by=admin, reason="Leitet die Live-Beratung Nord")
    UserSession.objects.create(user=subject, ip="192.0.2.7", session_key="s" * 32,
                               user_agent="Firefox")  # fmt: skip
    data = export_personal_data(subject)
    assert [s["ip"] for s in data["sessions"]] == ["192.0.2.7"]
    entry = data["audit_entries_about_me"][0]
    assert entry["action"] == "komma.role_change" and entry["by"] == "Verwaltende"
    assert entry["reason"] == "Leitet die Live-Beratung Nord"


def test_deletion_removes_wagtail_profile_and_keeps_others_invitations(make_member):
    from allauth.account.models import EmailAddress
    from wagtail.users.models import UserProfile

    from komma.accounts.actions import do_create_invitation, do_delete_account
    from komma.accounts.models import Invitation

    user = make_member("Geht")
    EmailAddress.objects.create(user=user, email="zweite@example.org", verified=True)
    do_create_invitation(None, email="zweite@example.org", municipality=None, roles=[],
                         as_coordinator=False)  # fmt: skip
    UserProfile.get_for_user(user)
    do_delete_account(user)
    # Someone else's open invitation to that address stays (and expires): deleting it
    # would tell that inviter the address had an account.
    assert Invitation.objects.filter(email="zweite@example.org").exists()
    assert not UserProfile.objects.filter(user=user).exists()
