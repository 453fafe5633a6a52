"""The calendar file of a session: title, time and URL; nothing about people."""

from datetime import UTC

import pytest
from django.urls import reverse
from icalendar import Calendar

from exchange.live.models import State

from .web_fixtures import *  # noqa: F403  (the fixtures)
from .web_fixtures import ALL_NEEDLES, login, make_session

pytestmark = pytest.mark.django_db


def test_calendar_file_of_a_session(client, web_cast):
    session = make_session(web_cast, State.SCHEDULED, description="Beschreibung mit Details")
    login(client, web_cast["consultant"])
    response = client.get(reverse("live:ics", kwargs={"public_id": session.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == session.title
    # iCalendar has whole seconds.
    assert event.decoded("dtstart") == session.starts_at.astimezone(UTC).replace(microsecond=0)
    assert event.decoded("dtend") == session.ends_at.astimezone(UTC).replace(microsecond=0)
    assert str(event["url"]).endswith(f"/live/{session.public_id}/")
    assert str(event["uid"]).startswith(f"live-session-{session.public_id}@")
    text = response.content.decode()
    assert "Beschreibung mit Details" not in text  # the file carries title, time, URL only
    for person in web_cast.values():
        assert person.pseudonym not in text
    for needle in ALL_NEEDLES:
        assert needle not in text
    # The UID is stable: the same event when downloaded again.
    again = Calendar.from_ical(
        client.get(reverse("live:ics", kwargs={"public_id": session.public_id})).content
    )
    assert str(again.walk("VEVENT")[0]["uid"]) == str(event["uid"])


def test_calendar_file_is_for_participants_only(client, web_cast):
    session = make_session(web_cast, State.SCHEDULED)
    target = reverse("live:ics", kwargs={"public_id": session.public_id})
    login(client, web_cast["outsider"])
    assert client.get(target).status_code == 404
    login(client, web_cast["removed"])
    assert client.get(target).status_code == 404
    client.logout()
    assert client.get(target).status_code == 302
    login(client, web_cast["stand_in"])
    assert client.get(target).status_code == 200
