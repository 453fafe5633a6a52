"""A session as an iCalendar file: title, time and the session page's URL only.

No description, no names: the file is stored in calendars and synced to phones,
so it carries nothing beyond what the invitation e-mail says.
"""

from django.conf import settings
from django.urls import reverse

from komma.core.ics import calendar_response, site_uid

from .models import LiveSession


def session_calendar(session: LiveSession):
    url = settings.KOMMA_BASE_URL.rstrip("/") + reverse(
        "live:session", kwargs={"public_id": session.public_id}
    )
    return calendar_response(
        prodid="-//KomMA Netzwerk//Live-Beratung//DE",
        uid=site_uid("live-session", session.public_id),
        start=session.starts_at,
        end=session.ends_at,
        summary=session.title,
        description=url,
        url=url,
        filename="live-beratung.ics",
    )
