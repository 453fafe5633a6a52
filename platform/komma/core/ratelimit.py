"""A fixed-window rate limit on the shared cache (Redis in production)."""

import time

from django.core.cache import cache


def allow(scope: str, ident, limit: int, period_seconds: int) -> bool:
    """Count one attempt of ``ident`` in ``scope``; False once ``limit`` is exceeded.

    ``cache.add`` + ``cache.incr`` are atomic on Redis, so concurrent requests of
    several processes share one count.
    """
    window = int(time.time() // period_seconds)
    key = f"ratelimit:{scope}:{ident}:{window}"
    cache.add(key, 0, period_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, period_seconds + 5)
        count = 1
    return count <= limit
