"""Against a real Elasticsearch: run only when ELASTICSEARCH_URL is set, e.g. with the
compose service (see README, "Elasticsearch"):

    ELASTICSEARCH_URL=http://127.0.0.1:9200 make test PYTEST_ARGS=tests/search

Every test works in its own index prefix (``komma-test-<random>``) and deletes its
indices afterwards, so a development index is never touched.
"""

import os
import uuid
from datetime import UTC, datetime

import pytest

from search import health, service
from search.backends.elastic import ElasticsearchBackend
from search.documents import IndexedDocument
from search.query import SearchQuery

LIVE_URL = os.environ.get("ELASTICSEARCH_URL", "")
pytestmark = pytest.mark.skipif(not LIVE_URL, reason="ELASTICSEARCH_URL not set (live test)")

PUBLIC = frozenset({"public"})
MEMBER = frozenset({"public", "network"})
MODEL = frozenset({"public", "network", "model"})
CORE = frozenset({"core"})


def doc(object_id, title, body, access=("public",), **fields):
    return IndexedDocument(
        doc_type=fields.pop("doc_type", "pages.knowledgepage"), object_id=object_id,
        title=title, body=body, url=f"/wissen/{object_id}/", access=access,
        updated_at=datetime(2026, 1, 31, tzinfo=UTC), **fields,
    )  # fmt: skip


DOCUMENTS = [
    doc("beratung", "Beratungsstelle in Leipzig",
        "Hilfe bei rassistischer Diskriminierung, vertraulich und kostenlos.",
        topics=("rassismus",), module_areas=("1",), bundesland="SN"),
    doc("maedchen", "Mädchenarbeit und Straßensozialarbeit",
        "Angebote für junge Menschen im ländlichen Raum.", access=("network",),
        topics=("jugend",), module_areas=("2",), bundesland="BY"),
    doc("geheim", "Interner Bericht", "Das Geheimwortzebra steht nur hier.", access=("model",),
        topics=("rassismus",), bundesland="SN"),
    doc("forum", "Rassismus im Forum", "Ein Faden über Rassismus.", plugin="exchange",
        doc_type="exchange.thread"),
    doc("escape", "Sicherheit", "<script>alert(1)</script> Rassismus & Recht",
        topics=("recht",), bundesland="SN"),
    doc("termin", "Schulung Rassismuskritik", "Eine Schulung zu Rassismus in Behörden.",
        doc_type="events.event", topics=("rassismus",), bundesland="BE"),
]  # fmt: skip


@pytest.fixture
def live(settings):
    prefix = f"komma-test-{uuid.uuid4().hex[:8]}"
    settings.KOMMA_SEARCH = {**settings.KOMMA_SEARCH, "ELASTICSEARCH_URL": LIVE_URL,
                             "INDEX_PREFIX": prefix, "TIMEOUT": 10}  # fmt: skip
    backend = ElasticsearchBackend()
    yield backend
    client = backend.client.options(ignore_status=404)
    names = list(client.indices.get(index=f"{backend.alias}-*").body)
    if names:
        client.indices.delete(index=",".join(names))


@pytest.fixture
def filled(live):
    assert live.rebuild(DOCUMENTS) == len(DOCUMENTS)
    return live


def find(backend, text, tokens=PUBLIC, plugins=CORE, **kwargs):
    return backend.search(SearchQuery(text=text, tokens=tokens, plugins=plugins, **kwargs))


def ids(results):
    return sorted(hit.object_id for hit in results.hits)


def test_rebuild_fills_the_index_behind_the_alias(filled):
    assert filled.count() == len(DOCUMENTS)
    behind = list(filled.client.indices.get_alias(name=filled.alias).body)
    assert len(behind) == 1 and behind[0].startswith(f"{filled.alias}-")
    assert filled.counts_by_type() == {
        "pages.knowledgepage": 4, "exchange.thread": 1, "events.event": 1,
    }  # fmt: skip


def test_second_rebuild_switches_the_alias_and_drops_the_old_index(filled):
    (old,) = filled.client.indices.get_alias(name=filled.alias).body
    assert filled.rebuild(DOCUMENTS[:2]) == 2
    (new,) = filled.client.indices.get_alias(name=filled.alias).body
    assert new != old
    assert not filled.client.indices.exists(index=old)
    assert filled.count() == 2


def test_german_stemming(filled):
    assert "beratung" in ids(find(filled, "Rassismus"))  # finds "rassistischer"
    assert ids(find(filled, "Beratungsstellen")) == ["beratung"]
    assert ids(find(filled, "rassistisch")) == ids(find(filled, "Rassismus"))


def test_umlauts_and_sharp_s(filled):
    for text in ("Mädchenarbeit", "Maedchenarbeit", "madchenarbeit", "Strassensozialarbeit"):
        assert ids(find(filled, text, tokens=MEMBER)) == ["maedchen"], text


def test_every_word_must_occur(filled):
    assert ids(find(filled, "Rassismus Leipzig")) == ["beratung"]  # title + body
    assert ids(find(filled, "Rassismus Hamburg")) == []


def test_access_is_filtered_inside_the_query_including_facets(filled):
    hidden = find(filled, "Geheimwortzebra", tokens=MEMBER)
    assert hidden.total == 0 and hidden.hits == []
    assert all(counts == {} for counts in hidden.facets.values())
    assert ids(find(filled, "Geheimwortzebra", tokens=MODEL)) == ["geheim"]
    everything = find(filled, "", tokens=PUBLIC)
    assert "geheim" not in ids(everything) and "maedchen" not in ids(everything)
    assert everything.facets["bundesland"] == {"SN": 2, "BE": 1}


def test_switched_off_plugins_are_not_searched(filled):
    assert "forum" not in ids(find(filled, "Rassismus"))
    assert "forum" in ids(find(filled, "Rassismus", plugins=frozenset({"core", "exchange"})))


def test_facets_count_over_the_other_facets_choices(filled):
    results = find(filled, "Rassismus", filters={"bundesland": ("SN",)})
    assert ids(results) == ["beratung", "escape"]
    # the Bundesland facet still offers Berlin (what choosing it would add) ...
    assert results.facets["bundesland"] == {"SN": 2, "BE": 1}
    # ... while the other facets count within Saxony
    assert results.facets["type"] == {"pages.knowledgepage": 2}
    assert results.facets["topic"] == {"rassismus": 1, "recht": 1}


def test_scope(filled):
    results = find(filled, "Rassismus", scope=("events.event",))
    assert ids(results) == ["termin"]
    assert results.facets["type"] == {"events.event": 1}


def test_snippets_are_escaped_and_highlighted(filled):
    (hit,) = [h for h in find(filled, "Rassismus").hits if h.object_id == "escape"]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>Rassismus</mark>" in hit.snippet


def test_pagination(filled):
    first = find(filled, "Rassismus", per_page=1)
    second = find(filled, "Rassismus", per_page=1, page=2)
    assert first.total == second.total == 3
    assert first.hits[0].object_id != second.hits[0].object_id


def test_suggestions(filled):
    suggestions = filled.suggest("Berat", PUBLIC, CORE)
    assert [s.url for s in suggestions] == ["/wissen/beratung/"]
    assert filled.suggest("Mädchenar", PUBLIC, CORE) == []  # network only
    assert [s.title for s in filled.suggest("Maedchenar", MEMBER, CORE)] == [
        "Mädchenarbeit und Straßensozialarbeit"
    ]
    assert filled.suggest("Interner Ber", MEMBER, CORE) == []


def test_incremental_index_and_delete(filled):
    added = doc("neu", "Neue Quokkaseite", "Frisch hinzugefügt.")
    assert filled.index([added]) == 1
    filled.client.indices.refresh(index=filled.alias)
    assert ids(find(filled, "Quokkaseite")) == ["neu"]
    assert filled.delete([added.key, "pages.knowledgepage:missing"]) == 1
    filled.client.indices.refresh(index=filled.alias)
    assert ids(find(filled, "Quokkaseite")) == []


def test_index_creates_the_index_when_missing(live):
    assert live.index([DOCUMENTS[0]]) == 1
    assert live.index_exists()


def test_service_and_health_use_elasticsearch(filled):
    results = service.search(SearchQuery(text="Rassismus", tokens=PUBLIC, plugins=CORE))
    assert results.backend == "elasticsearch"
    assert health.search_status() == {"backend": "elasticsearch", "ok": True, "breaker": "closed"}
