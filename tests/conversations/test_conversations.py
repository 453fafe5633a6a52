"""Private messages: start, reply, inbox, read state, access, bad input, rate limits."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from komma.accounts.actions import do_delete_account
from komma.conversations import actions
from komma.conversations.models import Conversation, Message, Participant

from .conftest import german

pytestmark = pytest.mark.django_db

INBOX = "/nachrichten/"


def menu_one_unread():
    return german("Messages (%(count)d)") % {"count": 1}


def thread_url(conversation):
    return f"/nachrichten/{conversation.pk}/"


def test_urls_are_german():
    assert reverse("conversations:inbox") == INBOX
    assert reverse("conversations:archive") == "/nachrichten/archiv/"
    assert reverse("conversations:start", args=["Eiche"]) == "/nachrichten/neu/Eiche/"
    assert reverse("conversations:contact", args=[3, "abc"]) == "/nachrichten/kontakt/3/abc/"


def test_start_reply_inbox_and_read_state(client, alice, bob):
    client.force_login(alice)
    form = client.get(f"/nachrichten/neu/{bob.pseudonym}/")
    assert form.status_code == 200
    assert "KuehnerFalke" in form.content.decode()
    response = client.post(
        f"/nachrichten/neu/{bob.pseudonym.lower()}/",  # pseudonyms are case-insensitive
        {"subject": "Erfahrungen mit Drohbriefen", "body": "Hallo,\nwie geht ihr damit um?"},
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == thread_url(conversation)
    assert conversation.subject == "Erfahrungen mit Drohbriefen"
    assert conversation.context_page is None and conversation.recipient_alias == ""
    assert {p.user for p in conversation.participants.all()} == {alice, bob}
    assert conversation.messages.get().body == "Hallo,\nwie geht ihr damit um?"

    # The sender has read her own message; the recipient has one unread conversation.
    page = client.get(INBOX).content.decode()
    assert "Erfahrungen mit Drohbriefen" in page and "KuehnerFalke" in page
    assert 'class="unread-marker"' not in page

    client.force_login(bob)
    page = client.get(INBOX).content.decode()
    assert 'class="unread-marker"' in page and "LeiseAmsel" in page
    home = client.get("/").content.decode()
    assert menu_one_unread() in home  # the account menu counts unread

    thread = client.get(thread_url(conversation)).content.decode()
    assert "wie geht ihr damit um?" in thread and "<br>" in thread  # line breaks kept
    assert 'class="unread-marker"' in thread  # new on this visit
    assert 'class="unread-marker"' not in client.get(INBOX).content.decode()
    assert menu_one_unread() not in client.get("/").content.decode()

    response = client.post(thread_url(conversation), {"body": "Wir dokumentieren alles."})
    message = Message.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(conversation)}#nachricht-{message.pk}"
    assert message.author == bob and message.body == "Wir dokumentieren alles."

    client.force_login(alice)
    page = client.get(INBOX).content.decode()
    assert 'class="unread-marker"' in page
    thread = client.get(thread_url(conversation)).content.decode()
    assert thread.index("wie geht ihr damit um?") < thread.index("Wir dokumentieren alles.")


def test_inbox_newest_activity_first_and_paginated(client, alice, make_member):
    others = [make_member(f"Partner{i:02d}") for i in range(23)]
    for number, other in enumerate(others):
        actions.do_start_conversation(alice, other, subject=f"Thema {number:02d}", body="Hallo")
    oldest = Conversation.objects.get(subject="Thema 00")
    actions.do_send_message(alice, _accessed(alice, oldest), body="Noch eine Frage")
    client.force_login(alice)
    first = client.get(INBOX).content.decode()
    assert first.index("Thema 00") < first.index("Thema 22") < first.index("Thema 21")
    assert "Thema 03" not in first  # page size 20
    second = client.get(INBOX, {"seite": "2"}).content.decode()
    assert "Thema 03" in second and "Thema 22" not in second
    assert client.get(INBOX, {"seite": "kaputt"}).status_code == 200
    assert client.get(INBOX, {"seite": "999999999999999999999"}).status_code == 200


def _accessed(user, conversation):
    from komma.conversations.selectors import access_conversation

    return access_conversation(user, conversation.pk)


def test_archive_and_a_reply_brings_it_back(client, conversation, alice, bob):
    client.force_login(bob)
    response = client.post(f"{thread_url(conversation)}archivieren/", {"archived": "1"})
    assert response.status_code == 302
    assert "Austausch zur Hassrede" not in client.get(INBOX).content.decode()
    assert "Austausch zur Hassrede" in client.get("/nachrichten/archiv/").content.decode()
    # Alice's side is untouched.
    assert not Participant.objects.get(conversation=conversation, user=alice).archived
    actions.do_send_message(alice, _accessed(alice, conversation), body="Noch da?")
    assert "Austausch zur Hassrede" in client.get(INBOX).content.decode()
    # Junk archive values change nothing.
    client.post(f"{thread_url(conversation)}archivieren/", {"archived": "vielleicht"})
    assert not Participant.objects.get(conversation=conversation, user=bob).archived
    assert client.get(f"{thread_url(conversation)}archivieren/").status_code == 405


def test_non_participants_get_404(client, conversation, make_member):
    outsider = make_member("NeugierigerDachs")
    client.force_login(outsider)
    assert client.get(thread_url(conversation)).status_code == 404
    response = client.post(thread_url(conversation), {"body": "Ich lese mit."})
    assert response.status_code == 404
    archive = client.post(f"{thread_url(conversation)}archivieren/", {"archived": "1"})
    assert archive.status_code == 404
    assert conversation.messages.count() == 1
    assert "Austausch zur Hassrede" not in client.get(INBOX).content.decode()


@pytest.mark.parametrize(
    "url",
    ["/nachrichten/0/", "/nachrichten/999999/", "/nachrichten/99999999999999999999999/",
     "/nachrichten/abc/", "/nachrichten/-1/", "/nachrichten/kontakt/99999999999999999999/x/",
     "/nachrichten/kontakt/abc/x/"],
)  # fmt: skip
def test_junk_ids_answer_404(client, alice, url):
    client.force_login(alice)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [INBOX, "/nachrichten/archiv/", "/nachrichten/1/", "/nachrichten/neu/KuehnerFalke/",
     "/nachrichten/kontakt/1/abc/"],
)  # fmt: skip
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_anonymous_post_stores_nothing(client, conversation):
    response = client.post(thread_url(conversation), {"body": "anonym"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert conversation.messages.count() == 1


def test_cannot_message_self(client, alice):
    client.force_login(alice)
    for method in (client.get, client.post):
        response = method(f"/nachrichten/neu/{alice.pseudonym}/", {"subject": "x", "body": "y"})
        assert response.status_code == 400
        assert german("You cannot write a message to yourself.") in response.content.decode()
    assert Conversation.objects.count() == 0


def test_cannot_message_deleted_inactive_or_unknown(client, alice, make_member):
    gone = make_member("FruehererBiber")
    do_delete_account(gone)
    inactive = make_member("RuhenderOtter", is_active=False)
    client.force_login(alice)
    for pseudonym in (gone.pseudonym, inactive.pseudonym, "GibtEsNicht", "x" * 200, "%00"):
        for method in (client.get, client.post):
            response = method(f"/nachrichten/neu/{pseudonym}/", {"subject": "x", "body": "y"})
            assert response.status_code == 404, pseudonym
            assert german("There is no member here who can receive messages.") in (
                response.content.decode()
            )
    assert Conversation.objects.count() == 0 and not mail.outbox


@pytest.mark.parametrize(
    ("data", "field", "draft"),
    [
        ({"subject": "Betreff Eins", "body": "   \n  "}, "body", "Betreff Eins"),
        ({"subject": "", "body": "Mein Entwurf mit Inhalt"}, "subject", "Mein Entwurf mit Inhalt"),
        ({"subject": "Betreff Zwei", "body": "Ä" * 5001}, "body", "Ä" * 5001),
        ({"subject": "B" * 151, "body": "Entwurf Drei"}, "subject", "Entwurf Drei"),
        ({"subject": "Betreff Vier", "body": "Null\x00Byte im Entwurf"}, "body", "Byte im Entwurf"),
    ],
)
def test_bad_start_input_keeps_the_draft_and_stores_nothing(client, alice, bob, data, field, draft):
    client.force_login(alice)
    response = client.post(f"/nachrichten/neu/{bob.pseudonym}/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "field-invalid" in html and 'aria-invalid="true"' in html
    assert draft in html  # what the member wrote comes back in the form
    assert Conversation.objects.count() == 0 and Message.objects.count() == 0
    assert not mail.outbox


def test_too_long_body_is_kept_whole(client, alice, bob):
    client.force_login(alice)
    body = "Langer Text. " * 400  # 5200 characters
    response = client.post(f"/nachrichten/neu/{bob.pseudonym}/", {"subject": "S", "body": body})
    assert response.status_code == 200
    assert response.context["form"]["body"].value() == body
    assert "maxlength" not in str(response.context["form"]["body"])  # no silent cut-off
    assert Conversation.objects.count() == 0


def test_bad_reply_keeps_the_draft_and_stores_nothing(client, conversation, bob):
    client.force_login(bob)
    response = client.post(thread_url(conversation), {"body": "x" * 5001})
    assert response.status_code == 200
    assert response.context["form"]["body"].value() == "x" * 5001
    response = client.post(thread_url(conversation), {"body": "  "})
    assert response.status_code == 200 and "body" in response.context["form"].errors
    assert conversation.messages.count() == 1


def test_no_reply_to_a_deleted_member(client, conversation, alice, bob):
    Message.objects.create(conversation=conversation, author=bob, body="Bis bald.")
    do_delete_account(bob)
    client.force_login(alice)
    page = client.get(thread_url(conversation)).content.decode()
    # The deleted member's messages stay, shown as "former member"; no reply form.
    assert "Bis bald." in page and german("former member") in page
    assert "KuehnerFalke" not in page
    assert 'name="body"' not in page
    response = client.post(thread_url(conversation), {"body": "Hallo, bist du noch da?"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hallo, bist du noch da?" in html  # the refused draft is shown, not lost
    assert (
        german("The other member has left the network; your message cannot be delivered.") in html
    )
    assert conversation.messages.count() == 2
    inbox = client.get(INBOX).content.decode()
    assert german("former member") in inbox and "KuehnerFalke" not in inbox


def test_rate_limit_on_new_conversations(client, alice, make_member, monkeypatch):
    monkeypatch.setattr(actions, "CONVERSATIONS_PER_HOUR", 2)
    people = [make_member(f"Empfaenger{i}") for i in range(3)]
    client.force_login(alice)
    for person in people[:2]:
        url = f"/nachrichten/neu/{person.pseudonym}/"
        assert client.post(url, {"subject": "S", "body": "Hallo"}).status_code == 302
    mail.outbox.clear()
    url = f"/nachrichten/neu/{people[2].pseudonym}/"
    response = client.post(url, {"subject": "Dritter Versuch", "body": "Mein Entwurf"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        german("You have started many conversations in a short time. Please try again later.")
        in html
    )
    assert "Mein Entwurf" in html and "Dritter Versuch" in html
    assert Conversation.objects.count() == 2 and not mail.outbox


def test_rate_limit_on_messages(client, conversation, bob, monkeypatch):
    monkeypatch.setattr(actions, "MESSAGES_PER_HOUR", 3)
    client.force_login(bob)
    for number in range(3):
        response = client.post(thread_url(conversation), {"body": f"Antwort {number}"})
        assert response.status_code == 302
    response = client.post(thread_url(conversation), {"body": "Eine zu viel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert german("You have sent many messages in a short time. Please try again later.") in html
    assert "Eine zu viel" in html
    assert conversation.messages.count() == 4


def test_default_limits():
    assert (actions.CONVERSATIONS_PER_HOUR, actions.MESSAGES_PER_HOUR) == (10, 60)


def test_profile_links_to_a_new_message(client, alice, bob):
    client.force_login(alice)
    page = client.get(reverse("accounts:member", args=[bob.pseudonym])).content.decode()
    assert f'href="/nachrichten/neu/{bob.pseudonym}/"' in page
    own = client.get(reverse("accounts:member", args=[alice.pseudonym])).content.decode()
    assert "/nachrichten/neu/" not in own


def test_personal_data_export_holds_own_messages_only(client, conversation, alice, bob):
    Message.objects.create(conversation=conversation, author=bob, body="Antwort von Bob")
    client.force_login(alice)
    data = json.loads(client.get(reverse("accounts:data_export")).content)
    written = data["private_messages_written"]
    assert [m["body"] for m in written] == ["Hallo, wie geht ihr damit um?"]
    assert written[0]["subject"] == "Austausch zur Hassrede" and written[0]["sent_at"]
    assert data["private_conversations"][0]["started_by_me"] is True
    assert "Antwort von Bob" not in json.dumps(data)
    assert "KuehnerFalke" not in json.dumps(data)


def test_deleted_authors_messages_stay(conversation, alice):
    do_delete_account(alice)
    assert Message.objects.get().author == alice
    assert Conversation.objects.count() == 1
