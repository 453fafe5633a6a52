"""The Elasticsearch backend, without a server: the exact index settings and mappings,
query bodies, bulk actions and alias switches it sends.

Requests go through the real ``elasticsearch`` client and ``elasticsearch.dsl``
into a fake transport node (``FakeCluster``), which records method, path, query
parameters and body, and answers like Elasticsearch would.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest
from django.core.exceptions import ImproperlyConfigured
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch
from elasticsearch.helpers import BulkIndexError

from search.backends import elastic
from search.backends.elastic import ElasticsearchBackend, index_body, safe_snippet, to_source
from search.documents import IndexedDocument, SearchDocument
from search.query import SearchQuery

ALIAS = "komma-documents"
NOT_FOUND = (404, {"error": {"type": "index_not_found_exception"}, "status": 404})
NEW_INDEX = re.compile(r"/komma-documents-\d{8}-\d{6}-\d{6}")


@dataclass
class Call:
    method: str
    path: str
    params: dict
    body: object


class FakeCluster:
    """Records requests; answers from ``routes`` ((METHOD, path regex) -> (status, body)
    or a callable taking the ``Call``). Bulk requests succeed item by item unless
    routed; unrouted HEAD requests answer 404, everything else ``acknowledged``."""

    def __init__(self):
        self.calls: list[Call] = []
        self.routes: dict[tuple[str, str], object] = {}

    def route(self, method, pattern, response):
        self.routes[(method, pattern)] = response

    def client(self) -> Elasticsearch:
        cluster = self

        class Node(BaseNode):
            def perform_request(self, method, target, body=None, headers=None, **kwargs):
                status, payload = cluster.handle(method, target, body)
                meta = ApiResponseMeta(
                    status=status, http_version="1.1", duration=0.0, node=self.config,
                    headers=HttpHeaders({"content-type": "application/json",
                                         "x-elastic-product": "Elasticsearch"}),
                )  # fmt: skip
                data = b"" if payload is None else json.dumps(payload).encode()
                return NodeApiResponse(meta, data)

        return Elasticsearch("http://es.invalid:9200", node_class=Node, max_retries=0)

    def handle(self, method, target, body):
        path, _, query = target.partition("?")
        text = body.decode() if body else ""
        if path.endswith("/_bulk"):
            parsed = [json.loads(line) for line in text.splitlines() if line]
        else:
            parsed = json.loads(text) if text else None
        call = Call(method, path, dict(parse_qsl(query)), parsed)
        self.calls.append(call)
        for (route_method, pattern), response in self.routes.items():
            if route_method == method and re.fullmatch(pattern, path):
                return response(call) if callable(response) else response
        if path.endswith("/_bulk"):
            return 200, bulk_ok(parsed)
        if method == "HEAD":
            return 404, None
        return 200, {"acknowledged": True}

    def paths(self):
        return [(c.method, c.path) for c in self.calls]


def bulk_ok(lines):
    """A bulk response with every item successful."""
    items, i = [], 0
    while i < len(lines):
        (op, meta), = lines[i].items()  # fmt: skip
        items.append({op: {"_index": meta["_index"], "_id": meta["_id"],
                           "status": 200 if op == "delete" else 201}})  # fmt: skip
        i += 1 if op == "delete" else 2
    return {"took": 1, "errors": False, "items": items}


@pytest.fixture
def es_settings(settings):
    settings.KOMMA_SEARCH = {"ELASTICSEARCH_URL": "http://es.invalid:9200",
                             "INDEX_PREFIX": "komma", "TIMEOUT": 2}  # fmt: skip
    return settings


@pytest.fixture
def cluster(es_settings):
    return FakeCluster()


@pytest.fixture
def backend(cluster):
    return ElasticsearchBackend(client=cluster.client())


def doc(object_id="1", **fields) -> IndexedDocument:
    values = {
        "doc_type": "pages.knowledgepage",
        "object_id": object_id,
        "title": "Beratungsstellen gegen Rassismus",
        "body": "Eine Beratungsstelle hilft bei rassistischer Diskriminierung.",
        "url": f"/wissen/seite-{object_id}/",
        "access": ("public",),
        "updated_at": datetime(2026, 1, 31, 12, 0, tzinfo=UTC),
        "topics": ("rassismus",),
        "module_areas": ("1", "2a"),
        "bundesland": "SN",
        "extra": {"date": "2026-03-01"},
    }
    values.update(fields)
    return IndexedDocument(**values)


# --- Index settings and mappings ----------------------------------------------------

EXPECTED_INDEX = {
    "settings": {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "analysis": {
            "analyzer": {
                "komma_german": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": [
                        "lowercase",
                        "komma_german_stop",
                        "german_normalization",
                        "asciifolding",
                        "komma_german_ismus",
                        "komma_german_stemmer",
                    ],
                },
                "komma_german_prefix": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "german_normalization", "asciifolding"],
                },
            },
            "filter": {
                "komma_german_stop": {"type": "stop", "stopwords": "_german_"},
                "komma_german_ismus": {
                    "type": "pattern_replace",
                    "pattern": "ism(us|en)$",
                    "replacement": "ist",
                },
                "komma_german_stemmer": {"type": "snowball", "language": "German"},
            },
        },
    },
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "key": {"type": "keyword"},
            "doc_type": {"type": "keyword"},
            "plugin": {"type": "keyword"},
            "object_id": {"type": "keyword"},
            "title": {
                "type": "text",
                "analyzer": "komma_german",
                "fields": {
                    "suggest": {"type": "search_as_you_type", "analyzer": "komma_german_prefix"}
                },
            },
            "body": {"type": "text", "analyzer": "komma_german", "index_options": "offsets"},
            "url": {"type": "keyword", "index": False, "doc_values": False},
            "access": {"type": "keyword"},
            "module_areas": {"type": "keyword"},
            "topics": {"type": "keyword"},
            "bundesland": {"type": "keyword"},
            "updated_at": {"type": "date"},
            # The installed document classes' ``extra_fields`` (forums' ThreadDocument);
            # other extra keys are stored, not indexed.
            "extra": {
                "type": "object",
                "dynamic": False,
                # forums: category, kind; toolbox: kind, situation, channel
                "properties": {
                    "category": {"type": "keyword"},
                    "kind": {"type": "keyword"},
                    "situation": {"type": "keyword"},
                    "channel": {"type": "keyword"},
                },
            },
        },
    },
}


def test_index_settings_and_mappings(es_settings):
    assert index_body() == EXPECTED_INDEX


class Event(SearchDocument):
    doc_type = "sample.event"
    extra_fields = {"starts": "date", "seats": "integer", "online": "boolean"}


class Material(SearchDocument):
    doc_type = "sample.material"
    extra_fields = {"format": "keyword", "summary": "text", "starts": "date"}


def test_without_declared_extra_fields_extra_is_stored_only(es_settings):
    body = index_body(classes=[])
    assert body["mappings"]["properties"]["extra"] == {"type": "object", "enabled": False}
    assert {**body, "mappings": {**body["mappings"], "properties": {
        **body["mappings"]["properties"], "extra": EXPECTED_INDEX["mappings"]["properties"]["extra"]
    }}} == EXPECTED_INDEX  # fmt: skip


def test_declared_extra_fields_are_mapped_with_their_types(es_settings):
    body = index_body(classes=[Event, Material, Event])
    assert body["mappings"]["properties"]["extra"] == {
        "type": "object",
        "dynamic": False,  # undeclared keys: kept in _source, not indexed
        "properties": {
            "format": {"type": "keyword"},
            "online": {"type": "boolean"},
            "seats": {"type": "integer", "ignore_malformed": True},
            "starts": {"type": "date", "ignore_malformed": True},
            "summary": {"type": "text", "analyzer": "komma_german"},
        },
    }
    assert body["settings"] == EXPECTED_INDEX["settings"]  # the German analyzer is defined
    assert body["mappings"]["dynamic"] == "strict"


def test_conflicting_extra_fields_are_a_configuration_error(es_settings):
    class Other(SearchDocument):
        doc_type = "sample.other"
        extra_fields = {"starts": "keyword"}

    with pytest.raises(ImproperlyConfigured, match=(
        r"extra\.starts: .*Event declares 'date', .*Other declares 'keyword'"
    )):  # fmt: skip
        index_body(classes=[Event, Other])


def test_unknown_extra_field_type_is_a_configuration_error(es_settings):
    class Odd(SearchDocument):
        doc_type = "sample.odd"
        extra_fields = {"where": "geo_point"}

    with pytest.raises(ImproperlyConfigured, match="unknown type 'geo_point'"):
        index_body(classes=[Odd])


def test_system_check_reports_conflicts(monkeypatch):
    from search import checks, indexing

    class Other(SearchDocument):
        doc_type = "sample.other"
        extra_fields = {"seats": "text"}

    assert checks.check_extra_fields() == []  # the installed classes agree
    monkeypatch.setattr(indexing, "all_document_classes", lambda: [Event, Other])
    (error,) = checks.check_extra_fields()
    assert error.id == "search.E001" and "extra.seats" in error.msg


def test_extra_values_are_sent_as_they_are(backend, cluster):
    cluster.route("HEAD", f"/_alias/{ALIAS}", (200, None))
    extra = {"category": "Beratung", "kind": "case", "note": "nur gespeichert"}
    backend.index([doc(extra=extra)])
    assert cluster.calls[1].body[1]["extra"] == extra


def test_replicas_are_configurable(es_settings):
    es_settings.KOMMA_SEARCH = {**es_settings.KOMMA_SEARCH, "REPLICAS": 1}
    assert index_body()["settings"]["number_of_replicas"] == 1


def test_alias_follows_the_prefix(es_settings, cluster):
    es_settings.KOMMA_SEARCH = {**es_settings.KOMMA_SEARCH, "INDEX_PREFIX": "staging"}
    assert ElasticsearchBackend(client=cluster.client()).alias == "staging-documents"


def test_client_uses_the_configured_timeout_without_retries():
    client = elastic.get_client("http://es.invalid:9200", 3)
    assert client._request_timeout == 3
    assert client._max_retries == 0
    assert client._retry_on_timeout is False
    assert elastic.get_client("http://es.invalid:9200", 3) is client  # one per process


def test_backend_takes_url_and_timeout_from_settings(es_settings):
    backend = ElasticsearchBackend()
    assert backend.client is elastic.get_client("http://es.invalid:9200", 2)
    assert backend.alias == ALIAS


# --- Queries ------------------------------------------------------------------------

FULL_QUERY = SearchQuery(
    text="Rassismus Beratung",
    tokens=frozenset({"public", "network", "municipality:7"}),
    plugins=frozenset({"core", "exchange"}),
    filters={"topic": ("rassismus", "bildung"), "bundesland": ("SN",)},
    scope=("pages.knowledgepage", "events.event"),
    page=2,
    per_page=20,
)

PERMISSION = [
    {"terms": {"access": ["municipality:7", "network", "public"]}},
    {"terms": {"plugin": ["core", "exchange"]}},
    {"terms": {"doc_type": ["events.event", "pages.knowledgepage"]}},
]
TOPIC = {"terms": {"topics": ["bildung", "rassismus"]}}
BUNDESLAND = {"terms": {"bundesland": ["SN"]}}


def facet_agg(field, *others):
    flt = {"bool": {"filter": list(others)}} if others else {"match_all": {}}
    return {"filter": flt, "aggs": {"values": {"terms": {"field": field, "size": 100}}}}


def test_search_body_with_text_facets_scope_and_page_two(backend):
    body = backend.build_search(FULL_QUERY).to_dict()
    assert body == {
        "query": {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": "Rassismus Beratung",
                            "fields": ["title^3", "body"],
                            "type": "cross_fields",
                            "operator": "and",
                        }
                    }
                ],
                "filter": PERMISSION,
            }
        },
        "post_filter": {"bool": {"filter": [TOPIC, BUNDESLAND]}},
        "aggs": {
            # each facet counts over the other facets' choices, not its own
            "type": facet_agg("doc_type", TOPIC, BUNDESLAND),
            "module_area": facet_agg("module_areas", TOPIC, BUNDESLAND),
            "topic": facet_agg("topics", BUNDESLAND),
            "bundesland": facet_agg("bundesland", TOPIC),
        },
        "from": 20,
        "size": 20,
        "track_total_hits": True,
        "_source": ["doc_type", "object_id", "title", "url", "extra"],
        "highlight": {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
            "fields": {
                "body": {"fragment_size": 200, "number_of_fragments": 1, "no_match_size": 200}
            },
        },
    }


def test_permission_filter_is_inside_the_query_not_only_a_post_filter(backend):
    body = backend.build_search(FULL_QUERY).to_dict()
    access = {"terms": {"access": ["municipality:7", "network", "public"]}}
    assert access in body["query"]["bool"]["filter"]
    assert access not in body["post_filter"]["bool"]["filter"]
    # the aggregations run on the query's result set, so facet counts are permitted too
    assert "aggs" in body and "query" in body


def test_search_body_without_text_or_filters(backend):
    query = SearchQuery(text="", tokens=frozenset({"public"}), plugins=frozenset({"core"}))
    assert backend.build_search(query).to_dict() == {
        "query": {
            "bool": {
                "must": [{"match_all": {}}],
                "filter": [
                    {"terms": {"access": ["public"]}},
                    {"terms": {"plugin": ["core"]}},
                ],
            }
        },
        "aggs": {
            "type": facet_agg("doc_type"),
            "module_area": facet_agg("module_areas"),
            "topic": facet_agg("topics"),
            "bundesland": facet_agg("bundesland"),
        },
        "from": 0,
        "size": 20,
        "track_total_hits": True,
        "_source": ["doc_type", "object_id", "title", "url", "extra"],
    }


def test_viewer_without_tokens_finds_nothing(backend):
    query = SearchQuery(text="x", tokens=frozenset(), plugins=frozenset({"core"}))
    assert {"terms": {"access": []}} in backend.build_search(query).to_dict()["query"]["bool"][
        "filter"
    ]


def test_unknown_or_empty_facets_are_ignored(backend):
    query = SearchQuery(text="x", tokens=frozenset({"public"}), plugins=frozenset({"core"}),
                        filters={"colour": ("red",), "topic": ()})  # fmt: skip
    assert "post_filter" not in backend.build_search(query).to_dict()


def test_pages_beyond_the_result_window_ask_for_no_hits(backend):
    query = SearchQuery(text="x", tokens=frozenset({"public"}), plugins=frozenset({"core"}),
                        page=600, per_page=20)  # fmt: skip
    body = backend.build_search(query).to_dict()
    assert (body["from"], body["size"]) == (0, 0)


SEARCH_RESPONSE = {
    "took": 3,
    "timed_out": False,
    "hits": {
        "total": {"value": 21, "relation": "eq"},
        "max_score": 4.2,
        "hits": [{
            "_index": "komma-documents-20260131-120000-000000",
            "_id": "pages.knowledgepage:1",
            "_score": 4.2,
            "_source": {"doc_type": "pages.knowledgepage", "object_id": "1",
                        "title": "Beratung <gegen> Rassismus", "url": "/wissen/a/",
                        "extra": {"date": "2026-03-01"}},
            "highlight": {"body": ["Hilfe bei <mark>Rassismus</mark> &amp; &lt;b&gt;"]},
        }, {
            "_index": "komma-documents-20260131-120000-000000",
            "_id": "events.event:2",
            "_score": 1.5,
            "_source": {"doc_type": "events.event", "object_id": "2", "title": "Schulung",
                        "url": "/termine/2/", "extra": {}},
        }],
    },
    "aggregations": {
        "type": {"doc_count": 21, "values": {"buckets": [
            {"key": "pages.knowledgepage", "doc_count": 20},
            {"key": "events.event", "doc_count": 1}]}},
        "module_area": {"doc_count": 21, "values": {"buckets": [{"key": "1", "doc_count": 3}]}},
        "topic": {"doc_count": 30, "values": {"buckets": [{"key": "rassismus", "doc_count": 9}]}},
        "bundesland": {"doc_count": 21, "values": {"buckets": []}},
    },
}  # fmt: skip


def test_search_maps_hits_and_facets(backend, cluster):
    cluster.route("POST", f"/{ALIAS}/_search", (200, SEARCH_RESPONSE))
    results = backend.search(FULL_QUERY)
    (call,) = cluster.calls
    assert (call.method, call.path) == ("POST", f"/{ALIAS}/_search")
    assert call.body == backend.build_search(FULL_QUERY).to_dict()
    assert results.backend == "elasticsearch"
    assert (results.total, results.page, results.per_page, results.pages) == (21, 2, 20, 2)
    first, second = results.hits
    assert first.doc_type == "pages.knowledgepage" and first.object_id == "1"
    assert first.title == "Beratung <gegen> Rassismus"  # plain text: the template escapes it
    assert first.url == "/wissen/a/"
    assert first.snippet == "Hilfe bei <mark>Rassismus</mark> &amp; &lt;b&gt;"
    assert first.score == 4.2
    assert first.extra == {"date": "2026-03-01"}
    assert second.snippet == "" and second.extra == {}
    assert results.facets == {
        "type": {"pages.knowledgepage": 20, "events.event": 1},
        "module_area": {"1": 3},
        "topic": {"rassismus": 9},
        "bundesland": {},
    }


def test_search_errors_raise_for_the_fallback(backend, cluster):
    cluster.route("POST", f"/{ALIAS}/_search", NOT_FOUND)
    with pytest.raises(Exception):  # noqa: B017 - any error; the service falls back
        backend.search(FULL_QUERY)


def test_snippets_are_never_raw_html():
    assert safe_snippet("a <mark>b</mark> &lt;i&gt;") == "a <mark>b</mark> &lt;i&gt;"
    # should the encoder ever be missing, nothing but <mark> may pass as markup
    assert safe_snippet("<mark>x</mark><script>y</script>") == "x&lt;script&gt;y&lt;/script&gt;"


def test_suggest_body(backend):
    body = backend.build_suggest("Berat", frozenset({"public", "network"}),
                                 frozenset({"core"}), 5).to_dict()  # fmt: skip
    assert body == {
        "query": {"bool": {
            "must": [{"multi_match": {
                "query": "Berat", "type": "bool_prefix",
                "fields": ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"],
            }}],
            "filter": [{"terms": {"access": ["network", "public"]}},
                       {"terms": {"plugin": ["core"]}}],
        }},
        "size": 5,
        "_source": ["doc_type", "title", "url"],
    }  # fmt: skip


def test_suggest_maps_hits(backend, cluster):
    cluster.route("POST", f"/{ALIAS}/_search", (200, {"hits": {
        "total": {"value": 1, "relation": "eq"},
        "hits": [{"_id": "pages.knowledgepage:1", "_score": 1.0, "_source": {
            "doc_type": "pages.knowledgepage", "title": "Beratungsstellen", "url": "/w/b/"}}],
    }}))  # fmt: skip
    (suggestion,) = backend.suggest(" Berat ", frozenset({"public"}), frozenset({"core"}), 5)
    assert (suggestion.title, suggestion.url, suggestion.doc_type) == (
        "Beratungsstellen", "/w/b/", "pages.knowledgepage")  # fmt: skip
    assert cluster.calls[0].body["query"]["bool"]["must"][0]["multi_match"]["query"] == "Berat"


def test_suggest_without_text_sends_nothing(backend, cluster):
    assert backend.suggest("  ", frozenset({"public"}), frozenset({"core"})) == []
    assert cluster.calls == []


# --- Writing ------------------------------------------------------------------------


def test_source_of_a_document():
    assert to_source(doc(bundesland="")) == {
        "key": "pages.knowledgepage:1",
        "doc_type": "pages.knowledgepage",
        "plugin": "core",
        "object_id": "1",
        "title": "Beratungsstellen gegen Rassismus",
        "body": "Eine Beratungsstelle hilft bei rassistischer Diskriminierung.",
        "url": "/wissen/seite-1/",
        "access": ["public"],
        "module_areas": ["1", "2a"],
        "topics": ["rassismus"],
        "bundesland": None,  # no empty bucket in the Bundesland facet
        "updated_at": "2026-01-31T12:00:00+00:00",
        "extra": {"date": "2026-03-01"},
    }


def test_index_sends_bulk_actions_to_the_alias(backend, cluster):
    cluster.route("HEAD", f"/_alias/{ALIAS}", (200, None))
    documents = [doc("1"), doc("2", access=("network", "model"), bundesland="")]
    assert backend.index(documents) == 2
    assert cluster.paths() == [("HEAD", f"/_alias/{ALIAS}"), ("PUT", "/_bulk")]
    bulk = cluster.calls[1]
    assert bulk.params == {"require_alias": "true"}  # never auto-creates an unmapped index
    assert bulk.body == [
        {"index": {"_index": ALIAS, "_id": "pages.knowledgepage:1"}},
        to_source(documents[0]),
        {"index": {"_index": ALIAS, "_id": "pages.knowledgepage:2"}},
        to_source(documents[1]),
    ]


def test_index_creates_index_and_alias_when_missing(backend, cluster):
    assert backend.index([doc()]) == 1
    assert [m for m, _ in cluster.paths()] == ["HEAD", "PUT", "PUT"]
    create = cluster.calls[1]
    assert NEW_INDEX.fullmatch(create.path)
    assert create.body == {**EXPECTED_INDEX, "aliases": {ALIAS: {}}}
    assert cluster.calls[2].path == "/_bulk"


def test_index_nothing_sends_nothing(backend, cluster):
    assert backend.index([]) == 0
    assert backend.delete([]) == 0
    assert cluster.calls == []


def test_delete_sends_bulk_deletes_and_ignores_missing(backend, cluster):
    def answer(call):
        return 200, {"took": 1, "errors": True, "items": [
            {"delete": {"_index": ALIAS, "_id": "a:1", "status": 200, "result": "deleted"}},
            {"delete": {"_index": ALIAS, "_id": "a:2", "status": 404, "result": "not_found"}},
        ]}  # fmt: skip

    cluster.route("PUT", "/_bulk", answer)
    assert backend.delete(["a:1", "a:2"]) == 1
    assert cluster.calls[0].body == [
        {"delete": {"_index": ALIAS, "_id": "a:1"}},
        {"delete": {"_index": ALIAS, "_id": "a:2"}},
    ]


def test_failed_bulk_items_raise(backend, cluster):
    cluster.route("HEAD", f"/_alias/{ALIAS}", (200, None))
    cluster.route("PUT", "/_bulk", (200, {"took": 1, "errors": True, "items": [
        {"index": {"_index": ALIAS, "_id": "pages.knowledgepage:1", "status": 400,
                   "error": {"type": "strict_dynamic_mapping_exception"}}}]}))  # fmt: skip
    with pytest.raises(BulkIndexError):
        backend.index([doc()])


def test_count(backend, cluster):
    cluster.route("POST", f"/{ALIAS}/_count", (200, {"count": 42}))
    assert backend.count() == 42


def test_count_without_index_is_zero(backend, cluster):
    cluster.route("POST", f"/{ALIAS}/_count", NOT_FOUND)
    assert backend.count() == 0


def test_counts_by_type(backend, cluster):
    cluster.route("POST", f"/{ALIAS}/_search", (200, {
        "hits": {"total": {"value": 3, "relation": "eq"}, "hits": []},
        "aggregations": {"types": {"buckets": [
            {"key": "pages.knowledgepage", "doc_count": 2}, {"key": "events.event", "doc_count": 1},
        ]}},
    }))  # fmt: skip
    assert backend.counts_by_type() == {"pages.knowledgepage": 2, "events.event": 1}
    assert cluster.calls[0].body == {
        "aggs": {"types": {"terms": {"field": "doc_type", "size": 100}}},
        "size": 0,
    }


def test_counts_by_type_without_index(backend, cluster):
    cluster.route("POST", f"/{ALIAS}/_search", NOT_FOUND)
    assert backend.counts_by_type() == {}


# --- Rebuild: zero downtime behind the alias ------------------------------------------


def test_rebuild_fills_a_new_index_and_switches_the_alias(backend, cluster):
    old = "komma-documents-20250101-000000-000000"
    broken_off = "komma-documents-20250601-000000-000000"  # an earlier rebuild that failed
    cluster.route("GET", f"/_alias/{ALIAS}", (200, {old: {"aliases": {ALIAS: {}}}}))
    cluster.route("GET", f"/{ALIAS}-\\*", lambda call: (200, {
        old: {}, broken_off: {}, created_index(cluster): {}}))  # fmt: skip
    progress = []
    documents = (doc(str(n)) for n in range(1203))
    assert backend.rebuild(documents, progress=progress.append) == 1203
    new = created_index(cluster)
    assert [(m, p.replace(new, "NEW")) for m, p in cluster.paths()] == [
        ("PUT", "/NEW"),
        ("PUT", "/_bulk"), ("PUT", "/_bulk"), ("PUT", "/_bulk"),
        ("POST", "/NEW/_refresh"),
        ("GET", f"/_alias/{ALIAS}"),
        ("POST", "/_aliases"),
        ("GET", f"/{ALIAS}-*"),
        ("DELETE", f"/{old},{broken_off}"),  # the old index and the leftover
    ]  # fmt: skip
    assert cluster.calls[7].params == {"expand_wildcards": "open,closed"}
    assert cluster.calls[0].body == EXPECTED_INDEX  # no alias until it is full
    first_bulk = cluster.calls[1].body
    assert first_bulk[0] == {"index": {"_index": new, "_id": "pages.knowledgepage:0"}}
    assert len(first_bulk) == 2 * 500
    # one atomic request: the alias leaves the old index and points at the new one
    assert cluster.calls[6].body == {"actions": [
        {"remove": {"index": old, "alias": ALIAS}},
        {"add": {"index": new, "alias": ALIAS}},
    ]}  # fmt: skip
    assert progress == [500, 1000, 1203]  # written so far, after each chunk


def created_index(cluster) -> str:
    return next(c.path.lstrip("/") for c in cluster.calls if NEW_INDEX.fullmatch(c.path))


def test_first_rebuild_just_adds_the_alias(backend, cluster):
    cluster.route("GET", f"/_alias/{ALIAS}",
                  (404, {"error": "alias [komma-documents] missing", "status": 404}))  # fmt: skip
    cluster.route("GET", f"/{ALIAS}-\\*", lambda call: (200, {created_index(cluster): {}}))
    assert backend.rebuild([doc()]) == 1
    aliases = next(c for c in cluster.calls if c.path == "/_aliases")
    assert aliases.body == {"actions": [{"add": {"index": created_index(cluster), "alias": ALIAS}}]}
    assert "DELETE" not in [m for m, _ in cluster.paths()]


def test_failed_rebuild_leaves_the_alias_alone(backend, cluster):
    cluster.route("PUT", "/_bulk", (500, {"error": {"type": "boom"}, "status": 500}))
    with pytest.raises(Exception):  # noqa: B017
        backend.rebuild([doc()])
    assert ("POST", "/_aliases") not in cluster.paths()
    assert cluster.calls[-1].method == "DELETE"  # the half-built index goes
    assert NEW_INDEX.fullmatch(cluster.calls[-1].path)


def test_ensure_index_does_nothing_when_the_alias_exists(backend, cluster):
    cluster.route("HEAD", f"/_alias/{ALIAS}", (200, None))
    assert backend.ensure_index() is False
    assert cluster.paths() == [("HEAD", f"/_alias/{ALIAS}")]
