"""Second factor: required for editors/moderators/admins, a real stage at login."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

from .conftest import add_role, give_totp, totp_code

pytestmark = pytest.mark.django_db

LOGIN_URL = "/konto/login/"
AUTHENTICATE_URL = "/konto/2fa/authenticate/"
REAUTH_URL = "/konto/reauthenticate/"


def login(client, user):
    return client.post(LOGIN_URL, {"login": user.email, "password": PASSWORD})


def reauthenticate(client, url):
    """allauth asks for the password again before a second factor is added."""
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(REAUTH_URL)
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == url


def wrong_code(secret):
    return "123456" if totp_code(secret) != "123456" else "654321"


def logged_in_user_id(client):
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


@pytest.fixture
def editor(make_member):
    user = make_member("RedakteurinRita")
    add_role(user, "editor")
    return user


def test_urls():
    assert reverse("mfa_activate_totp") == "/konto/2fa/totp/activate/"
    assert reverse("mfa_authenticate") == AUTHENTICATE_URL


def test_editor_without_second_factor_is_sent_to_totp_setup(client, editor):
    activate = reverse("mfa_activate_totp")
    response = login(client, editor)
    assert logged_in_user_id(client) == editor.pk
    for url in ("/", "/konto/profil/", "/konto/privatsphaere/", "/admin/", "/konto/daten/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == activate, url
    assert client.post("/konto/profil/", {"pseudonym": "Anders123"}).url == activate
    editor.refresh_from_db()
    assert editor.pseudonym == "RedakteurinRita"
    reauthenticate(client, activate)  # the reauthentication page is reachable too
    assert client.get(activate).status_code == 200

    # Logging out still works.
    assert client.get("/konto/logout/").status_code == 200
    response = client.post("/konto/logout/")
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_editor_activates_totp_and_can_use_the_site(client, editor):
    login(client, editor)
    activate = reverse("mfa_activate_totp")
    reauthenticate(client, activate)
    response = client.get(activate)
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(activate, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", "incorrect_code")
    assert not Authenticator.objects.filter(user=editor).exists()
    assert client.get("/").status_code == 302

    response = client.post(activate, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200
    assert client.get("/konto/profil/").status_code == 200


def test_second_factor_is_required_at_login(client, editor):
    secret = give_totp(editor)
    response = login(client, editor)
    assert response.status_code == 302
    assert response.url == AUTHENTICATE_URL
    assert logged_in_user_id(client) is None
    # Not logged in until the second stage is passed.
    response = client.get("/konto/profil/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert logged_in_user_id(client) is None

    login(client, editor)
    response = client.post(AUTHENTICATE_URL, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", "incorrect_code")
    assert logged_in_user_id(client) is None

    response = client.post(AUTHENTICATE_URL, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert logged_in_user_id(client) == editor.pk
    assert client.get("/konto/profil/").status_code == 200


def test_a_used_code_does_not_work_twice(client, editor):
    secret = give_totp(editor)
    code = totp_code(secret)
    login(client, editor)
    client.post(AUTHENTICATE_URL, {"code": code})
    assert logged_in_user_id(client) == editor.pk
    client.post("/konto/logout/")

    login(client, editor)
    response = client.post(AUTHENTICATE_URL, {"code": code})
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_member_with_totp_also_passes_the_second_stage(client, member):
    secret = give_totp(member)
    login(client, member)
    assert logged_in_user_id(client) is None
    client.post(AUTHENTICATE_URL, {"code": totp_code(secret)})
    assert logged_in_user_id(client) == member.pk


def test_plain_member_is_not_forced_to_set_up_mfa(client, member):
    response = login(client, member)
    assert response.url == "/"
    assert logged_in_user_id(client) == member.pk
    assert client.get("/").status_code == 200
    assert client.get("/konto/profil/").status_code == 200


def test_member_who_gets_a_role_later_is_sent_to_setup(client, member):
    """The check is cached in the session for a minute, but a new role applies at login."""
    login(client, member)
    assert client.get("/konto/profil/").status_code == 200
    add_role(member, "moderator")
    client.post("/konto/logout/")
    login(client, member)
    response = client.get("/konto/profil/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_second_factor_added_in_another_session_unlocks_this_one(client, editor):
    """Set up TOTP on the laptop while the phone's session was sent to the setup page:
    the phone must not be stuck (activate -> deactivate -> activate ... redirect loop)."""
    phone = Client()
    login(phone, editor)
    assert phone.get("/").url == reverse("mfa_activate_totp")

    login(client, editor)
    activate = reverse("mfa_activate_totp")
    reauthenticate(client, activate)
    client.get(activate)
    client.post(activate, {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()

    response = phone.get("/")
    assert response.status_code == 200
    assert phone.get("/konto/profil/").status_code == 200
