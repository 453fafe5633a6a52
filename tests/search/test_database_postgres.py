"""PostgreSQL specifics of the database backend: German full-text search with the
stored vector and its GIN index, web-search syntax, headlines. Skipped on SQLite
(a failure in CI, which runs on PostgreSQL)."""

import pytest
from django.db import connection

from search.backends.database import ParsedText, StoredVector, pg_query
from search.models import SearchEntry

from .conftest import make_query

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def corpus(db_backend, make_doc):
    db_backend.index(
        [
            make_doc(1, "Vorfälle melden", "Gegen rassistische Beleidigungen im Verein."),
            make_doc(2, "Rassismus erkennen", "Eine Einführung für Trainerinnen."),
            make_doc(3, "Hilfe vor Ort", "Die Beratungsstelle berät kostenlos."),
            make_doc(4, "Wohnen", "Neue Häuser für Familien."),
            make_doc(5, "Rassistische Sprüche im Stadion", "Was der Verein tun kann."),
        ]
    )
    return db_backend


def ids(results):
    return sorted(hit.object_id for hit in results.hits)


def test_german_stemming(corpus):
    assert ids(corpus.search(make_query("Rassismus"))) == ["1", "2", "5"]
    assert ids(corpus.search(make_query("Beratungsstellen"))) == ["3"]
    assert ids(corpus.search(make_query("Haus"))) == ["4"]  # Häuser: stem and umlaut
    assert ids(corpus.search(make_query("Familie"))) == ["4"]


def test_german_stemming_alone_does_not_join_rassismus_and_rassistisch():
    """Why the backend adds the family prefix: the stems differ."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('german', 'Rassismus rassistische')::text")
        assert cursor.fetchone()[0] == "'rassismus':1 'rassist':2"


def test_websearch_syntax(corpus):
    assert ids(corpus.search(make_query('"rassistische Beleidigungen"'))) == ["1"]
    assert ids(corpus.search(make_query("rassistische -Stadion"))) == ["1"]
    assert ids(corpus.search(make_query("Beratungsstelle or Häuser"))) == ["3", "4"]


def test_title_weighted_above_body(corpus):
    results = corpus.search(make_query("rassistische"))
    assert results.hits[0].object_id == "5"  # in the title; 1 has it in the body only


def test_headline_marks_stemmed_forms(corpus):
    hit = corpus.search(make_query("Beratungsstellen")).hits[0]
    assert "<mark>Beratungsstelle</mark>" in hit.snippet
    hit = corpus.search(make_query("Rassismus", scope=("pages.articlepage",)))
    snippets = {h.object_id: h.snippet for h in hit.hits}
    assert "<mark>rassistische</mark>" in snippets["1"]


def test_forged_markers_in_text_do_not_become_tags(db_backend, make_doc):
    db_backend.index([make_doc(1, "Titel", "Teilhabe \ue000böse\ue001 &lt;b&gt; Ende")])
    snippet = db_backend.search(make_query("Teilhabe")).hits[0].snippet
    assert snippet.count("<mark>") == 1
    assert "&amp;lt;b&amp;gt;" in snippet


def test_stored_vector_and_gin_index_are_used(corpus):
    """The match runs on the stored column through its GIN index."""
    tsquery = pg_query(ParsedText("Beratungsstellen"), "Beratungsstellen")
    entries = SearchEntry.objects.alias(vector=StoredVector()).filter(vector=tsquery)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = entries.explain()
    assert "search_entry_vector_gin" in plan
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_entry_vector_gin'"
        )
        assert "gin (search_vector)" in cursor.fetchone()[0]
