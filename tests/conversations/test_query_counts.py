"""Pinned query counts: inbox and thread do not grow with conversations or messages."""

import pytest

from komma.conversations import actions
from komma.conversations.selectors import access_conversation

pytestmark = pytest.mark.django_db

# Own queries of the inbox: the number of conversations (paginator), the page of
# them, their participants with users, the unread count (the view asks before the
# frame). The rest: session, user and the frame's reader facts (frame_facts: admin
# access, may invite, unread messages, level); menu and footer come from the cache.
INBOX = 7
# Own queries of the thread: the conversation with both sides, its messages with
# their authors (already read: no write). The rest as above: session, user, frame_facts.
THREAD = 5


@pytest.fixture
def filled(alice, make_member):
    """Fill alice's inbox up to ``n`` conversations: started by her, to her, with alias."""
    made = []

    def fill(n):
        while len(made) < n:
            i = len(made)
            other = make_member(f"Gegenueber{i:02d}")
            if i % 3 == 0:
                conversation = actions.do_start_conversation(
                    alice, other, subject=f"Von mir {i}", body="Hallo",
                    recipient_alias="Team hinter „Seite“",
                )  # fmt: skip
            else:
                conversation = actions.do_start_conversation(
                    other, alice, subject=f"An mich {i}", body="Hallo"
                )
            made.append(conversation)
        return made

    return fill


def test_inbox_queries_do_not_grow(client, alice, filled, django_assert_num_queries):
    client.force_login(alice)
    client.get("/")  # site and plugin states are cached after the first request
    for n in (3, 10):
        filled(n)
        with django_assert_num_queries(INBOX):
            response = client.get("/nachrichten/")
        assert response.status_code == 200
        assert len(response.context["rows"]) == n


def test_thread_queries_do_not_grow(client, alice, bob, django_assert_num_queries):
    conversation = actions.do_start_conversation(alice, bob, subject="S", body="Eins")
    url = f"/nachrichten/{conversation.pk}/"
    client.force_login(alice)
    client.get("/")
    for n in (3, 10):
        while conversation.messages.count() < n:
            sender = alice if conversation.messages.count() % 2 else bob
            actions.do_send_message(
                sender, access_conversation(sender, conversation.pk), body="Weiter"
            )
        client.get(url)  # reads the new messages (one write)
        with django_assert_num_queries(THREAD):
            response = client.get(url)
        assert len(response.context["thread"]) == n
