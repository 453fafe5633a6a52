"""Two people asking for the last seat at the same moment: only one gets it.

Needs PostgreSQL (row locks); SQLite serialises writers anyway. Each registration
counts the seats, then pauses, so without the lock on the event row both would
count the same free seat.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from wagtail.models import Locale

from komma.accounts.models import User
from komma.events import actions
from komma.events.models import EventPage, Registration
from tests.conftest import need_service


@pytest.mark.django_db(transaction=True)
def test_last_seat_goes_to_one_person_only(monkeypatch):
    need_service("PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL is not PostgreSQL")
    Locale.objects.get_or_create(language_code="de")
    now = timezone.now()
    # A flushed database has no page tree; the event can be a root of its own here.
    event = EventPage.add_root(
        instance=EventPage(
            title="Letzter Platz", slug="letzter-platz", start=now + timedelta(days=3),
            end=now + timedelta(days=3, hours=2), format="online",
            online_link="https://konferenz.example.org/x", capacity=1,
            registration_deadline=now + timedelta(days=2),
        )
    )  # fmt: skip
    people = [
        User.objects.create_user(email=f"p{i}@example.org", password="x", pseudonym=f"Wette{i}")
        for i in range(2)
    ]
    counted = actions._confirmed_count

    def slow_count(event):
        result = counted(event)
        time.sleep(0.3)  # the window in which the other request would count too
        return result

    monkeypatch.setattr(actions, "_confirmed_count", slow_count)
    start = threading.Barrier(len(people))
    errors = []

    def register(user):
        try:
            start.wait()
            actions.do_register(user, event)
        except Exception as error:  # noqa: BLE001 - any failure is reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    assert sorted(Registration.objects.values_list("status", flat=True)) == [
        "confirmed",
        "waitlisted",
    ]
