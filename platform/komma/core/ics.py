"""iCalendar files with a single event (events of the core, live sessions).

Only what the caller passes goes into the file: title, times, a description and
the page's URL. Times are written in UTC, the UID is stable per object and unique
to this site (``site_uid``).
"""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent


def site_uid(kind: str, key) -> str:
    """A UID such as ``event-12@komma.example``: stable per object, unique to the site."""
    host = urlsplit(settings.KOMMA_BASE_URL).hostname or "komma-netzwerk"
    return f"{kind}-{key}@{host}"


def calendar_response(
    *, prodid: str, uid: str, start, end, summary: str, description: str, url: str,
    filename: str, location: str = "",
) -> HttpResponse:  # fmt: skip
    """An ``attachment`` response with a one-event calendar (METHOD:PUBLISH)."""
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", timezone.now().astimezone(UTC))
    entry.add("dtstart", start.astimezone(UTC))
    entry.add("dtend", end.astimezone(UTC))
    entry.add("summary", summary)
    if location:
        entry.add("location", location)
    entry.add("description", description)
    entry.add("url", url)
    calendar.add_component(entry)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
