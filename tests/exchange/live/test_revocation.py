"""Revocation: logout, suspension, removal and lost access end the connection.

Signals close at once (``session.revoked`` → 4401, ``access.changed`` → 4001,
removal → ``removed`` + 4403); anything that bypasses signals (a queryset update)
is caught by the periodic recheck, which runs every 3 s in production (≤ 5 s
promised) and every 0.2 s here (``LIVE_RECHECK_SECONDS``), so no test sleeps.
"""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.signals import user_logged_out
from django.utils import timezone

from exchange.live.models import LiveSession, LogAction, Participant, SessionLog, State
from komma.accounts.models import Membership, Municipality, User
from plugins.routing import CLOSE_FORBIDDEN, CLOSE_RECHECK, CLOSE_UNAUTHENTICATED

from .conftest import make_session, open_room, refusal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("close_rooms"),
]


async def test_logout_suspension_and_leaving_the_municipality(live_cast, live_session):
    logged_out = await open_room(live_cast["consultant"], live_session)
    suspended = await open_room(live_cast["consultant2"], live_session)
    moved = await open_room(live_cast["secretary"], live_session)
    stays = await open_room(live_cast["case_giver"], live_session)

    await database_sync_to_async(user_logged_out.send)(
        sender=User, request=None, user=live_cast["consultant"]
    )
    assert (await logged_out.expect("close"))["code"] == CLOSE_UNAUTHENTICATED

    user = live_cast["consultant2"]
    user.is_active = False
    await database_sync_to_async(user.save)()
    assert (await suspended.expect("close"))["code"] == CLOSE_UNAUTHENTICATED

    # Membership changes send "access.changed": reconnect, and the handshake decides.
    await database_sync_to_async(
        lambda: Membership.objects.get(user=live_cast["secretary"]).delete()
    )()
    assert (await moved.expect("close"))["code"] == CLOSE_RECHECK
    assert (await refusal(live_cast["secretary"], live_session))[1] == CLOSE_FORBIDDEN

    # The others were not touched.
    await stays.send(type="hand.raise")
    assert (await stays.expect("hands"))["queue"][0]["name"] == "FallGeberLive"


async def test_removal_sends_removed_and_closes_with_4403(live_cast, live_session):
    facilitator = await open_room(live_cast["facilitator"], live_session)
    target = await open_room(live_cast["consultant"], live_session)
    second_tab = await open_room(live_cast["consultant"], live_session)
    watcher = await open_room(live_cast["consultant2"], live_session)
    user_id = live_cast["consultant"].pk

    await facilitator.send(type="participant.remove", user_id=user_id)
    await facilitator.error("invalid")  # a reason is required
    await facilitator.send(type="participant.remove", user_id=user_id, reason="Beleidigungen")
    for room in (target, second_tab):
        assert await room.expect("removed") == {"type": "removed", "reason": "Beleidigungen"}
        assert (await room.recv())["code"] == CLOSE_FORBIDDEN
    # The others' list loses them (earlier presence frames may come first).
    await watcher.expect(
        "presence", where=lambda f: user_id not in [p["id"] for p in f["participants"]]
    )
    assert not [f for f in watcher.frames if f["type"] == "removed"]
    entry = await database_sync_to_async(
        SessionLog.objects.values("action", "reason", "target_id", "actor_id").get
    )(session=live_session)
    assert entry == {
        "action": LogAction.REMOVE, "reason": "Beleidigungen", "target_id": user_id,
        "actor_id": live_cast["facilitator"].pk,
    }  # fmt: skip
    # They cannot come back.
    assert (await refusal(live_cast["consultant"], live_session))[1] == CLOSE_FORBIDDEN
    # Removing someone not (any more) in the session: not found, nothing logged.
    await facilitator.send(type="participant.remove", user_id=user_id, reason="nochmal")
    await facilitator.error("not_found")
    assert await database_sync_to_async(SessionLog.objects.count)() == 1


async def test_the_recheck_catches_what_no_signal_announces(live_cast, live_session, live_towns):
    """Queryset updates send no signal: deactivation, removal, the municipality leaving
    the programme, the session ending in another process — each connection is closed
    by its recheck, with the right code."""
    deactivated = await open_room(live_cast["consultant"], live_session)
    removed = await open_room(live_cast["consultant2"], live_session)
    facilitator = await open_room(live_cast["facilitator"], live_session)
    other_session = await database_sync_to_async(make_session)(live_cast, State.LIVE)
    elsewhere = await open_room(live_cast["secretary"], other_session)
    audience = await open_room(live_cast["case_giver"], other_session)
    other_facilitator = await open_room(live_cast["facilitator"], other_session)

    await database_sync_to_async(User.objects.filter(pk=live_cast["consultant"].pk).update)(
        is_active=False
    )
    assert (await deactivated.expect("close"))["code"] == CLOSE_UNAUTHENTICATED

    await database_sync_to_async(
        Participant.objects.filter(session=live_session, user=live_cast["consultant2"]).update
    )(removed_at=timezone.now())
    assert (await removed.expect("close"))["code"] == CLOSE_FORBIDDEN

    # The model municipality becomes an applicant: its members lose the model-only
    # session; the facilitator (no municipality needed) stays.
    await database_sync_to_async(Municipality.objects.filter(pk=live_towns["model"].pk).update)(
        programme_status="applicant"
    )
    assert (await audience.expect("close"))["code"] == CLOSE_FORBIDDEN
    assert (await elsewhere.expect("close"))["code"] == CLOSE_FORBIDDEN
    await facilitator.send(type="hand.raise")
    await facilitator.expect("hands")

    # Ended in another process: the state, then 4403.
    await database_sync_to_async(LiveSession.objects.filter(pk=other_session.pk).update)(
        state="cancelled"
    )
    assert await other_facilitator.expect("state") == {"type": "state", "state": "cancelled"}
    assert (await other_facilitator.recv())["code"] == CLOSE_FORBIDDEN
