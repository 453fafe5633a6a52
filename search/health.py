"""Which search backend serves, and whether it is healthy."""

from django.conf import settings


def elasticsearch_client():
    """A client for the configured cluster, or None when none is configured."""
    url = settings.KOMMA_SEARCH["ELASTICSEARCH_URL"]
    if not url:
        return None
    from elasticsearch import Elasticsearch

    return Elasticsearch(url, request_timeout=settings.KOMMA_SEARCH["TIMEOUT"])


def search_status() -> dict:
    """``{"backend": ..., "ok": ...}``: Elasticsearch when configured and answering.

    With Elasticsearch configured but down, the database backend serves, so search
    still works; the check reports ``ok: False`` with the fallback named, so
    operators see the outage.
    """
    client = elasticsearch_client()
    if client is None:
        return {"backend": "database", "ok": True}
    try:
        healthy = bool(client.ping())
    except Exception as exc:  # noqa: BLE001 - any transport failure means "down"
        return {"backend": "database", "ok": False, "error": type(exc).__name__,
                "configured": "elasticsearch"}  # fmt: skip
    if not healthy:
        return {"backend": "database", "ok": False, "configured": "elasticsearch"}
    return {"backend": "elasticsearch", "ok": True}
