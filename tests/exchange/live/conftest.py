"""Fixtures of the live session tests: a cast with distinctive identities, sessions
in every state, and ``open_room`` — a logged-in WebSocket to a session's room.

Every identity here is unusual enough that any occurrence in a frame, page or
export is a leak (see ``NEEDLES``).
"""

import asyncio
import contextlib
import json
from datetime import timedelta

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.utils import timezone

from exchange.live.access import FACILITATOR_GROUP
from exchange.live.models import LiveSession, Participant, Role, State
from komma.accounts.models import Membership, Municipality
from plugins import registry
from plugins.registry import ensure_plugin_rows

# pseudonym -> (first name, last name, e-mail, office)
IDENTITIES = {
    "LeitungLive": ("Adelgunde", "Kranichfeld-Obuya", "adelgunde.3141@leitung-leak.example",
                    "Moderationsstelle Zwergtaucher 6610"),
    "VertretungLive": ("Bertram", "Moosbeere-Lindqvist", "bertram.2718@vertretung-leak.example",
                       "Stabsstelle Sumpfmeise 4402"),
    "FallGeberLive": ("Cordula", "Ginsterbusch-Achebe", "cordula.1618@fall-leak.example",
                      "Buergermeisterbuero Wendehals 7731"),
    "BeraterEins": ("Dietlinde", "Haselhuhn-Moreau", "dietlinde.5772@rat-leak.example",
                    "Integrationsbuero Kiebitz 1190"),
    "BeraterZwei": ("Eckehard", "Brombeer-Takahashi", "eckehard.4669@beratung-leak.example",
                    "Sozialdezernat Neuntoeter 3358"),
    "SchriftFuehrung": ("Frauke", "Ackerwinde-Dlamini", "frauke.1414@protokoll-leak.example",
                        "Hauptamt Rotkehlchen 9925"),
    "NichtEingeladen": ("Gotthold", "Spitzwegerich-Nwosu", "gotthold.1732@fremd-leak.example",
                        "Kaemmerei Bartmeise 5580"),
    "Entfernter": ("Hiltrud", "Wiesenknopf-Petrov", "hiltrud.2236@entfernt-leak.example",
                   "Ordnungsamt Goldammer 6642"),
}  # fmt: skip
MODEL_TOWN = "Modellstadt Schwarzdornhausen"
OTHER_TOWN = "Mitgliedsgemeinde Faulbaumried"
NEEDLES = [part for identity in IDENTITIES.values() for part in identity] + [
    MODEL_TOWN,
    OTHER_TOWN,
]
ORIGIN = (b"origin", b"http://testserver")
TIMEOUT = 3


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test runs in an event loop of its own; channels-redis keeps locks bound
    to the loop that first used them, so each test gets a new layer instance."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _fast_recheck(settings):
    """The recheck runs every 3 s in production; tests shorten it instead of sleeping."""
    settings.LIVE_RECHECK_SECONDS = 0.2


@pytest.fixture
def live_towns(db):
    model = Municipality.objects.create(
        name=MODEL_TOWN, kind="kreisfreie_stadt", bundesland="HE", ags="06997000",
        programme_status="model",
    )  # fmt: skip
    other = Municipality.objects.create(
        name=OTHER_TOWN, kind="gemeinde", bundesland="BB", ags="12997999",
        programme_status="applicant",
    )  # fmt: skip
    return {"model": model, "other": other}


@pytest.fixture
def live_cast(make_member, live_towns, db):
    """Everyone of a session, keyed by role:

    - ``facilitator``: scheduled the session (``created_by``), no role group;
    - ``stand_in``: member of the role "Moderation Live-Beratung" (may run any session);
    - ``case_giver``, ``consultant``, ``consultant2``, ``secretary``: invited members
      of the model municipality;
    - ``outsider``: member of the model municipality, not invited;
    - ``removed``: invited and removed.
    """
    keys = {
        "facilitator": "LeitungLive",
        "stand_in": "VertretungLive",
        "case_giver": "FallGeberLive",
        "consultant": "BeraterEins",
        "consultant2": "BeraterZwei",
        "secretary": "SchriftFuehrung",
        "outsider": "NichtEingeladen",
        "removed": "Entfernter",
    }
    people = {}
    for key, pseudonym in keys.items():
        first, last, email, office = IDENTITIES[pseudonym]
        user = make_member(pseudonym, email=email, first_name=first, last_name=last, office=office)
        if key not in ("facilitator", "stand_in"):
            Membership.objects.create(user=user, municipality=live_towns["model"])
        people[key] = user
    # What post_migrate makes, cheaply (a preceding serialized-rollback test skips it).
    ensure_plugin_rows()
    registry.forget_states()
    group, _created = Group.objects.get_or_create(name=FACILITATOR_GROUP)
    people["stand_in"].groups.add(group)
    return people


def make_session(cast, state=State.LIVE, **fields):
    """A session of ``cast`` in ``state``; live sessions are in the casting phase."""
    now = timezone.now()
    session = LiveSession.objects.create(
        title="Kollegiale Beratung: Drohschreiben nach Ratssitzung",
        starts_at=now + (timedelta(days=2) if state == State.SCHEDULED else timedelta(minutes=-5)),
        created_by=cast["facilitator"],
        case_giver=cast["case_giver"],
        state=state,
        **fields,
    )
    if state in (State.LIVE, State.ENDED):
        session.phase = "casting"
        session.phase_started_at = now
        session.phase_ends_at = now + timedelta(minutes=5)
        session.started_at = now
        session.save()
    Participant.objects.create(session=session, user=cast["facilitator"], role=Role.FACILITATOR)
    roles = {
        "case_giver": Role.CASE_GIVER,
        "consultant": Role.CONSULTANT,
        "consultant2": Role.CONSULTANT,
        "secretary": Role.SECRETARY,
        "removed": Role.CONSULTANT,
    }
    for key, role in roles.items():
        Participant.objects.create(
            session=session,
            user=cast[key],
            role=role,
            invited_by=cast["facilitator"],
            removed_at=now if key == "removed" else None,
        )
    return session


@pytest.fixture
def live_session(live_cast):
    return make_session(live_cast, State.LIVE)


@pytest.fixture
def lobby_session(live_cast):
    return make_session(live_cast, State.LOBBY)


@pytest.fixture
def scheduled_session(live_cast):
    return make_session(live_cast, State.SCHEDULED)


@pytest.fixture
def ended_session(live_cast):
    return make_session(live_cast, State.ENDED, ended_at=timezone.now())


class Room:
    """A WebSocket client of one room; keeps every frame it received in ``frames``."""

    def __init__(self, communicator):
        self.communicator = communicator
        self.frames: list[dict] = []
        self.raw: list[str] = []
        self.close_code = None

    async def send(self, **frame):
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_text(self, text):
        await self.communicator.send_to(text_data=text)

    async def recv(self, timeout=TIMEOUT) -> dict:
        """The next frame (a close is returned as ``{"type": "close", "code": ...}``)."""
        output = await self.communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            self.close_code = output.get("code")
            return {"type": "close", "code": self.close_code}
        self.raw.append(output["text"])
        frame = json.loads(output["text"])
        self.frames.append(frame)
        return frame

    async def expect(self, kind: str, timeout=TIMEOUT, where=None, **match) -> dict:
        """Read until a frame of ``kind`` (matching ``match`` and ``where(frame)``)
        arrives; skips others."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no {kind} {match} frame; got {self.frames[-10:]}")
            frame = await self.recv(remaining)
            matches = all(frame.get(k) == v for k, v in match.items())
            if frame["type"] == kind and matches and (where is None or where(frame)):
                return frame
            if frame["type"] == "close" and kind != "close":
                raise AssertionError(f"closed ({frame['code']}) while waiting for {kind}")

    async def error(self, code: str) -> dict:
        frame = await self.expect("error")
        assert frame["code"] == code, frame
        return frame

    async def drain(self, timeout=0.3) -> list[dict]:
        """Everything that arrives within ``timeout`` (and nothing is closed)."""
        got = []
        while not await self.communicator.receive_nothing(timeout):
            got.append(await self.recv())
        return got

    async def hello(self, last_seq=0) -> dict:
        """Send ``hello`` and read the welcome and the replay up to ``replay.done``."""
        await self.send(type="hello", last_seq=last_seq)
        welcome = await self.expect("welcome")
        self.replayed = []
        while True:
            frame = await self.recv()
            if frame["type"] == "replay.done":
                self.replay_done = frame
                return welcome
            self.replayed.append(frame)

    async def close(self):
        await self.communicator.disconnect()


async def open_room(user, session_or_path, *, hello=True, last_seq=0, origin=ORIGIN) -> Room:
    """Connect ``user`` (None: anonymous) to a room; with ``hello`` the welcome and
    the replay are read (``room.welcome``, ``room.replayed``, ``room.replay_done``)."""
    from komma.asgi import application

    path = (
        session_or_path
        if isinstance(session_or_path, str)
        else f"/ws/live/{session_or_path.public_id}/"
    )
    headers = [(b"host", b"testserver")]
    if origin is not None:
        headers.append(origin)
    communicator = WebsocketCommunicator(application, path, headers=headers)
    if user is not None:
        communicator.scope["user"] = user
    room = Room(communicator)
    OPEN_ROOMS.append(room)
    room.connected, code = await communicator.connect(timeout=TIMEOUT)
    if not room.connected:
        room.close_code = code
        return room
    if hello:
        room.welcome = await room.hello(last_seq)
    return room


async def refusal(user, session_or_path, **kwargs) -> tuple[list[dict], int]:
    """Connect and read until the server closes: (frames before the close, close code)."""
    room = await open_room(user, session_or_path, hello=False, **kwargs)
    if not room.connected:
        return [], room.close_code
    frames = []
    while True:
        frame = await room.recv()
        if frame["type"] == "close":
            return frames, frame["code"]
        frames.append(frame)


OPEN_ROOMS: list[Room] = []


@pytest_asyncio.fixture
async def close_rooms():
    """Disconnect every room a test opened (their recheck tasks end with them)."""
    yield
    while OPEN_ROOMS:
        room = OPEN_ROOMS.pop()
        with contextlib.suppress(Exception):  # already closed by the server
            await room.communicator.disconnect(timeout=2)


def online_names(frame) -> set[str]:
    """The pseudonyms a presence (or welcome) frame shows online."""
    return {p["name"] for p in frame["participants"] if p["online"]}


def fresh(user):
    """The user as a new connection's scope would have it (no cached role lookups)."""
    return type(user).objects.get(pk=user.pk)


db_async = database_sync_to_async
