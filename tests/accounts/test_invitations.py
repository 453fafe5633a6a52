"""Invitation-only sign-up: invite, follow the link, sign up with a pseudonym."""

import hashlib
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from komma.accounts.actions import (
    InvitationUnusable,
    check_create_invitation,
    do_accept_invitation,
    do_create_invitation,
    do_revoke_invitation,
)
from komma.accounts.adapter import SESSION_INVITATION_KEY
from komma.accounts.models import Invitation, Membership, User
from komma.accounts.roles import ROLES

pytestmark = pytest.mark.django_db

INVITE_URL = "/konto/einladungen/"
SIGNUP_URL = "/konto/signup/"
NEW_EMAIL = "neu@example.org"
NEW_PASSWORD = "ein-anderes-Passwort-2026"
LINK_RE = re.compile(r"/konto/einladung/([A-Za-z0-9_-]+)/")


def signup_data(**overrides):
    data = {
        "email": NEW_EMAIL,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "pseudonym": "StilleLinde77",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "office": "Integrationsbeauftragte",
    }
    data.update(overrides)
    return data


def invite(municipality=None, *, email=NEW_EMAIL, roles=(), as_coordinator=False):
    """An open invitation created by the action (no sender); returns (invitation, token)."""
    return do_create_invitation(
        None,
        email=email,
        municipality=municipality,
        roles=list(roles),
        as_coordinator=as_coordinator,
    )


def follow(client, token):
    return client.get(f"/konto/einladung/{token}/")


# --- Inviting -------------------------------------------------------------------
def test_admin_invites_by_email_and_only_the_hash_is_stored(
    client, admin_member, municipality, on_commit
):
    client.force_login(admin_member)
    with on_commit():
        response = client.post(
            INVITE_URL,
            {
                "email": " Neu@Example.org ",
                "municipality": municipality.pk,
                "as_coordinator": "on",
                "roles": ["editor"],
            },
        )
    assert response.status_code == 302
    assert response.url == INVITE_URL

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [NEW_EMAIL]
    assert not message.cc
    assert not message.bcc
    match = LINK_RE.search(message.body)
    assert match, message.body
    token = match.group(1)

    invitation = Invitation.objects.get()
    assert invitation.email == NEW_EMAIL
    assert invitation.municipality == municipality
    assert invitation.as_coordinator is True
    assert invitation.roles == ["editor"]
    assert invitation.invited_by == admin_member
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(getattr(invitation, f.attname)) for f in Invitation._meta.concrete_fields]
    assert not any(token in value for value in stored)


def test_malformed_email_is_a_form_error_and_nothing_is_sent(
    client, admin_member, municipality, on_commit
):
    client.force_login(admin_member)
    with on_commit():
        response = client.post(
            INVITE_URL, {"email": "nicht-eine-adresse@", "municipality": municipality.pk}
        )
    assert response.status_code == 200
    assert response.context["form"].has_error("email", "invalid")
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_an_existing_member_looks_like_any_invitation(
    client, admin_member, member, on_commit
):
    """The inviter cannot tell whether the address has an account (no enumeration)."""
    client.force_login(admin_member)
    with on_commit():
        existing = client.post(INVITE_URL, {"email": member.email.upper()})
        fresh = client.post(INVITE_URL, {"email": "noch-niemand@example.org"})
    assert existing.status_code == fresh.status_code == 302
    assert existing["Location"] == fresh["Location"]
    statuses = {i.email: i.status for i in Invitation.objects.all()}
    assert statuses == {member.email: "open", "noch-niemand@example.org": "open"}
    notice, link_mail = sorted(mail.outbox, key=lambda m: m.to[0] != member.email)
    assert notice.to == [member.email] and "/konto/einladung/" not in notice.body
    assert "/konto/login/" in notice.body
    assert "/konto/einladung/" in link_mail.body


def test_invitations_are_rate_limited_per_inviter(admin_member, municipality, on_commit):
    from komma.accounts.actions import INVITATIONS_PER_HOUR, check_create_invitation

    with on_commit():
        for i in range(INVITATIONS_PER_HOUR):
            check_create_invitation(
                admin_member, email=f"person{i}@example.org", municipality=municipality,
                roles=[], as_coordinator=False,
            )  # fmt: skip
        with pytest.raises(ValidationError):
            check_create_invitation(
                admin_member, email="eine-zu-viel@example.org", municipality=municipality,
                roles=[], as_coordinator=False,
            )  # fmt: skip
    assert Invitation.objects.count() == INVITATIONS_PER_HOUR
    assert len(mail.outbox) == INVITATIONS_PER_HOUR


def test_coordinator_invites_into_own_municipality_only(
    client, coordinator, municipality, other_municipality, on_commit
):
    client.force_login(coordinator)
    with on_commit():
        response = client.post(INVITE_URL, {"email": NEW_EMAIL, "municipality": municipality.pk})
    assert response.status_code == 302
    assert Invitation.objects.get().municipality == municipality
    assert len(mail.outbox) == 1

    # The form does not even offer the other municipality ...
    response = client.post(
        INVITE_URL, {"email": "zwei@example.org", "municipality": other_municipality.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("municipality", "invalid_choice")
    assert Invitation.objects.count() == 1
    # ... and the action refuses it on its own.
    with pytest.raises(PermissionDenied):
        check_create_invitation(
            coordinator,
            email="zwei@example.org",
            municipality=other_municipality,
            roles=[],
            as_coordinator=False,
        )
    with pytest.raises(PermissionDenied):
        check_create_invitation(
            coordinator, email="zwei@example.org", municipality=None, roles=[],
            as_coordinator=False,
        )  # fmt: skip
    assert Invitation.objects.count() == 1


def test_coordinator_cannot_give_roles(client, coordinator, municipality):
    client.force_login(coordinator)
    response = client.post(
        INVITE_URL,
        {"email": NEW_EMAIL, "municipality": municipality.pk, "roles": ["admin"]},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().roles == []  # the posted roles were ignored
    with pytest.raises(PermissionDenied):
        check_create_invitation(
            coordinator,
            email="zwei@example.org",
            municipality=municipality,
            roles=["admin"],
            as_coordinator=False,
        )
    assert Invitation.objects.count() == 1


def test_plain_member_may_not_invite(client, member):
    client.force_login(member)
    assert client.get(INVITE_URL).status_code == 403
    assert client.post(INVITE_URL, {"email": NEW_EMAIL}).status_code == 403
    assert not Invitation.objects.exists()


def test_revoking_stops_the_link(client, english, admin_member, municipality):
    invitation, token = invite(municipality)
    client.force_login(admin_member)
    response = client.post(f"/konto/einladungen/{invitation.pk}/widerrufen/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert invitation.status == "revoked"

    client.logout()
    client.cookies["django_language"] = "en"
    response = follow(client, token)
    assert response.status_code == 410
    assert "This invitation has been withdrawn" in response.content.decode()


def test_coordinator_cannot_revoke_another_municipalitys_invitation(
    client, coordinator, other_municipality
):
    invitation, _token = invite(other_municipality)
    client.force_login(coordinator)
    response = client.post(f"/konto/einladungen/{invitation.pk}/widerrufen/")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Following the link and signing up --------------------------------------------
def test_full_invitation_signup(client, admin_member, municipality, on_commit):
    client.force_login(admin_member)
    with on_commit():
        client.post(
            INVITE_URL,
            {
                "email": NEW_EMAIL,
                "municipality": municipality.pk,
                "as_coordinator": "on",
                "roles": ["facilitator"],
            },
        )
    token = LINK_RE.search(mail.outbox[0].body).group(1)
    client.logout()
    mail.outbox.clear()

    response = follow(client, token)
    assert response.status_code == 302
    assert response.url == SIGNUP_URL
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    assert response.context["form"].initial["email"] == NEW_EMAIL

    with on_commit():
        response = client.post(SIGNUP_URL, signup_data())
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == "/"

    user = User.objects.get(email=NEW_EMAIL)
    assert user.pseudonym == "StilleLinde77"
    assert (user.first_name, user.last_name) == ("Erika", "Mustermann")
    assert user.office == "Integrationsbeauftragte"
    assert user.check_password(NEW_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (NEW_EMAIL, True, True)
    assert mail.outbox == []  # pre-verified: no confirmation e-mail
    membership = Membership.objects.get(user=user)
    assert membership.municipality == municipality
    assert membership.is_coordinator is True
    assert list(user.groups.values_list("name", flat=True)) == [ROLES["facilitator"].group_name]
    invitation = Invitation.objects.get()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == user
    assert int(client.session["_auth_user_id"]) == user.pk  # logged in right away
    assert SESSION_INVITATION_KEY not in client.session

    # The same link again: 410 with a clear message, nothing changes.
    client.logout()
    client.cookies["django_language"] = "en"
    users = User.objects.count()
    response = follow(client, token)
    assert response.status_code == 410
    assert "This invitation has already been used" in response.content.decode()
    assert User.objects.count() == users
    assert SESSION_INVITATION_KEY not in client.session
    response = client.post(SIGNUP_URL, signup_data(email=NEW_EMAIL, pseudonym="Zweiter1"))
    assert User.objects.count() == users


def test_second_browser_cannot_use_an_invitation_accepted_meanwhile(
    client, client_factory, municipality
):
    _invitation, token = invite(municipality)
    other = client_factory()
    follow(client, token)
    follow(other, token)
    assert client.post(SIGNUP_URL, signup_data()).status_code == 302
    users = User.objects.count()

    response = other.post(SIGNUP_URL, signup_data(pseudonym="Zweiter1"))
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.count() == users
    assert Membership.objects.filter(municipality=municipality).count() == 1


def test_expired_invitation_answers_410(client, english, municipality):
    invitation, token = invite(municipality)
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save()
    response = follow(client, token)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert SESSION_INVITATION_KEY not in client.session


def test_revoked_invitation_answers_410(client, english, admin_member, municipality):
    invitation, token = invite(municipality)
    do_revoke_invitation(invitation, by=admin_member)
    response = follow(client, token)
    assert response.status_code == 410
    assert "This invitation has been withdrawn" in response.content.decode()
    assert SESSION_INVITATION_KEY not in client.session


@pytest.mark.parametrize("token", ["abc", "x" * 500, "%00", "äöü", "half"])
def test_broken_token_answers_404_with_a_clear_message(client, english, municipality, token):
    _invitation, real = invite(municipality)
    if token == "half":  # the link was cut off when copied from the e-mail
        token = real[: len(real) // 2]
    users = User.objects.count()
    response = follow(client, token)
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()
    assert SESSION_INVITATION_KEY not in client.session
    assert User.objects.count() == users
    assert Invitation.objects.get().status == "open"


def test_invitation_link_while_logged_in_does_not_use_it(client, member, municipality):
    invitation, token = invite(municipality)
    client.force_login(member)
    response = follow(client, token)
    assert response.status_code == 302
    assert response.url == "/"
    assert SESSION_INVITATION_KEY not in client.session
    invitation.refresh_from_db()
    assert invitation.status == "open"


def test_signup_without_invitation_is_closed(client, english):
    users = User.objects.count()
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert "Sign-up by invitation only" in response.content.decode()
    response = client.post(SIGNUP_URL, signup_data())
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.count() == users
    assert not EmailAddress.objects.filter(email=NEW_EMAIL).exists()


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"email": "jemand-anders@example.org"}, "email", "invitation_email"),
        ({"pseudonym": "stillelinde77"}, "pseudonym", "taken"),  # taken, any case
    ],
    ids=["another-email", "taken-pseudonym"],
)
def test_signup_form_errors_change_nothing(client, make_member, municipality, data, field, code):
    make_member("StilleLinde77")
    invitation, token = invite(municipality)
    follow(client, token)
    users = User.objects.count()
    response = client.post(SIGNUP_URL, signup_data(**data))
    assert response.status_code == 200
    assert response.context["form"].has_error(field, code)
    assert User.objects.count() == users
    invitation.refresh_from_db()
    assert invitation.status == "open"


@pytest.mark.parametrize(
    ("pseudonym", "code"),
    [
        ("a", "invalid_pseudonym"),
        ("<script>", "invalid_pseudonym"),
        ("mit leerzeichen", "invalid_pseudonym"),
        ("x" * 31, "max_length"),
        ("admin", "reserved_pseudonym"),
        ("Moderation", "reserved_pseudonym"),
    ],
)
def test_signup_with_an_invalid_pseudonym_is_a_form_error(client, municipality, pseudonym, code):
    invitation, token = invite(municipality)
    follow(client, token)
    users = User.objects.count()
    response = client.post(SIGNUP_URL, signup_data(pseudonym=pseudonym))
    assert response.status_code == 200
    assert response.context["form"].has_error("pseudonym", code)
    assert User.objects.count() == users
    invitation.refresh_from_db()
    assert invitation.status == "open"


def test_accepting_twice_fails_the_second_time(make_member, municipality):
    invitation, _token = invite(municipality, as_coordinator=True)
    first = make_member("ErsteEiche11")
    second = make_member("ZweiteEiche22")
    do_accept_invitation(invitation.pk, first)
    with pytest.raises(InvitationUnusable) as caught:
        do_accept_invitation(invitation.pk, second)
    assert caught.value.status == "accepted"
    assert not Membership.objects.filter(user=second).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == first


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_signup_racing_another_acceptance_creates_nothing(
    client, english, make_member, municipality
):
    """The invitation is used by someone else after the form was checked but before it is
    saved: the sign-up is rolled back and answers 410 (the row lock decides)."""
    from django.db.models.signals import pre_save

    invitation, token = invite(municipality)
    rival = make_member("SchnelleLerche12")
    follow(client, token)

    def rival_accepts_first(sender, instance, **kwargs):
        if instance.pk is None and instance.email == NEW_EMAIL:
            Invitation.objects.filter(pk=invitation.pk).update(
                accepted_at=timezone.now(), accepted_by=rival
            )

    users = User.objects.count()
    pre_save.connect(rival_accepts_first, sender=User)
    try:
        response = client.post(SIGNUP_URL, signup_data())
    finally:
        pre_save.disconnect(rival_accepts_first, sender=User)
    assert response.status_code == 410
    assert "This invitation has already been used" in response.content.decode()
    assert User.objects.count() == users
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert not EmailAddress.objects.filter(email=NEW_EMAIL).exists()
    assert not Membership.objects.exists()
    assert "_auth_user_id" not in client.session
