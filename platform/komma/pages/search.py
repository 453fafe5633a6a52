"""Search documents of the knowledge pages: good practice, recommendations, articles.

One document class per kind, so the "type" facet tells them apart. A page is indexed
only while it is live, routable and under no Wagtail password or group restriction;
its visibility level becomes its access tokens (``search.access.level_tokens``).

What is indexed is what every reader of the page sees on it: title, lead, the text
of the body blocks and where the example comes from. Never indexed: the contact
block (its member is shown by pseudonym, or by an alias, depending on the reader)
and the name of a municipality that has not consented to being named (the page
describes it instead, "ein Landkreis in Sachsen", and so does the document).
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from search.access import NETWORK, level_tokens
from search.documents import IndexedDocument, SearchDocument

from .blocks import ContactTeamBlock, DownloadsBlock, MemberChooserBlock
from .models import ArticlePage, GoodPracticePage, KnowledgePage, RecommendationPage
from .visibility import stricter


def stream_text(stream) -> str:
    """The plain text a StreamField shows its readers, blocks separated by blank lines."""
    parts = []
    for child in stream or ():
        text = " ".join(part for part in block_text(child.block, child.value) if part.strip())
        if text:
            parts.append(text)
    return "\n\n".join(parts)


def block_text(block, value) -> list[str]:
    """The texts of one block value. Skips people and chooser values readers do not see
    (an image's title, a document's title the block overrides)."""
    if value is None or isinstance(block, (ContactTeamBlock, MemberChooserBlock)):
        return []
    if isinstance(block, DownloadsBlock):
        texts = [str(value.get("heading") or "")]
        for item in value.get("documents") or ():
            document = item.get("document")
            texts.append(item.get("title") or (document.title if document else ""))
        return texts
    if isinstance(block, blocks.StructBlock):
        texts = []
        for name, child in block.child_blocks.items():
            texts.extend(block_text(child, value.get(name)))
        return texts
    if isinstance(block, blocks.ListBlock):
        texts = []
        for item in value:
            texts.extend(block_text(block.child_block, item))
        return texts
    if isinstance(block, blocks.StreamBlock):
        texts = []
        for child in value:
            texts.extend(block_text(child.block, child.value))
        return texts
    if isinstance(block, blocks.ChooserBlock):
        return []  # images, pages, documents: their titles are not what the page shows
    return [str(text) for text in block.get_searchable_content(value)]


def page_access(page) -> tuple[str, ...] | None:
    """The access tokens of a live page, or ``None`` when search must not find it.

    Wagtail's view restrictions apply on top of the visibility level: a password or
    group restriction keeps the page out of search (as out of listings); a login
    restriction makes it at least a network page.
    """
    from wagtail.models import PageViewRestriction

    level = page.visibility
    for restriction in page.get_view_restrictions():
        if restriction.restriction_type != PageViewRestriction.LOGIN:
            return None
        level = stricter(level, NETWORK)
    return level_tokens(level) or None


def join_text(*parts) -> str:
    """Non-empty parts, separated by blank lines."""
    return "\n\n".join(str(part).strip() for part in parts if part and str(part).strip())


def updated_at(page):
    """When the page last changed for its readers."""
    return page.last_published_at or page.first_published_at or timezone.now()


def indexable(page) -> bool:
    """Whether ``page`` may be found at all: live, not expired, with a URL."""
    return bool(page.live and not page.expired and page.url)


class TaggedPageDocument(SearchDocument):
    """Base of the documents of content pages with topics and module areas (knowledge
    pages, events): what every such page indexes; subclasses add their own text
    (``more_text``), Bundesland and hit details (``hit_extra``)."""

    plugin = "core"

    def queryset(self):
        """The live pages of this kind, with their taxonomy fetched up front."""
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
            body=join_text(page.lead, *self.more_text(page), stream_text(page.body)),
            url=page.url,
            access=access,
            updated_at=updated_at(page),
            plugin=self.plugin,
            module_areas=tuple(sorted(area.code for area in page.module_areas.all())),
            topics=tuple(sorted(topic.slug for topic in page.topics.all())),
            bundesland=self.bundesland(page),
            extra=self.hit_extra(page),
        )

    def more_text(self, page) -> list[str]:
        """Text besides lead and body that the page shows every reader."""
        return []

    def bundesland(self, page) -> str:
        return ""

    def hit_extra(self, page) -> dict:
        """What a hit shows besides title and snippet (the type label comes from the
        document class, in the reader's language, when the hit is shown)."""
        return {}


class KnowledgePageDocument(TaggedPageDocument):
    """Base of the knowledge page documents; the concrete classes name the kind.

    Not registered itself (``search.registry`` lists the three kinds).
    """

    model = KnowledgePage


class GoodPracticeDocument(KnowledgePageDocument):
    """Good practice: also where it comes from, as the page says it (named only with
    consent) and its Bundesland (shown on the page even when the name is not)."""

    doc_type = "pages.goodpracticepage"
    label = _("Good practice")
    model = GoodPracticePage

    def queryset(self):
        return super().queryset().select_related("municipality")

    def bundesland(self, page) -> str:
        if page.municipality_id:
            return page.municipality.bundesland
        return page.bundesland

    def more_text(self, page) -> list[str]:
        return [self.origin(page)]

    def hit_extra(self, page) -> dict:
        return {**super().hit_extra(page), "origin": self.origin(page)}

    @staticmethod
    def origin(page) -> str:
        """The origin in the content's language, whichever language the indexing
        request happens to run in: it is indexed and searched as German text."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(page.origin_label())


class RecommendationDocument(KnowledgePageDocument):
    doc_type = "pages.recommendationpage"
    label = _("Recommendation")
    model = RecommendationPage


class ArticleDocument(KnowledgePageDocument):
    doc_type = "pages.articlepage"
    label = _("Knowledge article")
    model = ArticlePage


KNOWLEDGE_DOCUMENTS = [GoodPracticeDocument, RecommendationDocument, ArticleDocument]
