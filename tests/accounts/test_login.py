"""Login by e-mail through allauth only: one form, one rate limit, for site and admins."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from komma.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/konto/login/"
RESET_URL = "/konto/password/reset/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def logged_in_user_id(client):
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def failed_login_limit() -> int:
    """The smallest count of ACCOUNT_RATE_LIMITS["login_failed"] (e.g. "5/5m/ip,5/5m/key")."""
    rules = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    return min(int(rule.split("/")[0]) for rule in rules)


def test_login_by_email(client, member):
    response = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    assert logged_in_user_id(client) == member.pk


def test_login_by_email_ignores_case(client, member):
    response = client.post(LOGIN_URL, {"login": member.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user_id(client) == member.pk


@pytest.mark.parametrize("login", ["WacheEule", "wacheeule", "admin"])
def test_login_by_pseudonym_or_username_fails(client, member, login):
    response = client.post(LOGIN_URL, {"login": login, "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert logged_in_user_id(client) is None


def test_wrong_password_fails(client, member):
    response = client.post(LOGIN_URL, {"login": member.email, "password": "falsch-falsch-1"})
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "email_password_mismatch")
    assert logged_in_user_id(client) is None


def test_password_reset_does_not_tell_whether_an_address_exists(english, member):
    known, unknown = Client(), Client()
    for c in (known, unknown):
        c.cookies["django_language"] = "en"
    known_response = known.post(RESET_URL, {"email": member.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    unknown_response = unknown.post(RESET_URL, {"email": "niemand@example.org"})
    assert len(mail.outbox) == 1  # nothing to the unknown address

    assert known_response.status_code == unknown_response.status_code == 302
    assert known_response.url == unknown_response.url
    known_page = known.get(known_response.url)
    unknown_page = unknown.get(unknown_response.url)
    assert known_page.status_code == unknown_page.status_code == 200

    def text(response):  # the page without its per-request CSRF token
        return CSRF_INPUT.sub("", response.content.decode())

    assert text(known_page) == text(unknown_page)
    assert member.email not in text(known_page)


def test_failed_logins_lock_out_even_the_right_password(client, member):
    limit = failed_login_limit()
    for _attempt in range(limit):
        response = client.post(LOGIN_URL, {"login": member.email, "password": "falsch-falsch-1"})
        assert response.context["form"].has_error("__all__", "email_password_mismatch")
    response = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})
    # allauth answers with a form error on the login form, not with a 429.
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "too_many_login_attempts")
    assert logged_in_user_id(client) is None


def test_failed_logins_are_counted_per_address_across_ips(member):
    """The "key" part of the limit: an attacker changing IPs is still stopped."""
    limit = failed_login_limit()
    for attempt in range(limit):
        Client(REMOTE_ADDR=f"10.0.0.{attempt + 1}").post(
            LOGIN_URL, {"login": member.email, "password": "falsch-falsch-1"}
        )
    client = Client(REMOTE_ADDR="10.0.1.1")
    response = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})
    assert response.context["form"].has_error("__all__", "too_many_login_attempts")
    assert logged_in_user_id(client) is None


def test_wagtail_admin_login_redirects_to_allauth_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code in (301, 302)
    assert response.url == f"{LOGIN_URL}?next=/admin/pages/"


def test_wagtail_admin_redirects_anonymous_users_to_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert "next=/admin/" in response.url


def test_django_admin_login_redirects_to_allauth(client):
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=%2Fdjango-admin%2F"
    response = client.get("/django-admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN_URL)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        email="chefin@example.org", password=PASSWORD, pseudonym="ChefinOben"
    )


@pytest.mark.parametrize("url", ["/admin/login/", "/django-admin/login/"])
def test_posting_credentials_to_admin_logins_logs_nobody_in(client, superuser, url):
    for field in ("username", "email", "login"):
        response = client.post(url, {field: superuser.email, "password": PASSWORD})
        assert response.status_code in (301, 302)
        assert response.url.startswith(LOGIN_URL)
        assert logged_in_user_id(client) is None


def test_admin_logins_share_the_allauth_lockout(client, superuser):
    """Failures on the one login form protect the admin logins too: there is no other form."""
    for _attempt in range(failed_login_limit()):
        client.post(LOGIN_URL, {"login": superuser.email, "password": "falsch-falsch-1"})
    for url in ("/admin/login/?next=/admin/", "/django-admin/login/?next=/django-admin/"):
        response = client.post(url, {"username": superuser.email, "password": PASSWORD})
        assert logged_in_user_id(client) is None
        response = client.post(response.url, {"login": superuser.email, "password": PASSWORD})
        assert response.status_code == 200
        assert response.context["form"].has_error("__all__", "too_many_login_attempts")
        assert logged_in_user_id(client) is None
