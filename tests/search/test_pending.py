"""Writes while Elasticsearch is down: with the circuit breaker open no write is tried,
the database index is written, the keys Elasticsearch missed are kept in the database
and replayed — exactly those documents, in their current state — once it answers."""

import pytest
from elastic_transport import ConnectionError as TransportConnectionError
from elasticsearch.helpers import BulkIndexError

from komma.pages.models import ArticlePage
from search import health, indexing, pending, service
from search.backends.elastic import ElasticsearchBackend
from search.circuit import CLOSED, OPEN, breaker
from search.models import PendingIndexWrite, SearchEntry

from . import test_indexing
from .test_elastic_backend import ALIAS, FakeCluster

pytestmark = pytest.mark.django_db

hub = test_indexing.hub  # fixtures
publish = test_indexing.publish


class FlakyCluster(FakeCluster):
    """The fake cluster; while ``down`` every request fails to connect."""

    down = False

    def handle(self, method, target, body):
        if self.down:
            self.calls.append(("refused", method, target))
            raise TransportConnectionError("Connection refused")
        return super().handle(method, target, body)

    def bulk_calls(self):
        return [c for c in self.calls if not isinstance(c, tuple) and c.path == "/_bulk"]


@pytest.fixture
def cluster(settings, monkeypatch):
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "ELASTICSEARCH_URL": "http://es.invalid:9200",
                             "INDEX_PREFIX": "komma", "TIMEOUT": 2}  # fmt: skip
    cluster = FlakyCluster()
    cluster.route("HEAD", f"/_alias/{ALIAS}", (200, None))
    client = cluster.client()
    monkeypatch.setattr(service, "elasticsearch_backend", lambda: ElasticsearchBackend(client))
    monkeypatch.setattr(health, "elasticsearch_client", lambda: client)
    return cluster


def key(page):
    return f"pages.articlepage:{page.pk}"


def pending_keys():
    return set(PendingIndexWrite.objects.values_list("key", flat=True))


def test_open_breaker_no_elasticsearch_call_key_recorded(cluster, publish):
    breaker.record_failure()
    cluster.down = True
    page = publish("Geschrieben ohne Elasticsearch")
    assert cluster.calls == []  # not even tried: nobody waits for a timeout
    assert SearchEntry.objects.filter(key=key(page)).exists()  # the database has it
    assert pending_keys() == {key(page)}


def test_failed_write_opens_the_breaker_and_records_the_key(cluster, publish):
    cluster.down = True
    first = publish("Erster Versuch")
    assert [c[0] for c in cluster.calls] == ["refused"]  # tried once, failed
    assert breaker.state() == OPEN
    second = publish("Zweiter Versuch")
    assert len(cluster.calls) == 1  # the breaker is open: no second attempt
    assert pending_keys() == {key(first), key(second)}


def test_replay_after_recovery_sends_exactly_the_missed_documents(
    cluster, publish, django_capture_on_commit_callbacks
):
    before = publish("Vor dem Ausfall")  # written to Elasticsearch, not pending
    changed = publish("Wird geändert")
    gone = publish("Wird gelöscht")
    cluster.calls.clear()
    breaker.record_failure()
    cluster.down = True
    added = publish("Während des Ausfalls")
    with django_capture_on_commit_callbacks(execute=True):
        changed.title = "Geändert während des Ausfalls"
        changed.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    assert cluster.calls == []
    assert pending_keys() == {key(added), key(changed), key(gone)}

    cluster.down = False
    breaker.reset()
    assert health.search_status()["backend"] == "elasticsearch"  # replays (immediate task)
    lines = [line for bulk in cluster.bulk_calls() for line in bulk.body]  # upserts, deletes
    actions = [line for line in lines if "index" in line or "delete" in line]
    assert sorted((op, meta["_id"]) for line in actions for op, meta in line.items()) == sorted([
        ("index", key(added)), ("index", key(changed)), ("delete", key(gone)),
    ])  # fmt: skip
    titles = {line["key"]: line["title"] for line in lines if "title" in line}
    assert titles == {key(added): "Während des Ausfalls",
                      key(changed): "Geändert während des Ausfalls"}  # fmt: skip
    assert key(before) not in str(lines)
    assert pending_keys() == set()
    assert breaker.state() == CLOSED


def test_next_successful_write_replays_what_was_missed(cluster, publish):
    breaker.record_failure()
    missed = publish("Verpasst")
    breaker.reset()
    later = publish("Danach")
    bulks = cluster.bulk_calls()
    assert [[line["index"]["_id"] for line in b.body if "index" in line] for b in bulks] == [
        [key(later)],
        [key(missed)],
    ]
    assert pending_keys() == set()


def test_replay_while_still_down_keeps_everything(cluster, publish):
    breaker.record_failure()
    page = publish("Bleibt vorgemerkt")
    assert pending.replay()["error"] == "circuit breaker open"  # not tried
    assert cluster.calls == []
    cluster.down = True
    result = pending.replay(force=True)
    assert result["error"] == "ConnectionError" and result["pending"] == 1
    assert pending_keys() == {key(page)}
    assert breaker.state() == OPEN


def test_a_rejected_document_does_not_open_the_breaker(cluster, publish, monkeypatch):
    page = publish("Abgelehnt")
    cluster.calls.clear()

    def rejected(self, documents):
        raise BulkIndexError("1 document(s) failed to index.", [])

    monkeypatch.setattr(ElasticsearchBackend, "index", rejected)
    failed = indexing.index_objects([["pages.articlepage", str(page.pk)]])["failed"]
    assert failed == ["elasticsearch"]
    assert breaker.state() == CLOSED
    assert pending_keys() == set()  # it would only fail again


def test_update_command_reports_and_flushes_missed_writes(cluster, publish, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from search.management.commands import search_index

    monkeypatch.setattr(search_index, "elasticsearch_backend", service.elasticsearch_backend)
    breaker.record_failure()
    page = publish("Nachzuholen")
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    assert "elasticsearch: 1 missed writes pending" in out.getvalue()
    out = StringIO()
    call_command("search_index", "update", stdout=out, stderr=StringIO())
    assert "elasticsearch: 1 missed writes pending; replayed 1 documents, 0 deletes" in (
        out.getvalue()
    )
    first_bulk = cluster.bulk_calls()[0]
    assert [line["index"]["_id"] for line in first_bulk.body if "index" in line] == [key(page)]
    assert pending_keys() == set()
    assert breaker.state() == CLOSED
    assert ArticlePage.objects.filter(pk=page.pk).exists()


def test_a_complete_rebuild_clears_what_was_missed(cluster, publish, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from search.management.commands import search_index

    monkeypatch.setattr(search_index, "elasticsearch_backend", service.elasticsearch_backend)
    cluster.route("GET", f"/_alias/{ALIAS}", (200, {}))
    cluster.route("GET", f"/{ALIAS}-\\*", (200, {}))
    breaker.record_failure()
    publish("Im neuen Index")
    assert pending_keys()
    call_command("search_index", "rebuild", stdout=StringIO(), stderr=StringIO())
    assert pending_keys() == set()
