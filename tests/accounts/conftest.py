"""Fixtures of the accounts tests: role members, TOTP helpers, on-commit e-mail."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.models import Group

from komma.accounts.roles import ROLES


def totp_code(secret: str) -> str:
    """The current TOTP code for ``secret`` (the code an authenticator app shows)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def give_totp(user) -> str:
    """Give ``user`` a TOTP authenticator; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def add_role(user, key: str) -> None:
    """Put ``user`` into the group of role ``key`` (created by ``sync_roles`` at migrate)."""
    user.groups.add(Group.objects.get(name=ROLES[key].group_name))


@pytest.fixture
def english(client):
    """Render pages in English (the msgids), so tests can check messages."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """``with on_commit(): ...`` runs the on-commit callbacks (e-mails) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def admin_member(make_member):
    """A member of "Administration" with a TOTP device, so the MFA gate lets them in."""
    user = make_member("AdminAnna")
    add_role(user, "admin")
    user.totp_secret = give_totp(user)
    return user


@pytest.fixture
def coordinator(make_member, municipality):
    return make_member("KoordKarl", municipality=municipality, coordinator=True)


OFFICE = "Beauftragte für Vielfalt"


@pytest.fixture
def subject(make_member, municipality):
    """A member with a real name and office, set to be seen by nobody."""
    return make_member(
        "StilleLinde77",
        municipality=municipality,
        first_name="Erika",
        last_name="Mustermann",
        office=OFFICE,
    )
