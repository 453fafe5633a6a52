"""RSS and Atom feeds of the knowledge hub: public pages only, whoever asks.

Feed readers fetch without a session and caches share feeds, so a feed never
depends on the requesting user: network and model-only pages are never in it.
"""

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .listing import KnowledgeFilterForm, apply_filters
from .visibility import PageVisibility

FEED_LENGTH = 30


def public_knowledge_pages(hub):
    """Live, public knowledge pages below ``hub`` without any Wagtail view restriction."""
    from .models import KnowledgePage

    return (
        KnowledgePage.objects.live()
        .public()
        .descendant_of(hub)
        .filter(visibility=PageVisibility.PUBLIC)
        .prefetch_related("topics")
        .order_by("-first_published_at", "-pk")
    )


class KnowledgeRssFeed(Feed):
    """RSS 2.0 feed of the hub; accepts the listing's filters (e.g. ``?thema=...``)."""

    feed_type = Rss201rev2Feed

    def __init__(self, hub):
        super().__init__()
        self.hub = hub
        self.filters = {}

    def __call__(self, request, *args, **kwargs):
        form = KnowledgeFilterForm(request.GET)
        if not form.is_valid():
            return HttpResponseBadRequest(
                "\n".join(form.problems()), content_type="text/plain; charset=utf-8"
            )
        self.filters = form.valid_filters()
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self.hub.title} – KomMA Netzwerk"

    def link(self):
        return self.hub.get_url(self.request)

    def description(self):
        return self.hub.lead or _("Good practice, recommendations and knowledge articles.")

    def items(self):
        return apply_filters(public_knowledge_pages(self.hub), self.filters)[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class KnowledgeAtomFeed(KnowledgeRssFeed):
    """The same feed as Atom 1.0."""

    feed_type = Atom1Feed
    subtitle = KnowledgeRssFeed.description
