"""A search request and its results, the same for every backend."""

from dataclasses import dataclass, field

FACETS = ("type", "module_area", "topic", "bundesland")
PER_PAGE = 20
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class SearchQuery:
    """What the viewer asked for: validated text, facet filters, scope and page.

    ``tokens`` are the viewer's access tokens (``search.access.viewer_tokens``); the
    backend finds only documents carrying one of them. ``plugins`` are the plugin
    ids whose documents may be found (switched-off plugins are left out).
    """

    text: str
    tokens: frozenset[str]
    plugins: frozenset[str]
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet -> values
    scope: tuple[str, ...] = ()  # doc types a module's own search is limited to
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class Hit:
    """One result: what the list shows. ``snippet`` is HTML with <mark> around matches,
    built from escaped text by the backend."""

    doc_type: str
    object_id: str
    title: str
    url: str
    snippet: str
    score: float
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total, and facet counts (value -> count) per facet, counted
    over the documents the viewer may find and the other filters chosen."""

    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]
    page: int
    per_page: int
    backend: str  # "elasticsearch" or "database": shown to operators, not users

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Suggestion:
    """A completion for the search box: a title and where it leads."""

    title: str
    url: str
    doc_type: str
