"""Shared fixtures. Services (PostgreSQL, Redis, chromium) are used where reachable;
with KOMMA_REQUIRE_SERVICES=1 (CI) a missing service fails the run instead of skipping."""

import os

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from komma.accounts.models import Membership, Municipality, User

REQUIRE_SERVICES = os.environ.get("KOMMA_REQUIRE_SERVICES") == "1"
PASSWORD = "ein-sicheres-Passwort-2026"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def need_service(name: str, available: bool, why: str):
    """Skip locally, fail in CI, when a real service is not available."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required in CI but not available: {why}")
    pytest.skip(f"{name} not available: {why}")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Plugin states and rate limits live in the cache; tests start from a clean one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request with an English cookie
    activates English in this thread, and it would stay for the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def post_migrate_state(transactional_db):
    """For transactional tests: what post_migrate creates (content types, permissions,
    role groups). A preceding test's flush with serialized rollback skips post_migrate,
    so it may be missing; emitting it again is idempotent."""
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture
def municipality(db):
    return Municipality.objects.create(
        name="Stadt Testhausen", kind="kreisfreie_stadt", bundesland="NW", ags="05999000",
        programme_status="model",
    )  # fmt: skip


@pytest.fixture
def other_municipality(db):
    return Municipality.objects.create(
        name="Gemeinde Anderswo", kind="gemeinde", bundesland="BY", ags="09999999",
        programme_status="applicant",
    )  # fmt: skip


@pytest.fixture
def make_member(db):
    """Create a member with a verified address; ``municipality`` makes a membership."""

    def make(pseudonym, *, email=None, municipality=None, coordinator=False, **fields):
        email = email or f"{pseudonym.lower()}@example.org"
        user = User.objects.create_user(
            email=email, password=PASSWORD, pseudonym=pseudonym, **fields
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if municipality is not None:
            Membership.objects.create(
                user=user, municipality=municipality, is_coordinator=coordinator
            )
        return user

    return make


@pytest.fixture
def admin_client(client, make_member):
    """A logged-in member of "Administration" with TOTP who just re-entered the password."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    admin = make_member("Netzpflege")
    admin.groups.add(Group.objects.get(name="Administration"))
    TOTP.activate(admin, TEST_TOTP_SECRET)
    client.force_login(admin)
    recently_reauthenticated(client, admin)
    return client


@pytest.fixture
def member(make_member, municipality):
    return make_member("WacheEule", municipality=municipality)


def recently_reauthenticated(client, user) -> None:
    """Mark the client's session as having entered the password just now (allauth's
    record), as a real admin does before a sensitive action."""
    import time

    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session.save()
