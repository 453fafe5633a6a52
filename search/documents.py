"""What is searched: documents, built by one ``SearchDocument`` class per model.

The contract for the core and for plugins (``plugins.hooks.search_documents``):
a subclass names its ``doc_type``, ``model`` and ``label`` and turns one object
into an :class:`IndexedDocument` (or ``None`` when it must not be found at all,
e.g. a draft). Who may find a document is said by its ``access`` tokens: a viewer
finds it when the viewer holds at least one of them (``search.access``). The
backends filter by these tokens *inside* the query, never afterwards.

People appear in documents only by pseudonym; a document never carries a real
name, e-mail address, office or a municipality the page does not name.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class IndexedDocument:
    """One searchable item, backend independent."""

    doc_type: str  # e.g. "pages.goodpracticepage"; also the "type" facet value
    object_id: str
    title: str
    body: str  # plain text (no HTML); the backends make snippets from it
    url: str  # site-relative URL of the item
    access: tuple[str, ...]  # tokens, any of which lets a viewer find it ("public", ...)
    updated_at: datetime
    plugin: str = "core"  # plugin id: documents of switched-off plugins are not searched
    module_areas: tuple[str, ...] = ()  # codes "1", "2", "3", "1a", "2a", "3a"
    topics: tuple[str, ...] = ()  # topic slugs
    bundesland: str = ""  # ISO suffix ("SN"), where the item names one
    extra: dict = field(default_factory=dict)  # shown with the hit (e.g. date of an event)

    @property
    def key(self) -> str:
        """Unique across all document types."""
        return f"{self.doc_type}:{self.object_id}"


class SearchDocument:
    """Base class of the document classes; one per searchable model.

    Subclasses set ``doc_type``, ``label`` (shown as the type facet, translatable),
    ``model`` and ``plugin`` and implement ``prepare``. ``queryset`` lists what a
    rebuild indexes; ``prepare`` returns ``None`` for objects that must not be
    found (drafts, deleted records).
    """

    doc_type: str = ""
    label = ""
    model = None
    plugin: str = "core"

    def queryset(self):
        """Everything a full rebuild indexes (``prepare`` still decides per object)."""
        return self.model._default_manager.all()

    def prepare(self, obj) -> IndexedDocument | None:  # pragma: no cover - abstract
        raise NotImplementedError
