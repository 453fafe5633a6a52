"""The database backend on the database the run uses (SQLite locally, PostgreSQL in
CI): matching, ranking, facets, permission filtering, snippets, suggestions."""

import re

import pytest

from search.models import SearchEntry, SearchEntryFacet, SearchEntryToken

from .conftest import make_query

pytestmark = pytest.mark.django_db


def keys(results):
    return [f"{hit.doc_type}:{hit.object_id}" for hit in results.hits]


def ids(results):
    return [hit.object_id for hit in results.hits]


# --- writing ---------------------------------------------------------------------


def test_index_replace_delete_and_count(db_backend, make_doc):
    written = db_backend.index(
        [make_doc(1, "Erste Seite", topics=("bildung",)), make_doc(2, "Zweite Seite")]
    )
    assert written == 2
    assert db_backend.count() == 2
    # Writing a key again replaces its entry, tokens and facet values.
    db_backend.index([make_doc(1, "Erste Seite neu", access=("model",), topics=("arbeit",))])
    assert db_backend.count() == 2
    entry = SearchEntry.objects.get(key="pages.articlepage:1")
    assert entry.title == "Erste Seite neu"
    assert set(entry.tokens.values_list("token", flat=True)) == {"model"}
    assert set(entry.facets.values_list("facet", "value")) == {
        ("type", "pages.articlepage"),
        ("topic", "arbeit"),
    }
    assert db_backend.delete(["pages.articlepage:1", "pages.articlepage:404"]) == 1
    assert db_backend.count() == 1
    assert not SearchEntryToken.objects.filter(entry__key="pages.articlepage:1").exists()
    assert not SearchEntryFacet.objects.filter(entry__key="pages.articlepage:1").exists()


def test_rebuild_replaces_everything(db_backend, make_doc):
    db_backend.index([make_doc(1, "Alt"), make_doc(2, "Auch alt")])
    seen = []
    written = db_backend.rebuild((make_doc(n, f"Neu {n}") for n in range(3, 6)), seen.append)
    assert written == 3
    assert seen[-1] == 3
    assert sorted(SearchEntry.objects.values_list("object_id", flat=True)) == ["3", "4", "5"]
    assert db_backend.counts_by_type() == {"pages.articlepage": 3}


def test_nul_bytes_and_markers_are_stripped(db_backend, make_doc):
    db_backend.index([make_doc(1, "Titel\x00 mit\ue000Null", "Text\ue001 mit\x00 Null")])
    entry = SearchEntry.objects.get()
    assert entry.title == "Titel mitNull"
    assert entry.body == "Text mit Null"


# --- matching ---------------------------------------------------------------------


def test_words_match_case_insensitively_in_title_and_body(db_backend, make_doc):
    db_backend.index(
        [
            make_doc(1, "Elternarbeit in der Kita", "Gespräche mit Familien"),
            make_doc(2, "Sportverein", "Eltern helfen beim Training"),
            make_doc(3, "Bibliothek", "Lesungen für Kinder"),
        ]
    )
    assert sorted(ids(db_backend.search(make_query("ELTERN")))) == ["1", "2"]
    # Every word must match.
    assert ids(db_backend.search(make_query("Eltern Training"))) == ["2"]
    assert ids(db_backend.search(make_query("Familien"))) == ["1"]
    assert db_backend.search(make_query("Schwimmbad")).total == 0


def test_umlauts_match(db_backend, make_doc):
    db_backend.index([make_doc(1, "Öffentliche Gespräche", "Für alle Bürgerinnen")])
    assert ids(db_backend.search(make_query("öffentliche"))) == ["1"]
    assert ids(db_backend.search(make_query("BÜRGERINNEN"))) == ["1"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Rassismus", {"1", "2"}),
        ("rassistische", {"1", "2"}),
        ("Beratungsstellen", {"3"}),
        ("Beratungsstelle", {"3"}),
    ],
)
def test_german_word_forms(db_backend, make_doc, text, found):
    """The issue's examples, on either database."""
    db_backend.index(
        [
            make_doc(1, "Vorfälle melden", "Gegen rassistische Beleidigungen im Verein"),
            make_doc(2, "Rassismus erkennen", "Eine Einführung"),
            make_doc(3, "Hilfe vor Ort", "Die Beratungsstelle berät kostenlos"),
            make_doc(4, "Rasse und Zucht", "Hunde im Tierheim"),
        ]
    )
    assert set(ids(db_backend.search(make_query(text)))) == found


def test_title_match_ranks_above_body_match(db_backend, make_doc):
    db_backend.index(
        [
            make_doc(
                1,
                "Bericht aus der Verwaltung",
                "Im Ehrenamt engagieren sich viele. Ehrenamt braucht Zeit. "
                "Das Ehrenamt wird gefördert.",
            ),
            make_doc(2, "Ehrenamt stärken", "Ein Leitfaden für Kommunen."),
        ]
    )
    results = db_backend.search(make_query("Ehrenamt"))
    assert ids(results) == ["2", "1"]
    assert results.hits[0].score > results.hits[1].score


def test_query_of_only_punctuation_finds_nothing(db_backend, make_doc):
    db_backend.index([make_doc(1, "Etwas", "Text")])
    results = db_backend.search(make_query("?!"))
    assert results.total == 0
    assert results.hits == []


def test_sql_wildcards_in_the_text_are_literal(db_backend, make_doc):
    db_backend.index([make_doc(1, "Hundert Prozent", "ganz")])
    assert db_backend.search(make_query("%")).total == 0
    assert db_backend.search(make_query("_")).total == 0


# --- permission, plugin and scope filtering ---------------------------------------------


@pytest.fixture
def mixed(db_backend, make_doc):
    db_backend.index(
        [
            make_doc(1, "Öffentlicher Leitfaden Teilhabe", access=("public",), topics=("a",)),
            make_doc(2, "Netzwerk Teilhabe intern", access=("network",), topics=("a",)),
            make_doc(
                3,
                "Modellkommune Teilhabe geheim",
                access=("model",),
                topics=("geheimthema",),
                bundesland="SN",
                doc_type="pages.goodpracticepage",
            ),
            make_doc(4, "Kommune Teilhabe privat", access=("municipality:7",), topics=("a",)),
            make_doc(5, "Beispiel Teilhabe", plugin="sample", doc_type="sample_plugin.item"),
        ]
    )
    return db_backend


def test_viewer_finds_only_documents_with_one_of_their_tokens(mixed):
    results = mixed.search(make_query("Teilhabe", tokens={"public", "network"}))
    assert sorted(ids(results)) == ["1", "2", "5"]
    assert results.total == 3
    # Nothing of the model document in facets either.
    assert "pages.goodpracticepage" not in results.facets["type"]
    assert "geheimthema" not in results.facets["topic"]
    assert results.facets["bundesland"] == {}
    anonymous = mixed.search(make_query("Teilhabe", tokens={"public"}))
    assert sorted(ids(anonymous)) == ["1", "5"]
    member = mixed.search(make_query("Teilhabe", tokens={"public", "municipality:7"}))
    assert sorted(ids(member)) == ["1", "4", "5"]
    model = mixed.search(make_query("geheim", tokens={"public", "network", "model"}))
    assert ids(model) == ["3"]
    assert model.facets["bundesland"] == {"SN": 1}


def test_no_tokens_or_no_plugins_find_nothing(mixed):
    assert mixed.search(make_query("Teilhabe", tokens=set())).total == 0
    assert mixed.search(make_query("Teilhabe", plugins=set())).total == 0
    assert mixed.search(make_query("", tokens=set())).total == 0


def test_switched_off_plugins_documents_are_not_found(mixed):
    results = mixed.search(make_query("Teilhabe", plugins={"core"}))
    assert "5" not in ids(results)
    assert "sample_plugin.item" not in results.facets["type"]


def test_scope_limits_doc_types(mixed):
    results = mixed.search(make_query("Teilhabe", scope=("sample_plugin.item",)))
    assert ids(results) == ["5"]
    assert results.facets["type"] == {"sample_plugin.item": 1}


def test_suggestions_are_permission_filtered(mixed):
    suggestions = mixed.suggest("Modell", frozenset({"public", "network"}), frozenset({"core"}))
    assert suggestions == []
    allowed = mixed.suggest("Modell", frozenset({"model"}), frozenset({"core"}))
    assert [s.title for s in allowed] == ["Modellkommune Teilhabe geheim"]
    assert allowed[0].url == "/wissen/3/"


def test_suggestions_prefer_title_starts_and_match_word_prefixes(db_backend, make_doc):
    db_backend.index(
        [
            make_doc(1, "Gute Beratung vor Ort"),
            make_doc(2, "Beratung für Vereine"),
            make_doc(3, "Unberaten"),
            make_doc(4, "Anti-Beratungsmodell"),
        ]
    )
    titles = [s.title for s in db_backend.suggest("bera", {"public"}, {"core"})]
    assert titles[0] == "Beratung für Vereine"
    assert set(titles) == {"Beratung für Vereine", "Gute Beratung vor Ort", "Anti-Beratungsmodell"}
    assert db_backend.suggest("b", {"public"}, {"core"}) == []
    assert len(db_backend.suggest("bera", {"public"}, {"core"}, limit=1)) == 1


# --- facets ---------------------------------------------------------------------------


@pytest.fixture
def faceted(db_backend, make_doc):
    article, practice = "pages.articlepage", "pages.goodpracticepage"
    db_backend.index(
        [
            make_doc(1, "Schule A", doc_type=article, topics=("bildung",), module_areas=("1",)),
            make_doc(2, "Schule B", doc_type=article, topics=("bildung", "sport")),
            make_doc(3, "Schule C", doc_type=practice, topics=("sport",), bundesland="SN"),
            make_doc(4, "Schule D", doc_type=practice, topics=("bildung",), bundesland="BY"),
            make_doc(5, "Kita E", doc_type=practice, topics=("bildung",), bundesland="SN"),
        ]
    )
    return db_backend


def test_facet_counts_without_filters(faceted):
    results = faceted.search(make_query("Schule"))
    assert results.total == 4
    assert results.facets["type"] == {"pages.articlepage": 2, "pages.goodpracticepage": 2}
    assert results.facets["topic"] == {"bildung": 3, "sport": 2}
    assert results.facets["bundesland"] == {"BY": 1, "SN": 1}
    assert results.facets["module_area"] == {"1": 1}


def test_facet_counts_use_the_other_facets_filters(faceted):
    results = faceted.search(
        make_query("Schule", filters={"type": ("pages.goodpracticepage",), "topic": ("sport",)})
    )
    assert ids(results) == ["3"]
    assert results.total == 1
    # "type" is counted under the topic filter only, "topic" under the type filter only.
    assert results.facets["type"] == {"pages.articlepage": 1, "pages.goodpracticepage": 1}
    assert results.facets["topic"] == {"bildung": 1, "sport": 1}
    # Unfiltered facets under both filters.
    assert results.facets["bundesland"] == {"SN": 1}


def test_values_of_one_facet_are_alternatives(faceted):
    results = faceted.search(make_query("", filters={"bundesland": ("SN", "BY")}))
    assert sorted(ids(results)) == ["3", "4", "5"]
    assert results.facets["bundesland"] == {"SN": 2, "BY": 1}


def test_empty_text_with_filters_lists_newest_first(faceted):
    results = faceted.search(make_query("", filters={"topic": ("bildung",)}))
    assert ids(results) == ["5", "4", "2", "1"]
    assert all(hit.score == 0 for hit in results.hits)


def test_pagination(db_backend, make_doc):
    db_backend.index([make_doc(n, f"Seite {n}", "Projekt") for n in range(1, 8)])
    first = db_backend.search(make_query("Projekt", per_page=3))
    third = db_backend.search(make_query("Projekt", per_page=3, page=3))
    assert first.total == third.total == 7
    assert first.pages == 3
    assert len(first.hits) == 3
    assert ids(third) == ["1"]  # the oldest, last
    beyond = db_backend.search(make_query("Projekt", per_page=3, page=9))
    assert beyond.hits == []
    assert beyond.total == 7


# --- snippets --------------------------------------------------------------------------


def test_snippet_marks_matches(db_backend, make_doc):
    body = "Am Anfang steht viel Text. " * 20 + "Hier geht es um Integration im Sport."
    db_backend.index([make_doc(1, "Titel", body)])
    snippet = db_backend.search(make_query("Integration")).hits[0].snippet
    assert "<mark>Integration</mark>" in snippet


def test_snippet_is_escaped_text_with_only_mark_tags(db_backend, make_doc):
    db_backend.index(
        [
            make_doc(
                1,
                "<script>alert(1)</script> Teilhabe",
                'Teilhabe <script>alert("x")</script> & <b onclick=evil()>fett</b> '
                "<Vorname> bleibt sichtbar",
            )
        ]
    )
    hit = db_backend.search(make_query("Teilhabe")).hits[0]
    tags = set(re.findall(r"</?[a-zA-Z][^>]*>", hit.snippet))
    assert tags <= {"<mark>", "</mark>"}
    assert "<mark>Teilhabe</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "&lt;Vorname&gt;" in hit.snippet
    assert "&amp;" in hit.snippet
    # The title is plain text for the template to escape, not HTML.
    assert hit.title == "<script>alert(1)</script> Teilhabe"


def test_empty_text_snippet_is_escaped_start_of_body(db_backend, make_doc):
    db_backend.index([make_doc(1, "Titel", "<i>kursiv</i> " + "Wort " * 200)])
    snippet = db_backend.search(make_query("")).hits[0].snippet
    assert snippet.startswith("&lt;i&gt;kursiv&lt;/i&gt; Wort")
    assert snippet.endswith("…")
    assert len(snippet) < 300


def test_hit_carries_fields_and_extra(db_backend, make_doc):
    db_backend.index([make_doc(1, "Seminar", "Text", extra={"start": "2026-05-01T10:00"})])
    hit = db_backend.search(make_query("Seminar")).hits[0]
    assert (hit.doc_type, hit.object_id, hit.url) == ("pages.articlepage", "1", "/wissen/1/")
    assert hit.extra == {"start": "2026-05-01T10:00"}
    assert db_backend.search(make_query("Seminar")).backend == "database"
