"""The interface both backends implement."""

from collections.abc import Iterable

from ..documents import IndexedDocument
from ..query import SearchQuery, SearchResults, Suggestion


class SearchBackend:
    """Index documents and answer queries; permission filtering happens in the query.

    Implementations: ``search.backends.database.DatabaseBackend`` and
    ``search.backends.elastic.ElasticsearchBackend``.
    """

    name = ""

    def index(self, documents: Iterable[IndexedDocument]) -> int:
        """Add or replace ``documents``; returns how many were written."""
        raise NotImplementedError

    def delete(self, keys: Iterable[str]) -> int:
        """Remove the documents with these keys (``IndexedDocument.key``)."""
        raise NotImplementedError

    def search(self, query: SearchQuery) -> SearchResults:
        """One page of results with facet counts, only what ``query.tokens`` may find."""
        raise NotImplementedError

    def suggest(self, text: str, tokens: frozenset[str], plugins: frozenset[str],
                limit: int = 8) -> list[Suggestion]:  # fmt: skip
        """Title completions for the search box, permission-filtered like ``search``."""
        raise NotImplementedError

    def count(self) -> int:
        """How many documents the backend holds (for ``search_index status``)."""
        raise NotImplementedError
