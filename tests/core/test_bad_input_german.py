"""Bad input gets a clear German message and changes nothing (default language)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core import mail

from komma.accounts.actions import do_accept_invitation, do_create_invitation
from komma.accounts.models import Invitation, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_broken_token(client):
    response = client.get("/konto/einladung/kaputt-123/")
    assert response.status_code == 404
    assert "Dieser Einladungslink ist ungültig" in response.content.decode()
    assert User.objects.count() == 0


def test_reused_token(client, member, municipality):
    _invitation, token = do_create_invitation(
        None, email="neu@example.org", municipality=municipality, roles=[], as_coordinator=False
    )
    do_accept_invitation(_invitation.pk, member)
    before = User.objects.count()
    response = client.get(f"/konto/einladung/{token}/")
    assert response.status_code == 410
    assert "Diese Einladung wurde bereits verwendet" in response.content.decode()
    assert User.objects.count() == before
    assert "komma_invitation_id" not in client.session


def test_malformed_email_in_invitation_form(client, make_member):
    admin = make_member("Netzpflege")
    admin.groups.add(Group.objects.get(name="Administration"))
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(admin)
    response = client.post("/konto/einladungen/", {"email": "keine-adresse@", "roles": []})
    assert response.status_code == 200
    assert "Bitte gültige E-Mail-Adresse eingeben." in response.content.decode()
    assert Invitation.objects.count() == 0 and len(mail.outbox) == 0


def test_wrong_totp_code(client, make_member):
    user = make_member("Sicherheitsbewusst")
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/2fa/" in response["Location"]
    response = client.post(response["Location"], {"code": "000000"})
    assert response.status_code == 200
    assert "Falscher Code." in response.content.decode()
    assert "_auth_user_id" not in client.session
