"""The room's actions without a socket: sequence numbers, dedupe races, input checks,
access rules and the queries of the hot path."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.http import Http404

from exchange.live import actions
from exchange.live.access import access_session_page, is_session_facilitator
from exchange.live.actions import Actor, LiveError
from exchange.live.models import LiveSession, Message, Participant, State
from exchange.live.selectors import sessions_for
from tests.conftest import need_service

from .conftest import make_session


@pytest.mark.django_db
def test_sequence_numbers_are_gapless_and_refusals_use_none(live_cast, live_session):
    actor = Actor(live_cast["consultant"], live_session.pk)
    first = actions.do_send_message(actor, uuid.uuid4(), "eins")
    LiveSession.objects.filter(pk=live_session.pk).update(chat_locked=True)
    with pytest.raises(LiveError) as refused:
        actions.do_send_message(actor, uuid.uuid4(), "gesperrt")
    assert refused.value.code == "locked"
    LiveSession.objects.filter(pk=live_session.pk).update(chat_locked=False)
    second = actions.do_send_message(actor, uuid.uuid4(), "zwei")
    assert [first.reply[0]["seq"], second.reply[0]["seq"]] == [1, 2]
    assert LiveSession.objects.get(pk=live_session.pk).last_seq == 2
    # The outcome: the message for the room, the ack for the sender.
    assert second.room[0]["type"] == "message" and second.room[0]["body"] == "zwei"


@pytest.mark.django_db
def test_a_client_id_racing_in_twice_is_stored_once(live_cast, live_session, monkeypatch):
    """Two connections retry the same message at once: both looked and found nothing,
    the second insert hits the unique constraint and answers with the stored one."""
    actor = Actor(live_cast["consultant"], live_session.pk)
    client_id = uuid.uuid4()
    stored = actions.do_send_message(actor, client_id, "einmal")
    calls = []
    real_stored = actions._stored

    def blind_first_look(actor, client_id):
        calls.append(client_id)
        return None if len(calls) == 1 else real_stored(actor, client_id)

    monkeypatch.setattr(actions, "_stored", blind_first_look)
    retried = actions.do_send_message(actor, client_id, "einmal")
    assert retried.reply == stored.reply and retried.room == []
    assert Message.objects.filter(session=live_session).count() == 1
    assert LiveSession.objects.get(pk=live_session.pk).last_seq == 1  # rolled back


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_get_unique_consecutive_numbers(live_cast, live_session):
    """Several threads (as several Daphne processes would) send at once. PostgreSQL
    only: SQLite serialises writers anyway."""
    need_service("PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL is not PostgreSQL")
    senders = [live_cast[key] for key in ("consultant", "consultant2", "case_giver", "secretary")]
    start = threading.Barrier(len(senders))
    errors = []

    def send_many(user):
        try:
            start.wait()
            actor = Actor(user, live_session.pk)
            for number in range(8):
                actions.do_send_message(actor, uuid.uuid4(), f"{user.pseudonym} {number}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send_many, args=(user,)) for user in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    seqs = list(Message.objects.filter(session=live_session).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, 33))
    assert LiveSession.objects.get(pk=live_session.pk).last_seq == 32


@pytest.mark.django_db
def test_send_message_query_count(live_cast, live_session, django_assert_num_queries):
    actor = Actor(live_cast["consultant"], live_session.pk)
    # 1 SAVEPOINT (the transaction; in the test's own transaction), 2 UPDATE session
    # last_seq + 1 RETURNING the room state (takes the row lock), 3 SELECT participant
    # with the seq of a stored message of this client id, 4 INSERT message, 5 RELEASE
    # SAVEPOINT.
    with django_assert_num_queries(5):
        actions.do_send_message(actor, uuid.uuid4(), "gezählt")
    # A retry is found under the row lock: SAVEPOINT, UPDATE, SELECT (finds it),
    # ROLLBACK TO SAVEPOINT (the number is given back), RELEASE.
    client_id = uuid.uuid4()
    actions.do_send_message(actor, client_id, "nochmal")
    with django_assert_num_queries(5):
        actions.do_send_message(actor, client_id, "nochmal")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ({"client_id": "x", "body": "a"}, "invalid"),
        ({"client_id": str(uuid.uuid4()), "body": ""}, "invalid"),
        ({"client_id": str(uuid.uuid4()), "body": "\n\t "}, "invalid"),
        ({"client_id": str(uuid.uuid4()), "body": "a" * 4001}, "too_large"),
        ({"client_id": str(uuid.uuid4()), "body": ["a"]}, "invalid"),
        ({"client_id": 5, "body": "a"}, "invalid"),
    ],
)
def test_check_send_message_refuses_bad_input(content, code):
    with pytest.raises(LiveError) as refused:
        actions.check_send_message(content)
    assert refused.value.code == code and refused.value.message


def test_check_functions_accept_good_input():
    client_id = uuid.uuid4()
    assert actions.check_send_message({"client_id": str(client_id), "body": " hi "}) == (
        client_id,
        " hi ",
    )
    assert actions.check_set_phase({"phase": "advice"}) == ("advice", 25)
    assert actions.check_set_phase({"phase": "closing", "minutes": 3}) == ("closing", 3)
    assert actions.check_reason("  weil  ", required=True) == "weil"
    with pytest.raises(LiveError):
        actions.check_reason(" ", required=True)
    with pytest.raises(LiveError):
        actions.check_int(True)


@pytest.mark.django_db
def test_facilitator_rule(live_cast, live_session):
    participants = {p.user_id: p for p in Participant.objects.filter(session=live_session)}

    def runs(key):
        user = live_cast[key]
        return is_session_facilitator(user, live_session, participants.get(user.pk))

    assert runs("facilitator") and runs("stand_in")
    assert not runs("consultant") and not runs("case_giver") and not runs("outsider")
    # A participant cast as facilitator runs it too.
    participants[live_cast["consultant"].pk].role = "facilitator"
    assert runs("consultant")


@pytest.mark.django_db
def test_sessions_for_and_page_access(live_cast, live_towns):
    mine = make_session(live_cast, State.LIVE)
    other = LiveSession.objects.create(
        title="Andere Runde", starts_at=mine.starts_at, created_by=live_cast["stand_in"]
    )
    assert list(sessions_for(live_cast["consultant"])) == [mine]
    assert list(sessions_for(live_cast["outsider"])) == []
    assert list(sessions_for(live_cast["removed"])) == []
    assert set(sessions_for(live_cast["stand_in"])) == {mine, other}  # role: every session
    assert list(sessions_for(live_cast["facilitator"])) == [mine]

    access = access_session_page(live_cast["consultant"], mine.public_id)
    assert access.session == mine and not access.is_facilitator
    assert access_session_page(live_cast["facilitator"], mine.public_id).is_facilitator
    for user, public_id in [
        (live_cast["outsider"], mine.public_id),
        (live_cast["removed"], mine.public_id),
        (live_cast["consultant"], other.public_id),
        (live_cast["consultant"], uuid.uuid4()),
        (live_cast["consultant"], "kein-uuid"),
    ]:
        with pytest.raises(Http404):
            access_session_page(user, public_id)


def test_recheck_is_quick_enough_in_production(settings):
    """The promise is ≤ 5 s: the production interval leaves room for the check itself."""
    from exchange.live.consumers import recheck_seconds

    del settings.LIVE_RECHECK_SECONDS
    assert recheck_seconds() <= 4
