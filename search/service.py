"""The one entry point the rest of the platform uses: which backend serves, searching
with fallback, and keeping the index current.

Elasticsearch serves when configured and its circuit breaker is closed; otherwise
the database backend does. A failing Elasticsearch query opens the breaker and
the same query is answered from the database, so users never see a 5xx because of
search. The database index (``search.models``) is always kept current, so the
fallback has everything.
"""

import logging

from django.conf import settings

from .query import SearchQuery, SearchResults, Suggestion

logger = logging.getLogger(__name__)


def database_backend():
    from .backends.database import DatabaseBackend

    return DatabaseBackend()


def elasticsearch_backend():
    """The Elasticsearch backend, or ``None`` when none is configured."""
    if not settings.KOMMA_SEARCH["ELASTICSEARCH_URL"]:
        return None
    from .backends.elastic import ElasticsearchBackend

    return ElasticsearchBackend()


def backends_for_writing() -> list:
    """Every backend that holds an index: the database always, Elasticsearch if set."""
    return [b for b in (database_backend(), elasticsearch_backend()) if b is not None]


def schedule_replay() -> None:
    """Elasticsearch answers again: send it the writes it missed (``search.pending``)."""
    from .pending import schedule_replay as schedule

    schedule()


def search(query: SearchQuery) -> SearchResults:
    """Results from Elasticsearch if it is configured and healthy, else the database."""
    from .circuit import breaker

    elastic = elasticsearch_backend()
    if elastic is not None and breaker.allows():
        try:
            results = elastic.search(query)
        except Exception:  # any failure (transport, timeout, bad answer): use the database
            logger.warning("Elasticsearch search failed; answering from the database",
                           exc_info=True)  # fmt: skip
            breaker.record_failure()
        else:
            if breaker.record_success():
                schedule_replay()
            return results
    return database_backend().search(query)


def suggest(text: str, tokens, plugins, limit: int = 8) -> list[Suggestion]:
    """Completions from Elasticsearch if healthy, else the database (same filtering)."""
    from .circuit import breaker

    elastic = elasticsearch_backend()
    if elastic is not None and breaker.allows():
        try:
            suggestions = elastic.suggest(text, tokens, plugins, limit)
        except Exception:  # noqa: BLE001
            breaker.record_failure()
        else:
            if breaker.record_success():
                schedule_replay()
            return suggestions
    return database_backend().suggest(text, tokens, plugins, limit)
