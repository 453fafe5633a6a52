"""Demo trainings (called by ``manage.py seed_demo``): an events index and two upcoming
trainings, one online and public, one in person for network members.

Dates are relative to the first seeding; what exists is left alone, so seeding twice
creates nothing twice (and does not move the dates).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from komma.pages.models import Topic
from komma.pages.setup import stream

from .actions import check_register
from .models import EventFormat, EventIndexPage, EventPage

if TYPE_CHECKING:
    from komma.core.demo import DemoContext

INDEX_SLUG = "fortbildungen"

TRAININGS = [
    {
        "slug": "online-fortbildung-hassrede",
        "title": "Online-Fortbildung: Umgang mit Hass und Hetze in sozialen Medien",
        "lead": "Wie Verwaltungen auf Hasskommentare reagieren, Beweise sichern und "
        "Betroffene im eigenen Haus unterstützen.",
        "days": 21,
        "hours": (10, 12),
        "format": EventFormat.ONLINE,
        "online_link": "https://konferenz.example.org/komma-hassrede",
        "audience": "Kommunale Spitzen und Verwaltungsmitarbeitende",
        "capacity": 25,
        "visibility": "public",
        "topics": ["Kommunikation nach Vorfällen", "Schutz von Mandatsträger:innen"],
        "body": [
            ("paragraph", "<p>Die Online-Fortbildung richtet sich an Kommunen, die sich für das "
             "Programm beworben haben, und an alle Mitglieder des Netzwerks. Bewerberkommunen "
             "und Modellkommunen melden sich in der ersten Woche bevorzugt an.</p>"),
            ("steps", {"heading": "Ablauf", "steps": [
                {"title": "Lagebild", "text": "<p>Formen von Hass im Netz gegen Kommunen.</p>"},
                {"title": "Beweise sichern", "text": "<p>Screenshots, Links, Zeitpunkte.</p>"},
                {"title": "Reagieren", "text": "<p>Moderieren, melden, anzeigen, "
                 "kommunizieren.</p>"},
            ]}),
        ],
    },
    {
        "slug": "training-resilienz-fuehrungskraefte",
        "title": "Training: Resilienz für Führungskräfte in Anfeindungslagen",
        "lead": "Ein Präsenztraining für Führungskräfte, die ihre Teams nach Bedrohungen "
        "und Anfeindungen stärken wollen.",
        "days": 42,
        "hours": (9, 16),
        "format": EventFormat.IN_PERSON,
        "place": "IMAP-Standort Berlin, Dresdener Straße 15, 10999 Berlin",
        "audience": "Führungskräfte der Kommunalverwaltung",
        "capacity": 12,
        "visibility": "network",
        "topics": ["Schutz von Mandatsträger:innen"],
        "body": [
            ("paragraph", "<p>Bedarfsorientierte Trainings und Coachings für Führungskräfte und "
             "Teams im Umgang mit Rassismus und Hass sind Modul 3 des Programms. Dieses "
             "Training ist für Mitglieder des Netzwerks offen.</p>"),
        ],
    },
]  # fmt: skip


def _index(home) -> EventIndexPage:
    index = EventIndexPage.objects.child_of(home).filter(slug=INDEX_SLUG).first()
    if index is None:
        index = EventIndexPage(
            title="Fortbildungen und Veranstaltungen",
            slug=INDEX_SLUG,
            lead="Online-Fortbildungen, Trainings und Informationsveranstaltungen des "
            "Programms. Bewerber- und Modellkommunen melden sich bevorzugt an.",
            show_in_menus=True,
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def seed_events(ctx: DemoContext) -> EventIndexPage:
    """Create the events index and the two trainings; register one demo member."""
    index = _index(ctx.home)
    facilitator = ctx.people.get("WacheLerche")
    created = 0
    for spec in TRAININGS:
        if EventPage.objects.filter(slug=spec["slug"]).exists():
            continue
        day = timezone.localtime() + timedelta(days=spec["days"])
        start = day.replace(hour=spec["hours"][0], minute=0, second=0, microsecond=0)
        event = EventPage(
            title=spec["title"],
            slug=spec["slug"],
            lead=spec["lead"],
            visibility=spec["visibility"],
            start=start,
            end=start.replace(hour=spec["hours"][1]),
            format=spec["format"],
            place=spec.get("place", ""),
            online_link=spec.get("online_link", ""),
            audience=spec["audience"],
            capacity=spec["capacity"],
            registration_deadline=start - timedelta(days=3),
            priority_until=timezone.now() + timedelta(days=7),
            body=stream(spec["body"]),
        )
        index.add_child(instance=event)
        event.topics.set(Topic.objects.filter(name__in=spec["topics"]))
        if facilitator is not None:
            event.facilitators.set([facilitator])
        event.save_revision().publish()
        created += 1
    first = EventPage.objects.get(slug=TRAININGS[0]["slug"])
    member = ctx.people.get("MutigeEiche")  # of a model municipality: in the priority window
    if member is not None and not first.registrations.filter(user=member).exists():
        check_register(member, first)
    ctx.log(f"events index with {len(TRAININGS)} upcoming trainings ({created} new)")
    return index
