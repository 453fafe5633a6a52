"""The demo seeds an events index with two upcoming trainings, once."""

from django.utils import timezone

from komma.core.demo import seed_demo
from komma.events.models import EventIndexPage, EventPage, Registration


def test_two_upcoming_trainings_seeded_once(db):
    seed_demo()
    seed_demo()
    assert EventIndexPage.objects.live().count() == 1
    events = EventPage.objects.live()
    assert events.count() == 2
    assert all(event.start > timezone.now() for event in events)
    assert {event.visibility for event in events} == {"public", "network"}
    assert {event.format for event in events} == {"online", "in_person"}
    assert Registration.objects.filter(status="confirmed").count() == 1
