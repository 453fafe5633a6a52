"""Reads of the knowledge platform, always narrowed to what the reader may see."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .visibility import filter_visible

# What a listing entry shows: the kind (content type), the origin of good practice
# and the topics. Fetched in one query plus one prefetch, however many pages.
LISTING_SELECT = ("content_type", "goodpracticepage__municipality")
LISTING_PREFETCH = ("topics",)

# URL value -> model name of the kinds of knowledge page (German, they are in URLs).
KINDS = {
    "gute-praxis": ("goodpracticepage", _("Good practice")),
    "empfehlung": ("recommendationpage", _("Recommendation")),
    "artikel": ("articlepage", _("Knowledge article")),
}


def listing_entries(pages) -> list:
    """The pages with what an entry shows: ``kind_label`` and ``origin`` (good practice)."""
    labels = dict(KINDS.values())
    entries = list(pages)
    for page in entries:
        page.kind_label = labels.get(page.content_type.model, "")
        # select_related fetched the good-practice row (or its absence): no query here.
        good_practice = getattr(page, "goodpracticepage", None)
        page.origin = good_practice.origin_label() if good_practice else ""
    return entries


def knowledge_pages(user, hub=None):
    """Live knowledge pages ``user`` may read (below ``hub`` when given), newest first."""
    from .models import KnowledgePage

    queryset = KnowledgePage.objects.live()
    if hub is not None:
        queryset = queryset.descendant_of(hub)
    return (
        filter_visible(queryset, user)
        .select_related(*LISTING_SELECT)
        .prefetch_related(*LISTING_PREFETCH)
        .order_by("-first_published_at", "-pk")
    )


def related_knowledge_pages(page, user, topic_ids, area_ids, limit: int = 3) -> list:
    """Pages sharing most topics (then module areas) with ``page``, readable by ``user``."""
    if not topic_ids and not area_ids:
        return []
    from .models import KnowledgePage

    # A subquery, so the joins that find candidates do not inflate the counts below.
    sharing = KnowledgePage.objects.filter(
        Q(topics__in=topic_ids) | Q(module_areas__in=area_ids)
    ).values("pk")
    candidates = (
        knowledge_pages(user)
        .exclude(pk=page.pk)
        .filter(pk__in=sharing)
        .annotate(
            shared_topics=Count("topics", filter=Q(topics__in=topic_ids), distinct=True),
            shared_areas=Count("module_areas", filter=Q(module_areas__in=area_ids), distinct=True),
        )
        .order_by("-shared_topics", "-shared_areas", "-first_published_at", "-pk")
    )
    return listing_entries(candidates[:limit])
