"""The live room in a real browser: Debian's chromium (Playwright) against a real
Daphne serving ``komma.asgi:application`` (HTTP and WebSockets), started for each
test as a subprocess.

Django's ``live_server`` speaks WSGI only, so Daphne runs on the test's data:
on PostgreSQL it uses the test database itself (the tests are transactional, so
the seeded rows are committed); on SQLite (in memory by default) the seeded
database is copied into a file that Daphne opens. Either way the browser drives
everything through the pages; the result is checked on the pages, in every
WebSocket frame the browsers receive, and in the minutes the server hands out.

The scenario: a facilitator and two members log in through the login form; the
facilitator opens the room, starts the session and advances a phase (everyone is
told); the members exchange messages; one member's connection drops while the
other writes two messages and the dropped one writes one offline; it comes back,
sees what it missed in order, exactly once, and its own message is delivered
once; the facilitator ends the session; the case giver downloads the minutes.
A second test checks the room at 320 px: no horizontal scroll, every control
reachable with Tab and visibly focused, the live regions present, the dialog
operable with the keyboard. Screenshots go to /tmp/live_*.png.
"""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.utils import timezone
from playwright.sync_api import expect

from exchange.live.models import LiveSession, Message, Participant, Phase, Role, State
from komma.accounts.models import Membership, Municipality
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
# Screenshots of the room for a human eye (1280 and 320 px): /tmp/live_*.png by default.
SCREENSHOTS = Path(os.environ.get("KOMMA_SCREENSHOTS", tempfile.gettempdir()))
TIMEOUT_MS = 15_000
MOBILE = {"width": 320, "height": 640}

# pseudonym -> (first name, last name, e-mail, office): none of it but the pseudonym
# may reach another person's page, frame or download.
IDENTITIES = {
    "RundeLeiterin": ("Walburga", "Kreuzdorn-Achterberg", "walburga.3317@moderation-leak.example",
                      "Stabsstelle Goldammer 6612"),
    "FallGeberin": ("Ottilie", "Brennessel-Okonkwo", "ottilie.9137@rathaus-leak.example",
                    "Dezernat Lindwurm 4471"),
    "RatGeber": ("Quirin", "Mauerblum-Sato", "quirin.5521@amt-leak.example",
                 "Fachbereich Zaunkoenig 8802"),
}  # fmt: skip
TOWN = "Modellstadt Quittenhain"
NEEDLES = [part for identity in IDENTITIES.values() for part in identity] + [TOWN]


# --- fixtures -------------------------------------------------------------------------
@pytest.fixture
def cast(make_member):
    """A facilitator, a case giver and a consultant of a model municipality, and a
    scheduled session for them (the facilitator's arrival opens its lobby)."""
    town = Municipality.objects.create(
        name=TOWN, kind="kreisfreie_stadt", bundesland="NW", ags="05997000",
        programme_status="model",
    )  # fmt: skip
    people = {}
    for pseudonym, (first, last, email, office) in IDENTITIES.items():
        user = make_member(pseudonym, email=email, first_name=first, last_name=last, office=office)
        Membership.objects.create(user=user, municipality=town)
        people[pseudonym] = user
    facilitator = people["RundeLeiterin"]
    facilitator.groups.add(Group.objects.get(name="Moderation Live-Beratung"))
    session = LiveSession.objects.create(
        title="Kollegiale Beratung: Vereine gewinnen",
        starts_at=timezone.now(),
        created_by=facilitator,
        case_giver=people["FallGeberin"],
    )
    for pseudonym, role in (("FallGeberin", Role.CASE_GIVER), ("RatGeber", Role.CONSULTANT)):
        Participant.objects.create(
            session=session, user=people[pseudonym], role=role, invited_by=facilitator
        )
    return {"session": session, **people}


@pytest.fixture
def live_cast(cast):
    """The same cast in a session that is live already, in "Beratung", with messages."""
    session = cast["session"]
    now = timezone.now()
    Participant.objects.create(
        session=session, user=cast["RundeLeiterin"], role=Role.FACILITATOR,
        invited_by=cast["RundeLeiterin"],
    )  # fmt: skip
    bodies = [
        (cast["FallGeberin"], "Unser Fall: Die Sportvereine reagieren nicht auf Einladungen."),
        (cast["RatGeber"], "Wer lädt bisher ein – die Verwaltung oder der Beirat?"),
        (cast["FallGeberin"], "Bisher die Verwaltung, per Brief. " + "Sehr lang " * 30),
    ]
    for seq, (author, body) in enumerate(bodies, start=1):
        Message.objects.create(
            session=session, seq=seq, author=author, client_id=uuid.uuid4(), body=body
        )
    LiveSession.objects.filter(pk=session.pk).update(
        state=State.LIVE, opened_at=now, started_at=now, phase=Phase.ADVICE,
        phase_started_at=now, phase_ends_at=now + timedelta(minutes=25), last_seq=len(bodies),
        notes="Fallfrage: Wie gewinnen wir die Sportvereine?", notes_version=1,
    )  # fmt: skip
    return cast


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(tmp_path) -> str:
    """Where Daphne finds the test's data (see the module docstring)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = tmp_path / "live.sqlite3"
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return f"sqlite:///{target}"
    assert connection.vendor == "postgresql", connection.vendor
    user = quote(settings.get("USER") or "", safe="")
    password = quote(settings.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings['NAME']}"


@pytest.fixture
def daphne(tmp_path):
    """Start Daphne on the seeded data; yields its base URL. Request it after the
    seeding fixtures (it copies or shares the data as it is then)."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = (tmp_path / "daphne.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "komma.asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(150):  # bounded: at most ~30 s for Django to start
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 - our Daphne
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("Daphne did not start")
        if server.poll() is not None:
            log.seek(0)
            pytest.fail("Daphne stopped:\n" + log.read())
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.seek(0)
        output = log.read()
        log.close()
        # Shown with a failing test (pytest prints captured output): the server's side.
        print("---- daphne ----\n" + output[-20_000:])


@pytest.fixture
def chromium():
    """Chromium for one test (as in conftest's ``browser``, without the WSGI live server)."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
                connections.close_all()


# Every WebSocket a page opens, so that a test can cut it like a lost network would.
TRACK_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();
"""


class Person:
    """One member's browser: a context, its page, and every frame it received."""

    def __init__(self, browser, base, name, viewport=DESKTOP):
        self.name = name
        self.base = base
        self.context = browser.new_context(locale="de-DE", viewport=viewport)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.add_init_script(TRACK_SOCKETS)
        self.requests: list[str] = []
        self.frames: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("websocket", self._watch)

    def _watch(self, ws):
        ws.on("framereceived", lambda payload: self.frames.append(str(payload)))

    def log_in(self, next_path: str):
        email = IDENTITIES[self.name][2]
        self.page.goto(f"{self.base}/konto/login/?next={quote(next_path)}")
        form = self.page.locator("form", has=self.page.locator("input[name=password]"))
        form.locator("input[name=login]").fill(email)
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("button[type=submit]").click()
        self.page.wait_for_url(self.base + next_path)

    # -- the room --
    @property
    def room(self):
        return self.page.locator("#live-room")

    def expect_connected(self):
        expect(self.page.locator("#live-conn")).to_have_attribute("data-conn", "open")

    def send(self, text: str):
        """Type a message and send it with Enter, as a keyboard user does."""
        box = self.page.locator("#live-input")
        box.fill(text)
        box.press("Enter")
        expect(box).to_have_value("")

    def bodies(self) -> list[str]:
        return self.page.locator("#live-messages .live-msg-body").all_inner_texts()

    def seqs(self) -> list[int]:
        return [
            int(seq)
            for seq in self.page.locator("#live-messages > li").evaluate_all(
                "items => items.map(item => item.dataset.seq)"
            )
        ]

    def expect_message(self, text: str):
        expect(self.page.locator("#live-messages .live-msg-body", has_text=text)).to_have_count(1)

    def announced(self) -> str:
        return self.page.locator("#live-announce").inner_text()

    def foreign_requests(self) -> list[str]:
        origin = urlsplit(self.base).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(url).netloc != origin
        ]

    def assert_no_identity(self, *, others_only=True):
        """No real name, e-mail, office or town of anyone in the page or any frame."""
        html = self.page.content()
        own = set(IDENTITIES[self.name]) if others_only else set()
        for needle in NEEDLES:
            if needle in own:
                continue
            assert needle not in html, f"{needle!r} in the page of {self.name}"
            for frame in self.frames:
                assert needle not in frame, f"{needle!r} in a frame to {self.name}: {frame}"

    def close(self):
        self.context.close()


class LoseOneBroadcast:
    """A relay between page and server that drops the first message frame
    containing ``text`` and records what the page sends."""

    def __init__(self, text: str):
        self.text = text
        self.dropped: list[str] = []
        self.from_page: list[dict] = []

    def relay(self, ws):
        server = ws.connect_to_server()

        def to_server(message):
            self.from_page.append(json.loads(message))
            server.send(message)

        def to_page(message):
            if not self.dropped and '"type":"message"' in message and self.text in message:
                self.dropped.append(message)
                return
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)


def room_path(session) -> str:
    return f"/live/{session.public_id}/raum/"


# --- the scenario -----------------------------------------------------------------------
def test_live_session_in_three_browsers(cast, daphne, chromium, tmp_path):
    session = cast["session"]
    path = room_path(session)
    facilitator = Person(chromium, daphne, "RundeLeiterin")
    case_giver = Person(chromium, daphne, "FallGeberin")
    consultant = Person(chromium, daphne, "RatGeber")
    people = [facilitator, case_giver, consultant]
    try:
        # The facilitator's arrival opens the lobby; members wait there, chat closed.
        facilitator.log_in(path)
        facilitator.expect_connected()
        expect(facilitator.room).to_have_attribute("data-state", "lobby")
        for person in (case_giver, consultant):
            person.log_in(path)
            person.expect_connected()
        for person in people:
            expect(person.room).to_have_attribute("data-state", "lobby")
        expect(consultant.page.locator("#live-input")).to_be_disabled()
        expect(consultant.page.locator("#live-input-why")).to_be_visible()
        expect(consultant.page.locator("#live-fac")).to_have_count(0)  # no controls for members
        # Presence: the consultant sees all three online, by pseudonym.
        people_list = consultant.page.locator("#live-people")
        for name in IDENTITIES:
            expect(people_list.locator(".live-person.is-online", has_text=name)).to_have_count(1)

        # Start: everybody is live in the first phase.
        facilitator.page.locator("#live-start").click()
        for person in people:
            expect(person.room).to_have_attribute("data-state", "live")
            expect(person.page.locator('#live-phases li[aria-current="step"]')).to_have_attribute(
                "data-phase", "casting"
            )
            expect(person.page.locator("#live-input")).to_be_enabled()
            expect(person.page.locator("#live-timer-value")).to_have_text(re.compile(r"^\d+:\d\d$"))

        # Next phase, with a timer of 7 minutes: all see it and are told.
        facilitator.page.locator("#live-minutes").fill("7")
        facilitator.page.locator("#live-next").click()
        for person in people:
            current = person.page.locator('#live-phases li[aria-current="step"]')
            expect(current).to_have_attribute("data-phase", "narrative")
            expect(person.page.locator("#live-phases li[aria-current]")).to_have_count(1)
            expect(person.page.locator("#live-announce")).to_contain_text("Spontanerzählung")
            # 7 minutes, counting down (6:xx or just 7:00)
            expect(person.page.locator("#live-timer-value")).to_have_text(
                re.compile(r"^[67]:\d\d$")
            )

        # The members talk; each sees the other's message, announced; not their own.
        case_giver.send("Hallo zusammen, hier ist mein Fall.")
        consultant.expect_message("Hallo zusammen, hier ist mein Fall.")
        last_news = consultant.page.locator("#live-announce p").last
        expect(last_news).to_contain_text("Hallo zusammen, hier ist mein Fall.")
        expect(last_news).to_contain_text("FallGeberin")
        consultant.page.locator("#live-input").fill("Danke, ich höre zu.")
        consultant.page.locator("#live-send").click()  # the button works as well as Enter
        case_giver.expect_message("Danke, ich höre zu.")
        facilitator.expect_message("Danke, ich höre zu.")
        assert "Hallo zusammen" not in case_giver.announced()  # own messages are not read out
        expect(case_giver.page.locator("#live-typing")).to_have_text("")
        # Shift+Enter makes a new line instead of sending.
        box = case_giver.page.locator("#live-input")
        box.fill("Erste Zeile")
        box.press("Shift+Enter")
        box.type("zweite Zeile")
        expect(box).to_have_value("Erste Zeile\nzweite Zeile")
        box.press("Enter")
        consultant.expect_message("zweite Zeile")

        # The consultant's connection drops.
        consultant.context.set_offline(True)
        consultant.page.evaluate("window.__sockets.forEach(ws => ws.close())")
        expect(consultant.page.locator("#live-conn")).to_have_attribute("data-conn", "reconnecting")
        expect(consultant.page.locator("#live-conn-text")).to_contain_text(
            re.compile(r"\d")
        )  # attempt n
        # Meanwhile the case giver writes twice…
        case_giver.send("Verpasst eins")
        case_giver.send("Verpasst zwei")
        facilitator.expect_message("Verpasst zwei")
        # …and the consultant writes offline: kept with its client id, shown as sending.
        consultant.send("Offline geschrieben")
        waiting = consultant.page.locator("#live-pending .live-msg.is-pending")
        expect(waiting).to_have_count(1)
        expect(waiting).to_contain_text("Offline geschrieben")
        stored = consultant.page.evaluate(
            """() => Object.keys(localStorage).filter(k => k.endsWith('.pending'))
                  .map(k => JSON.parse(localStorage.getItem(k)))"""
        )
        assert len(stored) == 1 and len(stored[0]) == 1, stored
        client_id = stored[0][0]["client_id"]
        assert stored[0][0]["body"] == "Offline geschrieben"
        uuid.UUID(client_id)
        assert "Verpasst" not in " ".join(consultant.bodies())

        # Back online: the missed messages arrive in order, exactly once, then the
        # offline message is delivered (once) with the client id it was given offline.
        consultant.context.set_offline(False)
        consultant.expect_connected()
        consultant.expect_message("Offline geschrieben")
        expect(consultant.page.locator("#live-pending li")).to_have_count(0)
        expected = [
            "Hallo zusammen, hier ist mein Fall.",
            "Danke, ich höre zu.",
            "Erste Zeile\nzweite Zeile",
            "Verpasst eins",
            "Verpasst zwei",
            "Offline geschrieben",
        ]
        assert consultant.bodies() == expected
        assert consultant.seqs() == list(range(1, len(expected) + 1))
        # "2 missed messages loaded."
        expect(consultant.page.locator("#live-announce p").last).to_have_text(re.compile(r"\b2\b"))
        for person in (case_giver, facilitator):
            person.expect_message("Offline geschrieben")
            assert person.bodies() == expected
            assert person.seqs() == list(range(1, len(expected) + 1))
        assert (
            consultant.page.evaluate(
                "() => Object.keys(localStorage).filter(k => k.endsWith('.pending')).length"
            )
            == 0
        )
        sent = [f for f in consultant.frames if '"type":"message"' in f and client_id in f]
        assert len(sent) == 1, sent  # stored once; the broadcast came once

        # A draft in the input field survives a reload. From now on the consultant's
        # socket runs through a relay that loses one broadcast, as the channel layer
        # (at most once) may.
        lost = LoseOneBroadcast("Luecke eins")
        consultant.page.route_web_socket(re.compile(r"/ws/live/"), lost.relay)
        consultant.page.locator("#live-input").fill("Noch nicht abgeschickt")
        consultant.page.reload()
        consultant.expect_connected()
        expect(consultant.page.locator("#live-input")).to_have_value("Noch nicht abgeschickt")
        assert consultant.bodies() == expected  # the replay from zero, once each

        # The lost broadcast: the next message shows the gap, the page asks to resume
        # from the last message it has and gets the missing one first.
        case_giver.send("Luecke eins")
        case_giver.send("Luecke zwei")
        expected += ["Luecke eins", "Luecke zwei"]
        consultant.expect_message("Luecke zwei")
        assert len(lost.dropped) == 1
        assert {"type": "resume", "last_seq": 6} in lost.from_page
        assert consultant.bodies() == expected
        assert consultant.seqs() == list(range(1, len(expected) + 1))

        # The author edits a message; everyone sees the new text, marked as edited.
        own = case_giver.page.locator("#live-msg-4")
        own.locator("button[data-action=edit]").click()
        editor = own.locator("textarea")
        expect(editor).to_be_focused()
        editor.fill("Verpasst eins (korrigiert)")
        editor.press("Enter")
        for person in people:
            expect(person.page.locator("#live-msg-4 .live-msg-body")).to_have_text(
                "Verpasst eins (korrigiert)"
            )
            expect(person.page.locator("#live-msg-4 .live-msg-edited")).to_have_count(1)

        # The facilitator keeps notes; the others read them.
        notes = facilitator.page.locator("#live-notes-input")
        notes.fill("Fallfrage: Wie gewinnen wir die Sportvereine?")
        facilitator.page.locator("#live-notes-save").click()
        expect(case_giver.page.locator("#live-notes-text")).to_have_text(
            "Fallfrage: Wie gewinnen wir die Sportvereine?"
        )
        expect(case_giver.page.locator("#live-notes-form")).to_be_hidden()

        # The facilitator casts the consultant as secretary: the notes open for them.
        assign = facilitator.page.locator(f"#live-person-{cast['RatGeber'].pk}-assign")
        actions = facilitator.page.locator(f"#live-person-{cast['RatGeber'].pk}-actions")
        actions.locator("summary").click()
        actions.locator("select").select_option("secretary")
        assign.click()
        expect(consultant.room).to_have_attribute("data-role", "secretary")
        secretary_notes = consultant.page.locator("#live-notes-input")
        expect(secretary_notes).to_be_visible()
        expect(secretary_notes).to_have_value("Fallfrage: Wie gewinnen wir die Sportvereine?")
        # Both edit at once: a save does not silently replace the other's unsaved text.
        question = "Fallfrage: Wie gewinnen wir die Sportvereine?\n"
        secretary_notes.fill(question + "Idee: Stammtisch")
        notes.fill(question + "Ziel: drei Vereine")
        facilitator.page.locator("#live-notes-save").click()
        conflict = consultant.page.locator("#live-notes-conflict")
        expect(conflict).to_be_visible()
        expect(consultant.page.locator("#live-notes-current")).to_have_value(
            question + "Ziel: drei Vereine"
        )
        expect(secretary_notes).to_have_value(question + "Idee: Stammtisch")  # kept
        merged = question + "Ziel: drei Vereine\nIdee: Stammtisch"
        secretary_notes.fill(merged)
        consultant.page.locator("#live-notes-save").click()
        expect(notes).to_have_value(merged)
        expect(conflict).to_be_hidden()
        expect(case_giver.page.locator("#live-notes-text")).to_contain_text("Idee: Stammtisch")
        actions.locator("select").select_option("consultant")
        assign.click()
        expect(consultant.room).to_have_attribute("data-role", "consultant")
        expect(consultant.page.locator("#live-notes-form")).to_be_hidden()

        # Raise a hand: the queue shows it to everybody.
        consultant.page.locator("#live-hand").click()
        for person in people:
            expect(person.page.locator("#live-hands li", has_text="RatGeber")).to_have_count(1)

        facilitator.page.screenshot(path=str(SCREENSHOTS / "live_1280.png"), full_page=True)
        consultant.page.screenshot(path=str(SCREENSHOTS / "live_1280_member.png"), full_page=True)

        # The facilitator ends the session (confirming in the dialog).
        facilitator.page.locator("#live-end").click()
        dialog = facilitator.page.locator("#live-dialog")
        expect(dialog).to_be_visible()
        facilitator.page.locator("#live-dialog-confirm").click()
        for person in people:
            expect(person.room).to_have_attribute("data-state", "ended")
            expect(person.page.locator("#live-ended")).to_be_visible()
            expect(person.page.locator("#live-input")).to_be_disabled()
        # The server closes the room; that is no error and no reconnect.
        for person in people:
            expect(person.page.locator("#live-conn")).to_have_attribute("data-conn", "closed")
            expect(person.page.locator("#live-alert")).to_be_empty()
        # The minutes are for the case giver (and facilitator), not the consultant.
        expect(consultant.page.locator("#live-minutes-link")).to_be_hidden()
        # An ended room, loaded anew, shows the end and the minutes and does not connect.
        sockets_before = case_giver.page.evaluate("window.__sockets.length")
        case_giver.page.reload()
        expect(case_giver.page.locator("#live-ended")).to_be_visible()
        expect(case_giver.page.locator("#live-conn")).to_have_attribute("data-conn", "closed")
        assert case_giver.page.evaluate("window.__sockets.length") == 0 < sockets_before
        link = case_giver.page.locator("#live-minutes-link")
        expect(link).to_be_visible()
        link.click()
        case_giver.page.wait_for_url(re.compile(r"/protokoll/$"))
        case_giver.page.locator("input[name=chat]").check()
        with case_giver.page.expect_download() as download_info:
            case_giver.page.locator("main form button[type=submit]").click()
        download = download_info.value
        minutes = Path(download.path()).read_text(encoding="utf-8")
        assert session.title in minutes
        assert "Fallfrage: Wie gewinnen wir die Sportvereine?" in minutes
        assert "Ziel: drei Vereine" in minutes and "Idee: Stammtisch" in minutes
        for text in ["Verpasst zwei", "Offline geschrieben", "Danke, ich höre zu."]:
            assert minutes.count(text) == 1, (text, minutes)
        for needle in NEEDLES:
            assert needle not in minutes, needle

        for person in people:
            person.assert_no_identity()
            assert person.foreign_requests() == []
    finally:
        for person in people:
            person.close()


# --- accessibility at 320 px -------------------------------------------------------------
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"


def _mark_controls(page) -> int:
    """Number the room's controls a keyboard user must reach (visible, enabled)."""
    return page.evaluate(
        """selector => {
            const room = document.getElementById('live-room');
            let n = 0;
            for (const node of room.querySelectorAll(selector)) {
                const hidden = !node.getClientRects().length
                    || node.closest('[hidden], dialog:not([open])')
                    || getComputedStyle(node).visibility === 'hidden';
                if (hidden || node.disabled) continue;
                node.dataset.tabcheck = String(n++);
            }
            return n;
        }""",
        FOCUSABLE,
    )


def _tab_through(page, count: int) -> dict:
    """Press Tab from the top until the room's controls have all been passed."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator("body").focus()
    reached = {}
    for _press in range(count + 60):  # the site header's controls come first
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || !el.dataset.tabcheck) return null;
                const style = getComputedStyle(el);
                return {id: el.dataset.tabcheck,
                        visible: style.outlineStyle !== 'none' || style.boxShadow !== 'none'};
            }"""
        )
        if info:
            reached[info["id"]] = info["visible"]
        if len(reached) == count:
            break
    return reached


def _no_horizontal_scroll(page):
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"horizontal scroll: {widths}"


def test_room_at_320px_is_keyboard_operable(live_cast, daphne, chromium):
    session = live_cast["session"]
    path = room_path(session)
    facilitator = Person(chromium, daphne, "RundeLeiterin", viewport=MOBILE)
    case_giver = Person(chromium, daphne, "FallGeberin", viewport=MOBILE)
    try:
        for person in (facilitator, case_giver):
            person.log_in(path)
            person.expect_connected()
            expect(person.page.locator("#live-messages > li")).to_have_count(3)
            expect(person.page.locator('#live-phases li[aria-current="step"]')).to_have_attribute(
                "data-phase", "advice"
            )
            page = person.page
            # The live regions are there: polite for news, assertive for errors, a log.
            expect(page.locator("#live-announce")).to_have_attribute("aria-live", "polite")
            expect(page.locator("#live-alert")).to_have_attribute("aria-live", "assertive")
            expect(page.locator("#live-conn")).to_have_attribute("role", "status")
            expect(page.get_by_role("log")).to_have_count(1)
            expect(page.locator("#live-input")).to_have_accessible_name(re.compile(r"\w"))
            _no_horizontal_scroll(page)

        # The case giver listens in "Beratung": the composer says why it is closed.
        expect(case_giver.page.locator("#live-input")).to_be_disabled()
        expect(case_giver.page.locator("#live-input-why")).to_be_visible()
        case_giver.page.screenshot(path=str(SCREENSHOTS / "live_320_member.png"), full_page=True)

        page = facilitator.page
        # Open every participant's actions so that their controls count too.
        for summary in page.locator("#live-people summary").all():
            summary.click()
        _no_horizontal_scroll(page)
        page.screenshot(path=str(SCREENSHOTS / "live_320.png"), full_page=True)
        count = _mark_controls(page)
        assert count >= 15, count  # composer, hands, notes, phase and people controls
        reached = _tab_through(page, count)
        missing = page.evaluate(
            """ids => [...document.querySelectorAll('[data-tabcheck]')]
                .filter(el => !ids.includes(el.dataset.tabcheck))
                .map(el => el.outerHTML.slice(0, 120))""",
            list(reached),
        )
        assert not missing, f"not reachable with Tab: {missing}"
        unfocused = [key for key, visible in reached.items() if not visible]
        assert not unfocused, f"no visible focus on controls {unfocused}"

        # The keyboard sends and the dialog works without a mouse.
        box = page.locator("#live-input")
        box.focus()
        page.keyboard.type("Per Tastatur gesendet")
        page.keyboard.press("Enter")
        case_giver.expect_message("Per Tastatur gesendet")
        end = page.locator("#live-end")
        end.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#live-dialog")).to_be_visible()
        assert page.evaluate(
            "document.getElementById('live-dialog').contains(document.activeElement)"
        )
        page.keyboard.press("Escape")
        expect(page.locator("#live-dialog")).to_be_hidden()
        expect(end).to_be_focused()
        expect(facilitator.room).to_have_attribute("data-state", "live")  # nothing happened

        # A facilitator deletes someone else's message only with a reason.
        other = page.locator("#live-msg-2")
        other.locator("button[data-action=delete]").click()
        expect(page.locator("#live-dialog-reason")).to_be_focused()
        page.keyboard.press("Enter")  # submits the dialog's form without a reason
        expect(page.locator("#live-dialog-error")).to_be_visible()
        expect(page.locator("#live-dialog")).to_be_visible()
        page.locator("#live-dialog-reason").fill("Off topic")
        page.locator("#live-dialog-confirm").click()
        expect(case_giver.page.locator("#live-msg-2")).to_have_class(re.compile("is-deleted"))
        expect(case_giver.page.locator("#live-msg-2")).not_to_contain_text("Verwaltung oder")
        _no_horizontal_scroll(page)

        # The facilitator's other controls, as the case giver experiences them.
        composer = case_giver.page.locator("#live-input")
        page.locator("#live-speak").click()  # the case giver may speak in "Beratung"
        expect(composer).to_be_enabled()
        page.locator("#live-lock").click()
        expect(composer).to_be_disabled()
        expect(case_giver.page.locator("#live-input-why")).to_be_visible()
        page.locator("#live-lock").click()
        expect(composer).to_be_enabled()
        person_id = live_cast["FallGeberin"].pk
        page.locator(f"#live-person-{person_id}-mute").click()
        page.locator("#live-dialog-reason").fill("Bitte kurz zuhören")
        page.locator("#live-dialog-confirm").click()
        expect(composer).to_be_disabled()
        listed = page.locator(f'#live-people li[data-person="{person_id}"]')
        expect(listed).to_have_attribute("data-muted", "1")
        page.locator(f"#live-person-{person_id}-mute").click()  # now it unmutes
        expect(listed).to_have_attribute("data-muted", "0")
        expect(composer).to_be_enabled()
        page.locator(f"#live-person-{person_id}-remove").click()
        page.locator("#live-dialog-reason").fill("Testende")
        page.locator("#live-dialog-confirm").click()
        expect(case_giver.page.locator("#live-conn")).to_have_attribute("data-conn", "closed")
        expect(case_giver.page.locator("#live-alert")).to_contain_text("Testende")
        expect(composer).to_be_disabled()
        expect(listed).to_have_count(0)
        for person in (facilitator, case_giver):
            person.assert_no_identity()
            assert person.foreign_requests() == []
    finally:
        facilitator.close()
        case_giver.close()
