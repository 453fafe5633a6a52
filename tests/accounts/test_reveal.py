"""An admin's identity reveal: explicit, with a reason, logged and told to the member."""

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from komma.accounts.models import IdentityReveal, User
from tests.conftest import recently_reauthenticated

from .conftest import add_role, give_totp

pytestmark = pytest.mark.django_db

REASON = "Drohnachricht im Forum, Polizei bittet um Identität des Verfassers."
from tests.accounts.conftest import OFFICE  # noqa: E402

REAL_NAME = "Erika Mustermann"


def reveal_url(user):
    return f"/admin/mitglieder/{user.pk}/offenlegen/"


def reveal_logs(user):
    return ModelLogEntry.objects.filter(
        action="komma.identity_reveal", object_id=str(user.pk)
    ).order_by("pk")


def test_form_is_shown_without_identity(client, admin_member, subject):
    client.force_login(admin_member)
    recently_reauthenticated(client, admin_member)
    response = client.get(reveal_url(subject))
    assert response.status_code == 200
    page = response.content.decode()
    assert "StilleLinde77" in page
    assert REAL_NAME not in page
    assert subject.email not in page
    assert not IdentityReveal.objects.exists()


@pytest.mark.parametrize("reason", ["", "weil", "   " + "x" * 19 + "   "])
def test_short_reason_is_refused(client, admin_member, subject, on_commit, reason):
    client.force_login(admin_member)
    recently_reauthenticated(client, admin_member)
    with on_commit():
        response = client.post(reveal_url(subject), {"reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    page = response.content.decode()
    assert REAL_NAME not in page
    assert subject.email not in page
    assert not IdentityReveal.objects.exists()
    assert not reveal_logs(subject).exists()
    assert mail.outbox == []


def test_reveal_with_reason_shows_logs_and_informs(client, admin_member, subject, on_commit):
    client.force_login(admin_member)
    recently_reauthenticated(client, admin_member)
    with on_commit():
        response = client.post(reveal_url(subject), {"reason": REASON}, follow=True)
    assert response.redirect_chain == [(reveal_url(subject), 302)]
    page = response.content.decode()
    assert REAL_NAME in page
    assert subject.email in page
    assert OFFICE in page
    assert "Stadt Testhausen" in page

    reveal = IdentityReveal.objects.get()
    assert (reveal.subject, reveal.revealed_by, reveal.reason) == (subject, admin_member, REASON)
    log = reveal_logs(subject).get()
    assert log.user_id == admin_member.pk
    assert log.data["reason"] == REASON
    assert log.content_type.model_class() is User

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [subject.email]
    assert REASON in message.body
    assert admin_member.email not in message.body


def test_member_sees_the_reveal_in_privacy_settings(
    client, english, admin_member, subject, on_commit
):
    admin_member.first_name, admin_member.last_name = "Adalbert", "Amtmann"
    admin_member.save()
    client.force_login(admin_member)
    recently_reauthenticated(client, admin_member)
    with on_commit():
        client.post(reveal_url(subject), {"reason": REASON})
    client.logout()

    client.cookies["django_language"] = "en"
    client.force_login(subject)
    response = client.get("/konto/privatsphaere/")
    assert response.status_code == 200
    page = response.content.decode()
    assert REASON in page
    assert "AdminAnna" in page
    assert "Amtmann" not in page
    assert admin_member.email not in page
    assert "Nobody has revealed your identity" not in page


def test_no_reveal_is_listed_when_there_is_none(client, english, subject):
    client.force_login(subject)
    page = client.get("/konto/privatsphaere/").content.decode()
    assert "Nobody has revealed your identity" in page


def test_plain_member_cannot_reveal(client, member, subject, on_commit):
    client.force_login(member)
    for method in (client.get, client.post):
        with on_commit():
            response = method(reveal_url(subject), {"reason": REASON})
        # No admin access at all: Wagtail sends the member to the login.
        assert response.status_code == 302
        assert response.url.startswith("/konto/login/")
    assert not IdentityReveal.objects.exists()
    assert mail.outbox == []


def test_moderator_with_admin_access_cannot_reveal(client, make_member, subject, on_commit):
    moderator = make_member("ModeratorMia")
    add_role(moderator, "moderator")
    give_totp(moderator)
    client.force_login(moderator)
    recently_reauthenticated(client, moderator)
    assert client.get("/admin/").status_code == 200  # may use the admin ...
    with on_commit():
        response = client.post(reveal_url(subject), {"reason": REASON})
    # ... but not reveal: Wagtail turns PermissionDenied into a redirect to its dashboard.
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert not IdentityReveal.objects.exists()
    assert mail.outbox == []
    response = client.get("/admin/mitglieder/")
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_admin_without_second_factor_is_sent_to_setup(client, make_member, subject):
    admin = make_member("AdminOhneTotp")
    add_role(admin, "admin")
    client.force_login(admin)
    recently_reauthenticated(client, admin)
    response = client.post(reveal_url(subject), {"reason": REASON})
    assert response.status_code == 302
    assert response.url == "/konto/2fa/totp/activate/"
    assert not IdentityReveal.objects.exists()


def test_anonymous_is_sent_to_login(client, subject):
    response = client.get(reveal_url(subject))
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


def test_members_list_shows_pseudonyms_only(client, admin_member, subject):
    client.force_login(admin_member)
    recently_reauthenticated(client, admin_member)
    response = client.get("/admin/mitglieder/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "StilleLinde77" in page
    assert REAL_NAME not in page
    assert subject.email not in page
    assert reveal_url(subject) in page


def test_reload_after_reveal_neither_shows_nor_repeats_it(client, admin_member, subject, on_commit):
    """Post/redirect/get: the identity is shown once; reloading does not reveal again."""
    client.force_login(admin_member)
    recently_reauthenticated(client, admin_member)
    with on_commit():
        client.post(reveal_url(subject), {"reason": REASON}, follow=True)
        reload = client.get(reveal_url(subject))
    assert REAL_NAME not in reload.content.decode()
    assert IdentityReveal.objects.count() == 1 and len(mail.outbox) == 1
