"""Who may open a room's WebSocket, and the documented close codes.

4401 not logged in (or deactivated); 4403 not invited, removed, not in the
audience any more, ended/cancelled (after a ``state`` frame), not open yet, full
(after an ``error: full`` frame); 4404 unknown session, unknown path, plugin off.
A foreign Origin is refused at the handshake (AllowedHostsOriginValidator).

(Few, long tests: every transactional test empties the database afterwards.)
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from exchange.live.models import LogAction, Participant, SessionLog, State
from komma.accounts.models import Membership
from plugins import registry
from plugins.models import PluginState
from plugins.routing import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED

from .conftest import db_async, make_session, open_room, refusal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("close_rooms"),
]


async def test_refusals_and_their_close_codes(live_cast, live_session):
    ended = await db_async(make_session)(live_cast, State.ENDED, ended_at=timezone.now())
    scheduled = await db_async(make_session)(live_cast, State.SCHEDULED)
    cancelled = await db_async(make_session)(live_cast, State.CANCELLED)

    assert await refusal(None, live_session) == ([], CLOSE_UNAUTHENTICATED)
    assert await refusal(live_cast["outsider"], live_session) == ([], CLOSE_FORBIDDEN)
    assert await refusal(live_cast["removed"], live_session) == ([], CLOSE_FORBIDDEN)
    unknown = f"/ws/live/{uuid.uuid4()}/"
    assert await refusal(live_cast["consultant"], unknown) == ([], CLOSE_NOT_FOUND)
    for path in ("/ws/live/", "/ws/live/42/", "/ws/live/nicht-da/x/"):
        assert await refusal(live_cast["consultant"], path) == ([], CLOSE_NOT_FOUND), path

    # Ended and cancelled: the state first, then 4403 — for the facilitator too.
    for session, state in ((ended, "ended"), (cancelled, "cancelled")):
        for key in ("consultant", "facilitator"):
            frames, code = await refusal(live_cast[key], session)
            assert (frames, code) == ([{"type": "state", "state": state}], CLOSE_FORBIDDEN)
    # Scheduled: participants wait outside until the facilitator arrives.
    frames, code = await refusal(live_cast["consultant"], scheduled)
    assert (frames, code) == ([{"type": "state", "state": "scheduled"}], CLOSE_FORBIDDEN)

    # Left the municipality: no longer in the audience of a model-municipality session.
    await db_async(Membership.objects.filter(user=live_cast["consultant2"]).delete)()
    assert await refusal(live_cast["consultant2"], live_session) == ([], CLOSE_FORBIDDEN)

    # Deactivated: 4401.
    user = live_cast["case_giver"]
    user.is_active = False
    await db_async(user.save)()
    assert await refusal(user, live_session) == ([], CLOSE_UNAUTHENTICATED)

    # None of the refused handshakes marked anyone present.
    seen = await db_async(list)(
        Participant.objects.filter(last_seen_at__isnull=False).values_list("user_id", flat=True)
    )
    assert seen == []


async def test_origin_is_validated(live_cast, live_session):
    foreign = (b"origin", b"https://evil.example")
    room = await open_room(live_cast["consultant"], live_session, hello=False, origin=foreign)
    assert room.connected is False
    room = await open_room(live_cast["consultant"], live_session, hello=False, origin=None)
    assert room.connected is False
    participant = await db_async(Participant.objects.get)(
        session=live_session, user=live_cast["consultant"]
    )
    assert participant.last_seen_at is None
    room = await open_room(live_cast["consultant"], live_session)  # the site's own origin
    assert room.welcome["type"] == "welcome"


async def test_plugin_switched_off_closes_with_4404(live_cast, live_session):
    def switch(on):
        PluginState.objects.update_or_create(plugin_id="live", defaults={"enabled": on})
        registry.forget_states()

    await db_async(switch)(False)
    assert (await refusal(live_cast["consultant"], live_session))[1] == CLOSE_NOT_FOUND
    await db_async(switch)(True)
    room = await open_room(live_cast["consultant"], live_session)
    assert room.welcome["type"] == "welcome"
    # Switching it off while connected closes the room with 4404.
    await db_async(switch)(False)
    assert (await room.expect("close"))["code"] == CLOSE_NOT_FOUND


async def test_capacity(live_cast, live_session):
    live_session.capacity = 2
    await db_async(live_session.save)()
    # Someone seen long ago does not hold a seat.
    long_ago = timezone.now() - timedelta(minutes=5)
    await db_async(
        Participant.objects.filter(session=live_session, user=live_cast["case_giver"]).update
    )(last_seen_at=long_ago)
    first = await open_room(live_cast["consultant"], live_session)
    second = await open_room(live_cast["consultant2"], live_session)
    frames, code = await refusal(live_cast["secretary"], live_session)
    assert [f["code"] for f in frames] == ["full"] and code == CLOSE_FORBIDDEN
    assert frames[0]["message"]
    # Facilitators are not counted and always enter; a second tab of someone inside too.
    facilitator = await open_room(live_cast["facilitator"], live_session)
    stand_in = await open_room(live_cast["stand_in"], live_session)
    again = await open_room(live_cast["consultant"], live_session)
    for room in (facilitator, stand_in, again):
        assert room.welcome["type"] == "welcome"
    # Someone leaves: the seat is free.
    await second.close()
    third = await open_room(live_cast["secretary"], live_session)
    assert third.welcome["me"]["name"] == "SchriftFuehrung"
    assert first.welcome["type"] == "welcome"


async def test_facilitators_open_the_lobby_and_enter_any_session(live_cast, scheduled_session):
    room = await open_room(live_cast["facilitator"], scheduled_session)
    assert room.welcome["session"]["state"] == State.LOBBY
    assert room.welcome["me"]["is_facilitator"] is True
    await db_async(scheduled_session.refresh_from_db)()
    assert scheduled_session.state == State.LOBBY and scheduled_session.opened_at
    entries = await db_async(list)(
        SessionLog.objects.filter(session=scheduled_session).values_list("action", "actor_id")
    )
    assert entries == [(LogAction.OPEN, live_cast["facilitator"].pk)]
    # Now participants may enter the lobby, but not chat yet.
    guest = await open_room(live_cast["consultant"], scheduled_session)
    assert guest.welcome["session"]["state"] == State.LOBBY
    assert guest.welcome["me"]["may_write"] is False
    # A member of the role "Moderation Live-Beratung" enters a session of someone else,
    # is listed as its facilitator, and sees nobody who was removed.
    stand_in = await open_room(live_cast["stand_in"], scheduled_session)
    me = stand_in.welcome["me"]
    assert me["is_facilitator"] is True and me["role"] == "facilitator"
    names = [p["name"] for p in stand_in.welcome["participants"]]
    assert "VertretungLive" in names and "Entfernter" not in names


async def test_welcome_shape(live_cast, live_session):
    room = await open_room(live_cast["case_giver"], live_session)
    welcome = room.welcome
    assert set(welcome) >= {"session", "me", "participants", "server_time"}
    assert welcome["session"]["state"] == "live" and welcome["session"]["phase"] == "casting"
    assert welcome["session"]["last_seq"] == 0 and welcome["session"]["phase_ends_at"]
    assert welcome["me"] == {
        "id": live_cast["case_giver"].pk, "name": "FallGeberLive", "role": "case_giver",
        "muted": False, "may_write": True, "is_facilitator": False,
    }  # fmt: skip
    mine = next(p for p in welcome["participants"] if p["id"] == live_cast["case_giver"].pk)
    assert mine == {
        "id": live_cast["case_giver"].pk, "name": "FallGeberLive", "role": "case_giver",
        "online": True, "muted": False, "hand_raised_at": None,
    }  # fmt: skip
    assert room.replay_done == {"type": "replay.done", "last_seq": 0}
