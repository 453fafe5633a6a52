"""``manage.py search_index rebuild|update|status``.

- ``rebuild``: the database index is replaced in one transaction; Elasticsearch (if
  configured) gets a new index the alias switches to when it is complete (writes it
  missed before are then no longer pending).
- ``update``: first the writes Elasticsearch missed while it was down are replayed
  (``search.pending``; tried even while the circuit breaker is open) and reported;
  then every document is written again, without dropping anything first;
  documents whose objects are gone (or no longer indexable) are deleted.
- ``status``: which backend serves, the documents each backend holds per type, and
  how many writes are pending for Elasticsearch.

Progress goes to stderr as a plain text bar.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search import indexing, pending
from search.health import search_status
from search.registry import document_classes
from search.service import database_backend, elasticsearch_backend

BATCH = 500


class ProgressBar:
    """``label [#####     ] 512/1000`` on one line of ``stream``, redrawn as it grows."""

    width = 30

    def __init__(self, stream, total: int, label: str):
        self.stream, self.total, self.label = stream, max(total, 0), label
        self.done = 0
        self._shown = -1

    def advance(self, n: int = 1) -> None:
        self.update(self.done + n)

    def update(self, done: int) -> None:
        self.done = done
        step = max(1, self.total // 100)
        if done == self.total or done - self._shown >= step:
            self._draw()

    def _draw(self) -> None:
        filled = (
            self.width if not self.total else self.width * min(self.done, self.total) // self.total
        )
        bar = "#" * filled + " " * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}", ending="")
        self.stream.flush()
        self._shown = self.done

    def finish(self) -> None:
        self._draw()
        self.stream.write("")


class Command(BaseCommand):
    help = "Rebuild, update or report the search index (database and Elasticsearch)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "update", "status"])

    def handle(self, *args, action, **options):
        indexing.ensure_connected()
        getattr(self, action)()

    def _progress(self, total: int, label: str) -> ProgressBar:
        return ProgressBar(self.stderr, total, label)

    def rebuild(self):
        classes = document_classes()
        total = indexing.count_objects(classes)
        bar = self._progress(total, "database")
        written = database_backend().rebuild(indexing.iter_documents(classes, bar.advance))
        bar.finish()
        self.stdout.write(f"database: {written} documents")
        elastic = elasticsearch_backend()
        if elastic is None:
            return
        if not callable(getattr(elastic, "rebuild", None)):
            raise CommandError("The Elasticsearch backend cannot rebuild.")
        bar = self._progress(total, "elasticsearch")
        started = timezone.now()
        try:
            written = elastic.rebuild(
                indexing.iter_documents(classes, bar.advance), progress=lambda n: None
            )
        except Exception as exc:
            self.stderr.write("")
            raise CommandError(
                f"Elasticsearch rebuild failed ({type(exc).__name__}: {exc}); "
                "the old index is still in place and the database index is complete."
            ) from exc
        bar.finish()
        pending.forget(started)  # the new index has the current state of everything
        self.stdout.write(f"elasticsearch: {written} documents")

    def update(self):
        classes = document_classes()
        database = database_backend()
        elastic = elasticsearch_backend()
        backends = [b for b in (database, elastic) if b is not None]
        if elastic is not None:
            self._replay(elastic)
        bar = self._progress(indexing.count_objects(classes), "update")
        seen: set[str] = set()
        failed: set[str] = set()
        batch = []
        for document in indexing.iter_documents(classes, bar.advance):
            batch.append(document)
            if len(batch) >= BATCH:
                failed.update(indexing.write(batch, [], backends))
                seen.update(doc.key for doc in batch)
                batch = []
        if batch:
            failed.update(indexing.write(batch, [], backends))
            seen.update(doc.key for doc in batch)
        bar.finish()
        types = {cls.doc_type for cls in classes} | {key.split(":", 1)[0] for key in seen}
        stale = sorted(database.keys(types) - seen)
        if stale:
            failed.update(indexing.write([], stale, backends))
        self.stdout.write(f"updated {len(seen)} documents, removed {len(stale)}")
        if failed:
            raise CommandError(f"Writing failed for: {', '.join(sorted(failed))} (see the log)")

    def _replay(self, elastic) -> None:
        """Send Elasticsearch what it missed while it was down, and say so."""
        missed = pending.count()
        if not missed:
            return
        result = pending.replay(elastic, force=True)
        line = (f"elasticsearch: {missed} missed writes pending; replayed "
                f"{result['indexed']} documents, {result['deleted']} deletes")  # fmt: skip
        if result["error"]:
            line += f"; failed ({result['error']}), {result['pending']} still pending"
        self.stdout.write(line)

    def status(self):
        state = search_status()
        line = f"serving: {state['backend']} ({'ok' if state.get('ok') else 'NOT OK'})"
        if state.get("configured"):
            line += f"; configured: {state['configured']}"
        if state.get("error"):
            line += f"; error: {state['error']}"
        self.stdout.write(line)
        database = database_backend()
        self._report(database.name, database.count(), database.counts_by_type())
        elastic = elasticsearch_backend()
        if elastic is None:
            self.stdout.write("elasticsearch: not configured")
            return
        missed = pending.count()
        if missed:
            self.stdout.write(f"elasticsearch: {missed} missed writes pending "
                              "(replayed when it answers, or by: search_index update)")  # fmt: skip
        try:
            counts = getattr(elastic, "counts_by_type", None)
            self._report(elastic.name, elastic.count(), counts() if counts else {})
        except Exception as exc:  # noqa: BLE001 - status reports, it does not fail
            self.stdout.write(f"elasticsearch: unavailable ({type(exc).__name__})")

    def _report(self, name: str, total: int, by_type: dict[str, int]) -> None:
        self.stdout.write(f"{name}: {total} documents")
        for doc_type, count in sorted(by_type.items()):
            self.stdout.write(f"  {doc_type}: {count}")
