"""Writes Elasticsearch missed, kept in the database and replayed when it answers.

While the circuit breaker (``search.circuit``) is open, ``indexing.write`` does not
try Elasticsearch at all (nobody waits for a timeout); a write that fails opens the
breaker. Either way the database index is written as usual, and the keys of the
documents Elasticsearch missed are recorded here (``PendingIndexWrite``), in the
database, so they survive restarts and are shared by every worker.

Only keys are kept: the replay prepares each document again from its object's
current state (as the indexing task does), so it sends what is true now; an object
that is gone, or no longer indexable, is deleted from Elasticsearch instead.

The replay runs (as the ``replay_pending`` task)

- after the next successful write to Elasticsearch,
- when a search probe closes the breaker again,
- when the health check finds Elasticsearch ready with the breaker closed,
- and first thing in ``manage.py search_index update``, which reports it.

A key recorded again while a replay runs stays pending for the next one.
"""

import contextlib
import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

ELASTICSEARCH = "elasticsearch"  # the backend name the breaker guards
CHUNK = 500
SCHEDULED_KEY = "search:pending:replay-scheduled"


def is_outage(exc: BaseException) -> bool:
    """Does ``exc`` mean Elasticsearch is unavailable (rather than a bad document)?
    Connection errors and timeouts, and answers 429 or 5xx; a rejected document
    (``BulkIndexError``, 4xx) is logged as before, not kept: it would fail again."""
    from elastic_transport import ApiError, TransportError

    if isinstance(exc, OSError | TransportError):  # ConnectionError, ConnectionTimeout
        return True
    if isinstance(exc, ApiError):
        status = getattr(exc, "status", None) or 0
        return status == 429 or status >= 500
    return False


def record(keys: Iterable[str]) -> int:
    """Remember ``keys`` for Elasticsearch (a key already pending gets the new time)."""
    from .models import PendingIndexWrite

    now = timezone.now()
    rows = [PendingIndexWrite(key=key, recorded_at=now) for key in dict.fromkeys(keys)]
    if not rows:
        return 0
    try:
        PendingIndexWrite.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["key"], update_fields=["recorded_at"]
        )
    except Exception:
        logger.exception("search: could not record %d writes for Elasticsearch", len(rows))
        return 0
    return len(rows)


def count() -> int:
    from .models import PendingIndexWrite

    return PendingIndexWrite.objects.count()


def exists() -> bool:
    from .models import PendingIndexWrite

    try:
        return PendingIndexWrite.objects.exists()
    except Exception:  # a write or health check must not fail on this
        logger.warning("search: pending writes unavailable", exc_info=True)
        return False


def forget(before) -> int:
    """Drop what was recorded up to ``before`` (a complete rebuild covered it)."""
    from .models import PendingIndexWrite

    return PendingIndexWrite.objects.filter(recorded_at__lte=before).delete()[0]


def schedule_replay() -> None:
    """Enqueue the replay task if anything is pending (once while one is queued)."""
    if not exists():
        return
    try:
        first = cache.add(SCHEDULED_KEY, 1, timeout=300)
    except Exception:  # without a cache, a duplicate replay is harmless
        logger.warning("search: cache unavailable", exc_info=True)
        first = True
    if not first:
        return
    from .tasks import replay_pending

    try:
        replay_pending.enqueue()
    except Exception:
        logger.exception("search: could not enqueue the replay of pending writes")
        with contextlib.suppress(Exception):
            cache.delete(SCHEDULED_KEY)


def prepare(keys: list[str]):
    """``(upserts, deletes, failed)`` for ``keys``: documents prepared again from the
    objects' current state, keys whose document must go, keys that could not be
    prepared (they stay pending)."""
    from .indexing import fetch
    from .registry import document_classes

    classes = {cls.doc_type: cls for cls in document_classes()}
    upserts, deletes, failed = [], [], []
    for key in keys:
        doc_type, _, pk = key.partition(":")
        cls = classes.get(doc_type)
        if cls is None or cls.model is None:
            deletes.append(key)  # unknown type or switched-off plugin: not searchable
            continue
        document = cls()
        try:
            obj = fetch(document, cls.model, pk)
            prepared = document.prepare(obj) if obj is not None else None
        except Exception:
            logger.exception("search: preparing %s for the replay failed", key)
            failed.append(key)
            continue
        if prepared is None:
            deletes.append(key)
            continue
        upserts.append(prepared)
        if prepared.key != key:
            deletes.append(key)
    return upserts, deletes, failed


def replay(backend=None, *, force: bool = False) -> dict:
    """Send the pending documents to Elasticsearch and forget those sent.

    Without ``force`` nothing is tried while the breaker is open. Returns
    ``{"indexed": n, "deleted": n, "pending": what is left, "error": str | None}``.
    """
    from .circuit import breaker
    from .models import PendingIndexWrite
    from .service import elasticsearch_backend

    result = {"indexed": 0, "deleted": 0, "pending": 0, "error": None}
    try:
        if backend is None:
            backend = elasticsearch_backend()
        if backend is None:  # Elasticsearch no longer configured: nothing to catch up
            PendingIndexWrite.objects.all().delete()
            return result
        if not force and not breaker.allows():
            result["error"] = "circuit breaker open"
            return result
        started = timezone.now()
        last = 0
        while True:
            rows = list(
                PendingIndexWrite.objects.filter(pk__gt=last, recorded_at__lte=started)
                .order_by("pk")
                .values_list("pk", "key")[:CHUNK]
            )
            if not rows:
                break
            last = rows[-1][0]
            upserts, deletes, failed = prepare([key for _pk, key in rows])
            try:
                for send, items in ((backend.index, upserts), (backend.delete, deletes)):
                    try:
                        if items:
                            send(items)
                    except Exception as exc:
                        if is_outage(exc):
                            raise
                        logger.warning("search: Elasticsearch rejected replayed writes",
                                       exc_info=True)  # fmt: skip
            except Exception as exc:
                logger.warning("search: replaying writes to Elasticsearch failed", exc_info=True)
                breaker.record_failure()
                result["error"] = type(exc).__name__
                break
            breaker.record_success()
            result["indexed"] += len(upserts)
            result["deleted"] += len(deletes)
            done = [pk for pk, key in rows if key not in failed]
            # Recorded again since the replay started: newer than what was sent.
            PendingIndexWrite.objects.filter(pk__in=done, recorded_at__lte=started).delete()
        result["pending"] = PendingIndexWrite.objects.count()
    finally:
        with contextlib.suppress(Exception):
            cache.delete(SCHEDULED_KEY)
    if result["indexed"] or result["deleted"]:
        logger.info("search: replayed %d writes and %d deletes to Elasticsearch",
                    result["indexed"], result["deleted"])  # fmt: skip
    return result
