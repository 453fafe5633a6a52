"""Elasticsearch configured but unreachable: search still answers, from the database,
and the pages answer 200 with the results (never a 5xx because of search)."""

import time
from datetime import UTC, datetime

import pytest
from elastic_transport import ConnectionTimeout

from search import service
from search.backends.database import DatabaseBackend
from search.backends.elastic import ElasticsearchBackend
from search.circuit import CLOSED, OPEN, breaker
from search.documents import IndexedDocument
from search.query import SearchQuery, SearchResults

pytestmark = pytest.mark.django_db

UNREACHABLE = "http://127.0.0.1:9"  # discard port: nothing listens


@pytest.fixture
def unreachable(settings):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "ELASTICSEARCH_URL": UNREACHABLE,
                             "TIMEOUT": 1}  # fmt: skip
    return settings


@pytest.fixture
def indexed(db):
    document = IndexedDocument(
        doc_type="pages.knowledgepage",
        object_id="901",
        title="Quokkaberatung im Landkreis",
        body="Die Beratungsstelle arbeitet zuverlässig, auch ohne Elasticsearch.",
        url="/wissen/quokkaberatung/",
        access=("public",),
        updated_at=datetime(2026, 1, 31, tzinfo=UTC),
    )
    DatabaseBackend().index([document])
    return document


def query(text="Quokkaberatung"):
    return SearchQuery(text=text, tokens=frozenset({"public"}), plugins=frozenset({"core"}))


def test_search_answers_from_the_database(unreachable, indexed):
    started = time.monotonic()
    results = service.search(query())
    assert time.monotonic() - started < 5  # no retries piling up timeouts
    assert results.backend == "database"
    assert [hit.object_id for hit in results.hits] == ["901"]
    assert breaker.state() == OPEN


def test_open_breaker_does_not_try_elasticsearch_again(unreachable, indexed, monkeypatch):
    service.search(query())
    tried = []
    monkeypatch.setattr(ElasticsearchBackend, "search", lambda self, q: tried.append(q))
    assert service.search(query()).backend == "database"
    assert tried == []


def test_suggestions_answer_from_the_database(unreachable, indexed):
    suggestions = service.suggest("Quokka", frozenset({"public"}), frozenset({"core"}))
    assert [s.url for s in suggestions] == ["/wissen/quokkaberatung/"]
    assert breaker.state() == OPEN


def test_timeouts_fall_back_too(unreachable, indexed, monkeypatch):
    def time_out(self, q):
        raise ConnectionTimeout("timed out")

    monkeypatch.setattr(ElasticsearchBackend, "search", time_out)
    assert service.search(query()).backend == "database"
    assert breaker.state() == OPEN


def test_recovered_elasticsearch_serves_again(unreachable, indexed, monkeypatch):
    service.search(query())
    assert breaker.state() == OPEN
    served = SearchResults(hits=[], total=0, facets={}, page=1, per_page=20,
                           backend="elasticsearch")  # fmt: skip
    monkeypatch.setattr(ElasticsearchBackend, "search", lambda self, q: served)
    monkeypatch.setattr("search.circuit.now", lambda: time.time() + 60)  # cool-down over
    assert service.search(query()).backend == "elasticsearch"  # the half-open probe
    assert breaker.state() == CLOSED


def test_search_page_answers_200_with_database_results(unreachable, indexed, client):
    response = client.get("/suche/", {"q": "Quokkaberatung"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Quokkaberatung im Landkreis" in content
    assert "/wissen/quokkaberatung/" in content


def test_suggestions_endpoint_answers_200(unreachable, indexed, client):
    response = client.get("/suche/vorschlaege/", {"q": "Quokka"})
    assert response.status_code == 200
    assert "/wissen/quokkaberatung/" in response.content.decode()


def test_healthz_names_the_database_while_elasticsearch_is_down(unreachable, client):
    response = client.get("/healthz")
    search = response.json()["checks"]["search"]
    assert (search["backend"], search["configured"], search["ok"]) == (
        "database", "elasticsearch", False)  # fmt: skip
    assert response.status_code == 503  # operators see it; the container probe tolerates it
