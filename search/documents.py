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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured

# The types a document class may declare for its ``extra`` values (``extra_fields``).
EXTRA_FIELD_TYPES = ("keyword", "text", "date", "integer", "boolean")


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
    # Shown with the hit (e.g. date of an event); Elasticsearch indexes the values the
    # document class declares in ``extra_fields``, and only stores the others.
    extra: dict = field(default_factory=dict)

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

    ``extra_fields`` declares which ``IndexedDocument.extra`` values Elasticsearch
    indexes, and as what: ``{"name": "keyword" | "text" | "date" | "integer" |
    "boolean"}``. They are mapped as ``extra.<name>`` (``text`` with the German
    analyzer; malformed ``date``/``integer`` values are ignored, not rejected), so
    queries and aggregations can use them. Other ``extra`` keys are kept in the
    document but not indexed. Document classes share one index: two classes
    declaring the same name with different types are a configuration error (system
    check ``search.E001``). A new or changed field needs ``search_index rebuild``.
    """

    doc_type: str = ""
    label = ""
    model = None
    plugin: str = "core"
    extra_fields: dict[str, str] = {}

    def queryset(self):
        """Everything a full rebuild indexes (``prepare`` still decides per object)."""
        return self.model._default_manager.all()

    def prepare(self, obj) -> IndexedDocument | None:  # pragma: no cover - abstract
        raise NotImplementedError


def extra_field_types(classes: Iterable[type]) -> dict[str, str]:
    """The ``extra_fields`` of ``classes`` merged, sorted by name; raises
    ``ImproperlyConfigured`` for an unknown type or two classes disagreeing."""
    types: dict[str, tuple[str, type]] = {}
    for cls in classes:
        for name, kind in (getattr(cls, "extra_fields", None) or {}).items():
            where = f"{cls.__module__}.{cls.__qualname__}"
            if kind not in EXTRA_FIELD_TYPES:
                raise ImproperlyConfigured(
                    f"{where}.extra_fields[{name!r}]: unknown type {kind!r} "
                    f"(one of: {', '.join(EXTRA_FIELD_TYPES)})"
                )
            if not name or "." in name:
                raise ImproperlyConfigured(f"{where}.extra_fields: invalid field name {name!r}")
            if name in types and types[name][0] != kind:
                other_kind, other = types[name]
                raise ImproperlyConfigured(
                    f"Search mapping conflict for extra.{name}: "
                    f"{other.__module__}.{other.__qualname__} declares {other_kind!r}, "
                    f"{where} declares {kind!r}; they share one index, use one type "
                    "or another name."
                )
            types.setdefault(name, (kind, cls))
    return {name: types[name][0] for name in sorted(types)}
