"""/healthz: 200 with every backend healthy, 503 with the failing one named."""

import os

import pytest
from django.test import override_settings

from tests.conftest import need_service

pytestmark = pytest.mark.django_db

BROKEN_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "channel_layer": True,
        "search": True,
    }
    assert body["checks"]["search"]["backend"] == "database"
    assert response["Cache-Control"].startswith("max-age=0")


def test_broken_cache_gives_503(client):
    broken = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": BROKEN_REDIS}}  # fmt: skip
    with override_settings(CACHES=broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_broken_channel_layer_gives_503(client):
    from channels.layers import channel_layers

    broken = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                          "CONFIG": {"hosts": [BROKEN_REDIS]}}}  # fmt: skip
    with override_settings(CHANNEL_LAYERS=broken):
        channel_layers.backends.clear()
        try:
            response = client.get("/healthz")
        finally:
            channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"]["ok"] is False


def test_unreachable_elasticsearch_reports_database_fallback(client, settings):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "ELASTICSEARCH_URL": "http://127.0.0.1:1",
                             "TIMEOUT": 1}  # fmt: skip
    response = client.get("/healthz")
    assert response.status_code == 503
    search = response.json()["checks"]["search"]
    assert search == {**search, "ok": False, "backend": "database",
                      "configured": "elasticsearch"}  # fmt: skip


def test_live_elasticsearch_is_reported(client, settings):
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL not set (live Elasticsearch test)")
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "ELASTICSEARCH_URL": url}
    from search.backends.elastic import ElasticsearchBackend

    ElasticsearchBackend().ensure_index()  # a fresh server has no index (alias) yet
    response = client.get("/healthz")
    assert response.json()["checks"]["search"]["backend"] == "elasticsearch"


def test_suite_uses_real_services_when_configured(settings):
    """With REDIS_URL/DATABASE_URL set (CI), the whole suite runs on them, not on stand-ins."""
    if os.environ.get("REDIS_URL"):
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
        assert settings.CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis")
    else:
        need_service("Redis", False, "REDIS_URL not set")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        from django.db import connection

        assert connection.vendor == "postgresql"
    else:
        need_service("PostgreSQL", False, "DATABASE_URL not set")
