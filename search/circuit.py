"""The circuit breaker in front of Elasticsearch.

Closed: queries go to Elasticsearch. A failure (error or timeout) opens it: for a
cool-down (``KOMMA_SEARCH["BREAKER_COOLDOWN"]``, 30 s) every query is answered by
the database backend without trying Elasticsearch, so no user waits for a timeout
again. After the cool-down the breaker is half-open: exactly one request (across
all workers) is let through as a probe; its success closes the breaker, its
failure opens it for another cool-down.

One failure is enough to open it (``BREAKER_THRESHOLD``, default 1): every failed
query has already cost a user a timeout, and the database answers correctly.

The state lives in Django's cache, which is Redis in production, so all workers
and containers switch together. When the cache itself fails the breaker stays
out of the way (closed): each query then still falls back on its own.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half-open"

OPEN_UNTIL_KEY = "search:breaker:open-until"
FAILURES_KEY = "search:breaker:failures"
PROBE_KEY = "search:breaker:probe"


def now() -> float:
    """Wall-clock time, comparable across processes (tests replace it)."""
    return time.time()


class CircuitBreaker:
    default_cooldown = 30.0
    default_threshold = 1

    @property
    def cooldown(self) -> float:
        return float(settings.KOMMA_SEARCH.get("BREAKER_COOLDOWN", self.default_cooldown))

    @property
    def threshold(self) -> int:
        return int(settings.KOMMA_SEARCH.get("BREAKER_THRESHOLD", self.default_threshold))

    @property
    def probe_ttl(self) -> float:
        """How long one probe may take before another worker may probe instead."""
        return float(settings.KOMMA_SEARCH["TIMEOUT"]) + 5

    def state(self) -> str:
        """``closed``, ``open`` or ``half-open``, without taking the probe slot."""
        try:
            open_until = cache.get(OPEN_UNTIL_KEY)
        except Exception:  # a broken cache must not break search
            logger.warning("search breaker: cache unavailable", exc_info=True)
            return CLOSED
        if open_until is None:
            return CLOSED
        return OPEN if now() < open_until else HALF_OPEN

    def allows(self) -> bool:
        """May this request try Elasticsearch? Half-open: only the one probe may."""
        state = self.state()
        if state == CLOSED:
            return True
        if state == OPEN:
            return False
        try:
            # add() is atomic (SET NX on Redis): exactly one worker wins the probe.
            return bool(cache.add(PROBE_KEY, now(), timeout=self.probe_ttl))
        except Exception:
            logger.warning("search breaker: cache unavailable", exc_info=True)
            return True

    def record_failure(self) -> None:
        """A request to Elasticsearch failed: open after ``threshold`` in a row."""
        try:
            failures = self._incr_failures()
            if failures >= self.threshold or self.state() != CLOSED:
                until = now() + self.cooldown
                # Kept a while past the cool-down so the half-open state is visible;
                # if it expires unnoticed the breaker is simply closed again.
                cache.set(OPEN_UNTIL_KEY, until, timeout=self.cooldown * 10)
                cache.delete(PROBE_KEY)
                logger.warning("search breaker open for %.0f s: answering from the database",
                               self.cooldown)  # fmt: skip
        except Exception:
            logger.warning("search breaker: cache unavailable", exc_info=True)

    def record_success(self) -> bool:
        """A request to Elasticsearch succeeded: close the breaker. True if it was open
        (or half-open) until now: the caller schedules the replay of missed writes."""
        keys = [OPEN_UNTIL_KEY, FAILURES_KEY, PROBE_KEY]
        try:
            present = cache.get_many(keys)  # usually empty: then nothing is written
            if present:
                cache.delete_many(keys)
            if OPEN_UNTIL_KEY in present:
                logger.info("search breaker closed: Elasticsearch answers again")
                return True
        except Exception:
            logger.warning("search breaker: cache unavailable", exc_info=True)
        return False

    def reset(self) -> None:
        self.record_success()

    def _incr_failures(self) -> int:
        if cache.add(FAILURES_KEY, 1, timeout=self.cooldown * 10):
            return 1
        try:
            return cache.incr(FAILURES_KEY)
        except ValueError:  # expired between add() and incr()
            cache.set(FAILURES_KEY, 1, timeout=self.cooldown * 10)
            return 1


breaker = CircuitBreaker()
