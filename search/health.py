"""Which search backend serves, and whether it is healthy (part of ``/healthz``)."""

from django.conf import settings


def elasticsearch_client():
    """The shared client for the configured cluster, or None when none is configured."""
    conf = settings.KOMMA_SEARCH
    if not conf["ELASTICSEARCH_URL"]:
        return None
    from .backends.elastic import get_client

    return get_client(conf["ELASTICSEARCH_URL"], conf["TIMEOUT"])


def search_status() -> dict:
    """``{"backend": <the backend answering queries now>, "ok": ..., ...}``.

    - No Elasticsearch configured: the database serves, ``ok``.
    - Elasticsearch configured, its index alias present and the circuit breaker
      closed (or half-open): Elasticsearch serves, ``ok``.
    - Otherwise the database serves (search still works) and the check reports
      ``ok: False`` with ``configured: "elasticsearch"`` and the reason, so operators
      see the outage. A cluster that does not answer also opens the breaker, so
      every worker stops trying it until the cool-down is over; recovery is left to
      the breaker's half-open probe (a real query), not to this check.
    - Elasticsearch ready: writes it missed while it was down are replayed
      (``search.pending``; a task, only if any are pending).
    """
    if not settings.KOMMA_SEARCH["ELASTICSEARCH_URL"]:
        return {"backend": "database", "ok": True}
    from .backends.elastic import ElasticsearchBackend
    from .circuit import OPEN, breaker

    fallback = {"backend": "database", "ok": False, "configured": "elasticsearch"}
    try:
        ready = ElasticsearchBackend(client=elasticsearch_client()).index_exists()
    except Exception as exc:  # noqa: BLE001 - any transport failure means "down"
        breaker.record_failure()
        return {**fallback, "error": type(exc).__name__, "breaker": breaker.state()}
    state = breaker.state()
    if not ready:
        return {**fallback, "error": "no index (run: manage.py search_index rebuild)",
                "breaker": state}  # fmt: skip
    if state == OPEN:
        return {**fallback, "error": "circuit breaker open after failed queries",
                "breaker": state}  # fmt: skip
    from .pending import schedule_replay

    schedule_replay()  # writes missed while it was down (usually nothing is pending)
    return {"backend": "elasticsearch", "ok": True, "breaker": state}
