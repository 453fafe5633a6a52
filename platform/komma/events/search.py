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

from komma.pages.search import indexable, join_text, page_access, stream_text, updated_at
from search.documents import IndexedDocument, SearchDocument

from .models import EventPage


class EventDocument(SearchDocument):
    doc_type = "events.eventpage"
    label = _("Training or event")
    model = EventPage
    plugin = "core"

    def queryset(self):
        return self.model.objects.live().prefetch_related("topics", "module_areas").order_by("pk")

    def prepare(self, page) -> IndexedDocument | None:
        page = page.specific if type(page) is not self.model else page
        if not indexable(page):
            return None
        access = page_access(page)
        if access is None:
            return None
        return IndexedDocument(
            doc_type=self.doc_type,
            object_id=str(page.pk),
            title=page.title,
            body=join_text(page.lead, page.audience, stream_text(page.body)),
            url=page.url,
            access=access,
            updated_at=updated_at(page),
            plugin=self.plugin,
            module_areas=tuple(sorted(area.code for area in page.module_areas.all())),
            topics=tuple(sorted(topic.slug for topic in page.topics.all())),
            extra={"start": timezone.localtime(page.start).isoformat()},
        )
