"""E-mail notices: on commit, to the other side, by pseudonym, with a link, no content."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from komma.conversations.models import Conversation

from .conftest import ALICE_NEEDLES, BOB_NEEDLES, SECRET_BODY, assert_absent, german

pytestmark = pytest.mark.django_db

SUBJECT = "Bedrohung im Stadtrat Glimmerweg"


def start(client, to, *, subject=SUBJECT, body=SECRET_BODY):
    return client.post(f"/nachrichten/neu/{to.pseudonym}/", {"subject": subject, "body": body})


def test_new_conversation_mails_the_recipient_on_commit(
    client, alice, bob, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks() as callbacks:
        assert start(client, bob).status_code == 302
        assert not mail.outbox  # not before the message is committed
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    conversation = Conversation.objects.get()
    assert sent.to == [bob.email]
    assert sent.subject.startswith("[KomMA Netzwerk] ") and "LeiseAmsel" in sent.subject
    assert "LeiseAmsel" in sent.body
    link = f"{settings.KOMMA_BASE_URL.rstrip('/')}/nachrichten/{conversation.pk}/"
    assert link in sent.body
    text = sent.subject + sent.body
    # Neither the message, nor its subject, nor anything identifying the sender.
    assert "Feuerlilie" not in text and "Glimmerweg" not in text
    assert_absent(text, ALICE_NEEDLES, "notification mail")


def test_reply_mails_the_other_side_once_until_read(
    client, alice, bob, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, bob)
    conversation = Conversation.objects.get()
    url = f"/nachrichten/{conversation.pk}/"
    mail.outbox.clear()

    # Two more messages before Bob has read: no second and third mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Noch ein Nachtrag"})
    assert not mail.outbox

    client.force_login(bob)
    client.get(url)  # Bob reads, then answers: Alice had read everything, she gets a mail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Antwort mit Geheimnis Basaltkiesel"})
    assert [m.to for m in mail.outbox] == [[alice.email]]
    sent = mail.outbox[0]
    assert "KuehnerFalke" in sent.body and "Basaltkiesel" not in sent.body + sent.subject
    assert_absent(sent.subject + sent.body, BOB_NEEDLES, "reply mail")

    client.force_login(alice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Danke!"})  # Bob has read everything: mail again
    assert [m.to for m in mail.outbox] == [[bob.email]]


def test_mail_is_in_the_site_language_whatever_the_sender_uses(
    client, alice, bob, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        start(client, bob)
    notice = "For your protection this e-mail contains neither the message nor its subject."
    assert german(notice) in mail.outbox[0].body


def test_pages_of_each_side_show_no_identity_of_the_other(
    client, alice, bob, django_capture_on_commit_callbacks
):
    """Alice and Bob both hide name, office, address and municipality (the default)."""
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, bob)
    conversation = Conversation.objects.get()
    url = f"/nachrichten/{conversation.pk}/"
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
        client.post(url, {"body": "Antwort"})
    for user, needles, other_pseudonym in (
        (alice, BOB_NEEDLES, "KuehnerFalke"),
        (bob, ALICE_NEEDLES, "LeiseAmsel"),
    ):
        client.force_login(user)
        for page in ("/nachrichten/", url, "/nachrichten/archiv/", "/"):
            html = client.get(page).content.decode()
            assert_absent(html, needles, f"{page} for {user.pseudonym}")
        assert other_pseudonym in client.get(url).content.decode()  # not a vacuous check
        mails = [m for m in mail.outbox if m.to == [user.email]]
        assert mails
        for sent in mails:
            assert_absent(sent.subject + sent.body, needles, f"mail to {user.pseudonym}")


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, email_messages):
        raise OSError("connection refused")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("post_migrate_state")
def test_failed_mail_is_reported_and_the_message_kept(client, alice, bob, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    client.force_login(alice)
    response = start(client, bob)
    assert response.status_code == 302
    assert Conversation.objects.count() == 1
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == [
        german(
            "Your message has been sent. The e-mail that tells the other member about it "
            "could not be sent; they will see the message when they next log in."
        )
    ]
