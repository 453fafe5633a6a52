"""Background work of the search (django-tasks): keeping the index current."""

from django_tasks import task


@task()
def index_objects(items: list[list[str]]) -> dict:
    """Re-prepare the objects ``[[model label, pk], ...]`` and write (or delete) their
    documents in every backend (``search.indexing.index_objects``)."""
    from .indexing import ensure_connected
    from .indexing import index_objects as run

    ensure_connected()
    return run(items)


@task()
def replay_pending() -> dict:
    """Send Elasticsearch the writes it missed while it was down (``search.pending``)."""
    from .indexing import ensure_connected
    from .pending import replay

    ensure_connected()
    return replay()
