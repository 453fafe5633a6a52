"""The search document of trainings and events.

Indexed like a knowledge page (live, routable, no password or group restriction;
access from the visibility level): title, lead, audience and the body. Never the
link to the online session, which only confirmed participants and facilitators
see, nor the address (kept out of search like in the Wagtail index: the page
shows it to its readers, a search for a street should not list sessions), nor the
facilitators or participants.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komma.pages.search import TaggedPageDocument

from .models import EventPage


class EventDocument(TaggedPageDocument):
    """A training or event: also its audience and, with the hit, its start."""

    doc_type = "events.eventpage"
    label = _("Training or event")
    model = EventPage

    def more_text(self, page) -> list[str]:
        return [page.audience]

    def hit_extra(self, page) -> dict:
        return {"start": timezone.localtime(page.start).isoformat()}
