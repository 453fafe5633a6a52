"""The circuit breaker in front of Elasticsearch, and what the health check reports."""

import pytest
from django.test import override_settings

from search import circuit, health
from search.circuit import CLOSED, HALF_OPEN, OPEN, breaker

BROKEN_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": "redis://127.0.0.1:1/0"}}  # fmt: skip


class Clock:
    def __init__(self, start=1_800_000_000.0):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(circuit, "now", clock)
    return clock


def test_closed_at_first(clock):
    assert breaker.state() == CLOSED
    assert breaker.allows() and breaker.allows()


def test_one_failure_opens_it_for_the_cool_down(clock):
    breaker.record_failure()
    assert breaker.state() == OPEN
    assert not breaker.allows()
    clock.now += 29
    assert not breaker.allows()


def test_half_open_after_the_cool_down_lets_exactly_one_probe_through(clock):
    breaker.record_failure()
    clock.now += 30
    assert breaker.state() == HALF_OPEN
    assert breaker.allows() is True  # the probe
    assert breaker.allows() is False  # everybody else keeps using the database
    assert breaker.state() == HALF_OPEN


def test_successful_probe_closes_it(clock):
    breaker.record_failure()
    clock.now += 31
    assert breaker.allows()
    breaker.record_success()
    assert breaker.state() == CLOSED
    assert breaker.allows() and breaker.allows()


def test_failed_probe_opens_it_again(clock):
    breaker.record_failure()
    clock.now += 31
    assert breaker.allows()
    breaker.record_failure()
    assert breaker.state() == OPEN
    clock.now += 29
    assert not breaker.allows()
    clock.now += 2
    assert breaker.allows()


def test_probe_slot_expires_after_the_request_timeout(clock, settings):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "TIMEOUT": 0}
    breaker.record_failure()
    clock.now += 31
    assert breaker.allows()
    # probe_ttl = TIMEOUT + 5 s; the cache expires it on the real clock
    assert breaker.probe_ttl == 5


def test_cool_down_and_threshold_are_configurable(clock, settings):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "BREAKER_COOLDOWN": 5,
                             "BREAKER_THRESHOLD": 3}  # fmt: skip
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state() == CLOSED
    breaker.record_failure()
    assert breaker.state() == OPEN
    clock.now += 5
    assert breaker.state() == HALF_OPEN


def test_success_resets_the_failure_count(clock, settings):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "BREAKER_THRESHOLD": 2}
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state() == CLOSED


def test_state_is_shared_through_the_cache(clock):
    """Another worker (another breaker object, same cache) sees the same state."""
    breaker.record_failure()
    assert circuit.CircuitBreaker().state() == OPEN


def test_broken_cache_leaves_search_working():
    with override_settings(CACHES=BROKEN_REDIS):
        assert breaker.allows() is True
        breaker.record_failure()  # logged, not raised
        breaker.record_success()
        assert breaker.state() == CLOSED


# --- Health ----------------------------------------------------------------------


class FakeBackend:
    ready = True
    error = None

    def __init__(self, client=None):
        pass

    def index_exists(self):
        if self.error:
            raise self.error
        return self.ready


@pytest.fixture
def es_configured(settings, monkeypatch):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "ELASTICSEARCH_URL": "http://es.invalid:9200",
                             "TIMEOUT": 1}  # fmt: skip
    monkeypatch.setattr("search.backends.elastic.ElasticsearchBackend", FakeBackend)
    return FakeBackend


def test_health_without_elasticsearch(settings):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "ELASTICSEARCH_URL": ""}
    assert health.search_status() == {"backend": "database", "ok": True}


def test_health_with_elasticsearch_serving(es_configured):
    assert health.search_status() == {"backend": "elasticsearch", "ok": True, "breaker": CLOSED}


def test_health_reports_the_database_while_the_breaker_is_open(es_configured, clock):
    breaker.record_failure()
    status = health.search_status()
    assert status == {
        "backend": "database", "ok": False, "configured": "elasticsearch", "breaker": OPEN,
        "error": "circuit breaker open after failed queries",
    }  # fmt: skip
    assert breaker.state() == OPEN  # a ping does not close it; a real query must


def test_health_half_open_counts_as_elasticsearch_and_keeps_the_probe(es_configured, clock):
    breaker.record_failure()
    clock.now += 31
    assert health.search_status()["backend"] == "elasticsearch"
    assert breaker.allows()  # the probe slot is still there for a query


def test_health_failure_opens_the_breaker(es_configured, clock):
    es_configured.error = ConnectionError("refused")
    try:
        status = health.search_status()
    finally:
        es_configured.error = None
    assert status == {"backend": "database", "ok": False, "configured": "elasticsearch",
                      "error": "ConnectionError", "breaker": OPEN}  # fmt: skip
    assert not breaker.allows()


def test_health_without_index(es_configured):
    es_configured.ready = False
    try:
        status = health.search_status()
    finally:
        es_configured.ready = True
    assert status["backend"] == "database" and status["ok"] is False
    assert "search_index rebuild" in status["error"]


def test_health_against_an_unreachable_cluster(settings):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "ELASTICSEARCH_URL": "http://127.0.0.1:9",
                             "TIMEOUT": 1}  # fmt: skip
    status = health.search_status()
    assert status["backend"] == "database"
    assert status["configured"] == "elasticsearch"
    assert status["ok"] is False
    assert status["error"] == "ConnectionError"
    assert breaker.state() == OPEN
