"""Fixtures of the live sessions' web tests (import them into a test module).

The cast and identities are those of ``conftest`` (``IDENTITIES``, ``NEEDLES``,
``make_session``), set up with the plain ``db`` fixture: the page tests need no
transactions. Added here: a member of an applicant municipality (not in a model
municipality's audience) and a member of the role "Moderation Live-Beratung" who
schedules sessions.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from exchange.live.models import LogAction, Message, SessionLog, State
from komma.accounts.models import Membership, Municipality

from .conftest import IDENTITIES, MODEL_TOWN, NEEDLES, OTHER_TOWN
from .conftest import make_session as _make_session


def make_session(cast, state=State.LIVE, **fields):
    """``conftest.make_session``, with an optional other ``title``."""
    title = fields.pop("title", None)
    session = _make_session(cast, state, **fields)
    if title:
        session.title = title
        session.save(update_fields=["title"])
    return session


WEB_IDENTITIES = {
    "AntragLive": ("Irmingard", "Bachbunge-Okafor", "irmingard.9090@antrag-live-leak.example",
                   "Bauamt Schwanzmeise 8871"),
}  # fmt: skip
ALL_NEEDLES = NEEDLES + [part for identity in WEB_IDENTITIES.values() for part in identity]

__all__ = [
    "ALL_NEEDLES",
    "IDENTITIES",
    "MODEL_TOWN",
    "NEEDLES",
    "OTHER_TOWN",
    "ended_session",
    "login",
    "make_session",
    "on_commit",
    "web_cast",
    "web_towns",
]  # fmt: skip


@pytest.fixture
def web_towns(db):
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
def web_cast(make_member, web_towns):
    """As ``conftest.live_cast`` (same keys), plus ``applicant`` (member of an
    applicant municipality). ``stand_in`` is in the role "Moderation Live-Beratung"."""
    keys = {
        "facilitator": "LeitungLive",
        "stand_in": "VertretungLive",
        "case_giver": "FallGeberLive",
        "consultant": "BeraterEins",
        "consultant2": "BeraterZwei",
        "secretary": "SchriftFuehrung",
        "outsider": "NichtEingeladen",
        "removed": "Entfernter",
        "applicant": "AntragLive",
    }
    identities = {**IDENTITIES, **WEB_IDENTITIES}
    people = {}
    for key, pseudonym in keys.items():
        first, last, email, office = identities[pseudonym]
        user = make_member(pseudonym, email=email, first_name=first, last_name=last, office=office)
        if key == "applicant":
            Membership.objects.create(user=user, municipality=web_towns["other"])
        elif key not in ("facilitator", "stand_in"):
            Membership.objects.create(user=user, municipality=web_towns["model"])
        people[key] = user
    people["stand_in"].groups.add(Group.objects.get(name="Moderation Live-Beratung"))
    return people


NOTES = (
    "## Situation\n\n"
    "FallGeberLive berichtet aus {town}: Drohschreiben im Bürgerbüro.\n\n"
    "## Ideen\n\n"
    "- @BeraterEins: Sicherheitsbehörden früh einbinden\n"
    "- SchriftFuehrung notiert: Nachsorge für Mitarbeitende\n"
    "- beratereins (klein geschrieben) schlägt eine externe Moderation vor\n"
)


@pytest.fixture
def ended_session(web_cast):
    """An ended session with phases in the log, notes and messages (one deleted)."""
    session = make_session(web_cast, State.ENDED)
    start = timezone.now() - timedelta(hours=2)
    session.started_at = start
    session.ended_at = start + timedelta(minutes=70)
    session.notes = NOTES.format(town=MODEL_TOWN)
    session.notes_version = 3
    facilitator = web_cast["facilitator"]
    SessionLog.objects.create(
        session=session, actor=facilitator, action=LogAction.START, created_at=start
    )
    for minutes, phase in ((5, "narrative"), (15, "key_question"), (20, "method"),
                           (25, "advice"), (55, "closing")):  # fmt: skip
        SessionLog.objects.create(
            session=session, actor=facilitator, action=LogAction.PHASE,
            detail=f"{phase} 10min", created_at=start + timedelta(minutes=minutes),
        )  # fmt: skip
    texts = [
        ("case_giver", "Erste Nachricht der fallgebenden Person"),
        ("consultant", "Ein Rat von BeraterEins"),
        ("consultant2", "Diese Nachricht wurde geloescht XYZZY"),
        ("secretary", "Ich notiere mit"),
    ]
    import uuid

    for seq, (key, body) in enumerate(texts, start=1):
        Message.objects.create(
            session=session, seq=seq, author=web_cast[key], client_id=uuid.uuid4(), body=body,
            created_at=start + timedelta(minutes=seq),
            deleted_at=timezone.now() if "geloescht" in body else None,
        )  # fmt: skip
    session.last_seq = len(texts)
    session.save()
    return session


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (e-mails) of the block."""
    return django_capture_on_commit_callbacks


def login(client, user):
    client.force_login(user)
    return client
