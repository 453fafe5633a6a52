"""A notification that could not be sent is reported, not claimed as sent."""

import pytest
from django.contrib.messages import get_messages

from komma.accounts.models import IdentityReveal, Invitation

# Real commits: the mail goes out on commit, as in production, before the view answers.

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("post_migrate_state"),
]

DEAD_SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 1,  # nothing listens: connection refused
    "EMAIL_TIMEOUT": 2,
}


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_invitation_mail_failure_is_reported(admin_client, settings, municipality):
    for key, value in DEAD_SMTP.items():
        setattr(settings, key, value)
    response = admin_client.post(
        "/konto/einladungen/", {"email": "neu@example.org", "municipality": municipality.pk}
    )
    assert response.status_code == 302
    assert Invitation.objects.count() == 1
    shown = texts(response)
    assert any("konnte nicht gesendet werden" in text for text in shown), shown
    assert not any("wurde verschickt" in text for text in shown)


def test_reveal_mail_failure_is_reported(admin_client, settings, member):
    for key, value in DEAD_SMTP.items():
        setattr(settings, key, value)
    response = admin_client.post(
        f"/admin/mitglieder/{member.pk}/offenlegen/", {"reason": "Verdacht auf Doxxing im Forum"}
    )
    assert response.status_code == 302  # post/redirect/get to the one-time result
    assert IdentityReveal.objects.filter(subject=member).count() == 1
    assert any("nicht gesendet werden" in text for text in texts(response))
