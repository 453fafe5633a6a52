"""Demo content of the live sessions (hook ``demo_data``, ``manage.py seed_demo``).

Three sessions, run by the demo facilitator (WacheLerche) with the demo members of
model municipalities:

- an upcoming one (scheduled, next week),
- a live one the demo members can join now (phase Spontanerzählung, a few messages),
- an ended one with minutes (phases in the log, shared notes, messages with seq).

Idempotent: each session has a fixed public id; what belongs to it is only written
when the session is created.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import (
    PHASE_MINUTES,
    Audience,
    LiveSession,
    LogAction,
    Message,
    Participant,
    Phase,
    Role,
    SessionLog,
    State,
)

NAMESPACE = uuid.UUID("0f8d3a52-6c1e-4b7a-9d25-3e1a7c9b5f40")
FACILITATOR = "WacheLerche"


def demo_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


UPCOMING = {
    "key": "upcoming",
    "title": "Fallberatung: Drohschreiben an das Bürgerbüro",
    "description": (
        "Eine Kollegin bringt einen Fall ein: Seit Wochen gehen anonyme Drohschreiben im "
        "Bürgerbüro ein. Wie schützen wir die Mitarbeitenden, und wen ziehen wir hinzu?"
    ),
    "case_giver": "OffeneWeide",
    "people": [("MutigeEiche", Role.CONSULTANT), ("StarkeLinde", Role.CONSULTANT)],
}
LIVE = {
    "key": "live",
    "title": "Offene Sprechstunde: Hass im Netz nach der Ratssitzung",
    "description": (
        "Nach einer Ratssitzung zur Unterbringung Geflüchteter häufen sich Hasskommentare "
        "auf den Social-Media-Kanälen der Stadt. Kollegiale Beratung in sechs Phasen."
    ),
    "case_giver": "StarkeLinde",
    "people": [("MutigeEiche", Role.CONSULTANT), ("OffeneWeide", Role.SECRETARY)],
    "messages": [
        ("StarkeLinde", "Danke, dass ihr euch die Zeit nehmt. Ich erzähle kurz, was passiert ist."),
        ("StarkeLinde", "Seit der Ratssitzung am Dienstag kommen pro Tag über 200 Kommentare, "
                        "viele davon mit Drohungen gegen die Bürgermeisterin."),
        ("MutigeEiche", "Das kennen wir. Habt ihr schon eine Netiquette auf den Kanälen?"),
    ],
}  # fmt: skip
ENDED = {
    "key": "ended",
    "title": "Kollegiale Beratung: Anfeindungen bei einer Bürgerversammlung",
    "description": "Wie gehen wir mit gezielten Störungen bei Bürgerversammlungen um?",
    "case_giver": "MutigeEiche",
    "people": [("StarkeLinde", Role.CONSULTANT), ("OffeneWeide", Role.SECRETARY)],
    "notes": (
        "## Situation\n\n"
        "Bei der letzten Bürgerversammlung haben organisierte Gruppen die Veranstaltung "
        "gezielt gestört, Mitarbeitende gefilmt und die Aufnahmen online gestellt.\n\n"
        "## Schlüsselfrage\n\n"
        "Wie bereiten wir die nächste Versammlung so vor, dass sie stattfinden kann und "
        "die Mitarbeitenden geschützt sind?\n\n"
        "## Ideen aus der Beratung\n\n"
        "- Hausrecht vorab klären und eine Person benennen, die es ausübt\n"
        "- Sicherheitsbehörden frühzeitig einbinden, Ansprechperson vor Ort\n"
        "- Moderation mit klaren Gesprächsregeln, die zu Beginn verlesen werden\n"
        "- Nachsorge für betroffene Mitarbeitende: Beratungsstelle für Betroffene einbeziehen\n\n"
        "## Vereinbarung\n\n"
        "MutigeEiche prüft die Vorschläge mit dem Team und berichtet im Forum."
    ),
    "messages": [
        ("MutigeEiche", "Die Versammlung war nach 20 Minuten nicht mehr zu steuern."),
        ("StarkeLinde", "Hattet ihr vorher mit der Polizei gesprochen?"),
        ("MutigeEiche", "Nur kurz, es gab keine Ansprechperson vor Ort."),
        ("OffeneWeide", "Ich notiere: Sicherheitsbehörden früh einbinden."),
        ("StarkeLinde", "Bei uns hat eine externe Moderation sehr geholfen."),
    ],
}


def seed_live(context) -> None:
    """Seed the three demo sessions (see the module's docstring)."""
    people = context.people
    facilitator = people.get(FACILITATOR)
    if facilitator is None:
        return
    now = timezone.now()
    with transaction.atomic():
        created = [
            _session(UPCOMING, people, facilitator, starts_at=_next_week(now)),
            _session(LIVE, people, facilitator, starts_at=now - timedelta(minutes=8),
                     state=State.LIVE, now=now),
            _session(ENDED, people, facilitator, starts_at=now - timedelta(days=3, hours=2),
                     state=State.ENDED, now=now),
        ]  # fmt: skip
    context.log(f"{sum(created)} live sessions")


def _next_week(now):
    local = timezone.localtime(now) + timedelta(days=7)
    return local.replace(hour=14, minute=0, second=0, microsecond=0)


def _session(spec, people, facilitator, *, starts_at, state=State.SCHEDULED, now=None) -> bool:
    """Create the session of ``spec`` unless it exists; True if created."""
    session, created = LiveSession.objects.get_or_create(
        public_id=demo_id(spec["key"]),
        defaults={
            "title": spec["title"], "description": spec["description"], "starts_at": starts_at,
            "duration_minutes": 90, "audience": Audience.MODEL, "created_by": facilitator,
            "case_giver": people.get(spec["case_giver"]), "state": State.SCHEDULED,
        },
    )  # fmt: skip
    if not created:
        return False
    Participant.objects.create(
        session=session, user=facilitator, role=Role.FACILITATOR, invited_by=facilitator
    )
    cast = [(spec["case_giver"], Role.CASE_GIVER), *spec["people"]]
    for pseudonym, role in cast:
        if pseudonym in people:
            Participant.objects.create(
                session=session, user=people[pseudonym], role=role, invited_by=facilitator
            )
    if state == State.LIVE:
        _run(session, facilitator, started=starts_at, phases=[Phase.CASTING, Phase.NARRATIVE])
        _write(session, people, spec["messages"], starts_at + timedelta(minutes=6))
        session.state = State.LIVE
        session.save()
    elif state == State.ENDED:
        phases = list(Phase.values)
        ended = _run(session, facilitator, started=starts_at, phases=phases)
        _write(session, people, spec["messages"], starts_at + timedelta(minutes=8))
        Participant.objects.filter(session=session).update(first_joined_at=starts_at)
        session.state = State.ENDED
        session.ended_at = ended
        session.notes = spec["notes"]
        session.notes_version = 1
        session.notes_updated_at = ended
        session.save()
        SessionLog.objects.create(
            session=session, actor=facilitator, action=LogAction.END, created_at=ended
        )
    return True


def _run(session, facilitator, *, started, phases):
    """Log the opening, the start and the phases; set the current phase. Returns the
    time the last phase ends."""
    SessionLog.objects.create(
        session=session, actor=facilitator, action=LogAction.OPEN,
        created_at=started - timedelta(minutes=5),
    )  # fmt: skip
    SessionLog.objects.create(
        session=session, actor=facilitator, action=LogAction.START, created_at=started
    )
    session.opened_at = started - timedelta(minutes=5)
    session.started_at = started
    at = started
    for index, phase in enumerate(phases):
        minutes = PHASE_MINUTES[phase]
        if index:
            SessionLog.objects.create(
                session=session, actor=facilitator, action=LogAction.PHASE,
                detail=f"{phase} {minutes}min", created_at=at,
            )  # fmt: skip
        session.phase, session.phase_started_at = phase, at
        session.phase_ends_at = at + timedelta(minutes=minutes)
        at = at + timedelta(minutes=minutes)
    return at


def _write(session, people, messages, first_at):
    seq = session.last_seq
    for offset, (pseudonym, body) in enumerate(messages):
        seq += 1
        Message.objects.create(
            session=session, seq=seq, author=people.get(pseudonym),
            client_id=uuid.uuid5(NAMESPACE, f"{session.public_id}:{seq}"), body=body,
            created_at=first_at + timedelta(minutes=offset),
        )  # fmt: skip
    session.last_seq = seq
