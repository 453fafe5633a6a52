"""The search page and the suggestions endpoint, against a stub backend: what the view
asks the backend (tokens, plugins, filters, area, page), how it shows the answer
(hits, facets, active filters, pagination), bad input, caching and query counts.

End-to-end tests through the database backend are in ``test_views_database.py``.
"""

import json
import re

import pytest
from django.urls import reverse

from search import service
from search.query import MAX_QUERY_LENGTH, PER_PAGE, Hit, SearchResults, Suggestion

SAMPLE = "sample_plugin.item"  # the sample plugin's document type (label "Beispiel-Eintrag")
URL = "/suche/"
SUGGEST_URL = "/suche/vorschlaege/"


class StubBackend:
    """Records the queries and answers with ``total`` made-up hits and ``facets``."""

    def __init__(self):
        self.queries = []
        self.suggest_calls = []
        self.total = 3
        self.facets = {}
        self.fail = False
        self.hit_factory = None
        self.suggestions = []

    def search(self, query):
        self.queries.append(query)
        if self.fail:
            raise RuntimeError("both backends are down")
        first = (query.page - 1) * query.per_page
        numbers = range(first, min(self.total, first + query.per_page))
        factory = self.hit_factory or (
            lambda n: Hit(
                SAMPLE,
                str(n),
                f"Treffer {n:02d}",
                f"/beispiel/{n}/",
                f"Text mit <mark>Wort</mark> {n}",
                1.0,
            )
        )
        return SearchResults(
            hits=[factory(n) for n in numbers],
            total=self.total,
            facets=self.facets,
            page=query.page,
            per_page=query.per_page,
            backend="database",
        )

    def suggest(self, text, tokens, plugins, limit=8):
        self.suggest_calls.append((text, tokens, plugins, limit))
        if self.fail:
            raise RuntimeError("down")
        return self.suggestions


@pytest.fixture
def stub(monkeypatch, db):
    backend = StubBackend()
    monkeypatch.setattr(service, "search", backend.search)
    monkeypatch.setattr(service, "suggest", backend.suggest)
    return backend


def body(response) -> str:
    return response.content.decode()


# --- the page ----------------------------------------------------------------------


def test_urls_are_mounted_before_the_page_tree():
    assert reverse("search:page") == URL
    assert reverse("search:suggestions") == SUGGEST_URL


@pytest.mark.parametrize("query", ["", "?q=", "?q=+++", "?seite=2"])
def test_without_text_and_filters_only_the_form_is_shown(client, stub, query):
    response = client.get(URL + query)
    assert response.status_code == 200
    html = body(response)
    assert stub.queries == []
    assert html.count("<h1") == 1
    assert 'role="search"' in html
    assert 'id="results-title"' not in html
    assert 'role="alert"' not in html


def test_anonymous_search_asks_with_public_token_and_switched_on_plugins(client, stub):
    response = client.get(URL, {"q": "  Allianz   aufbauen "})
    assert response.status_code == 200
    (query,) = stub.queries
    assert query.text == "Allianz aufbauen"
    assert query.tokens == frozenset({"public"})
    assert {"core", "sample"} <= query.plugins
    assert query.filters == {}
    assert query.scope == ()
    assert query.page == 1


def test_switched_off_plugin_is_not_searched(client, stub):
    from plugins.models import PluginState
    from plugins.registry import forget_states

    PluginState.objects.update_or_create(plugin_id="sample", defaults={"enabled": False})
    forget_states()
    client.get(URL, {"q": "Wort"})
    assert "sample" not in stub.queries[0].plugins
    assert "core" in stub.queries[0].plugins


def test_member_tokens_are_passed(client, stub, make_member, municipality):
    member = make_member("MutigeBirke", municipality=municipality)  # a model municipality
    client.force_login(member)
    client.get(URL, {"q": "Wort"})
    assert stub.queries[0].tokens == frozenset(
        {
            "public", "network", "model", f"municipality:{municipality.pk}",
            # the toolbox's own levels: a member reads network and partner resources
            "toolbox:network", "toolbox:partners",
        }
    )  # fmt: skip


def test_hits_show_title_link_type_label_and_snippet(client, stub):
    html = body(client.get(URL, {"q": "Wort"}))
    assert '<a href="/beispiel/0/">Treffer 00</a>' in html
    assert "Beispiel-Eintrag" in html
    assert "Text mit <mark>Wort</mark> 0" in html
    # The count is in the results heading.
    heading = re.search(r'<h2 id="results-title">(.*?)</h2>', html, re.S).group(1)
    assert "3" in heading and "Wort" in heading


def test_only_the_snippet_is_html_and_only_mark_survives(client, stub):
    stub.total = 1
    stub.hit_factory = lambda n: Hit(
        SAMPLE, "1", "<b>Titel</b>", "/beispiel/1/",
        "a <mark>b</mark> <script>alert(1)</script> &lt;i&gt;", 1.0,
    )  # fmt: skip
    html = body(client.get(URL, {"q": "b"}))
    assert "&lt;b&gt;Titel&lt;/b&gt;" in html  # the title is text
    assert "<mark>b</mark>" in html
    assert "<script>alert(1)" not in html
    assert "&lt;script>alert(1)&lt;/script>" in html
    assert "&lt;i&gt;" in html  # escaped text stays escaped (not double-escaped)


def test_event_start_is_shown(client, stub):
    stub.total = 1
    stub.hit_factory = lambda n: Hit(
        "events.eventpage", "7", "Fortbildung", "/fortbildungen/x/", "", 1.0,
        extra={"start": "2026-05-04T10:00:00+02:00"},
    )  # fmt: skip
    html = body(client.get(URL, {"q": "Fortbildung"}))
    assert 'datetime="2026-05-04T10:00:00+02:00"' in html


def test_facets_show_counts_and_hide_zero_counts_except_chosen(client, stub):
    stub.facets = {
        "type": {SAMPLE: 3, "events.eventpage": 0},
        "topic": {"allianzaufbau": 2},
        "bundesland": {"SN": 1, "HB": 0},
        "module_area": {},
    }
    html = body(client.get(URL, {"q": "Wort", "land": "BY"}))
    assert f'name="typ" value="{SAMPLE}"' in html
    assert 'value="events.eventpage"' not in html
    assert 'name="thema" value="allianzaufbau"' in html
    assert 'name="land" value="SN"' in html
    assert 'name="land" value="HB"' not in html
    assert 'name="land" value="BY" checked' in html  # chosen: shown although zero
    assert "(3)" in html and "(2)" in html
    assert 'name="modul"' not in html  # no values at all: no fieldset


def test_filters_are_passed_as_facets(client, stub):
    response = client.get(
        URL + f"?q=Wort&typ={SAMPLE}&modul=1&thema=allianzaufbau&land=SN&land=BY&land=SN"
    )
    assert response.status_code == 200
    assert stub.queries[0].filters == {
        "type": (SAMPLE,),
        "module_area": ("1",),
        "topic": ("allianzaufbau",),
        "bundesland": ("BY", "SN"),
    }


def test_filters_without_text_search_too(client, stub):
    assert client.get(URL, {"thema": "allianzaufbau"}).status_code == 200
    assert stub.queries[0].text == ""
    assert stub.queries[0].filters == {"topic": ("allianzaufbau",)}


def test_each_active_filter_is_removable_on_its_own(client, stub):
    html = body(client.get(URL + "?q=Wort&thema=allianzaufbau&land=SN"))
    assert 'href="?q=Wort&amp;land=SN"' in html  # topic removed, Bundesland kept
    assert 'href="?q=Wort&amp;thema=allianzaufbau"' in html
    assert 'class="active-filters"' in html


def test_pagination_keeps_text_and_filters_in_a_stable_order(client, stub):
    stub.total = 2 * PER_PAGE + 5
    html = body(client.get(URL + "?land=SN&thema=allianzaufbau&q=Wort"))
    assert 'href="?q=Wort&amp;thema=allianzaufbau&amp;land=SN&amp;seite=2" rel="next"' in html
    html = body(client.get(URL + "?q=Wort&thema=allianzaufbau&land=SN&seite=2"))
    assert stub.queries[-1].page == 2
    assert 'href="?q=Wort&amp;thema=allianzaufbau&amp;land=SN" rel="prev"' in html
    assert 'seite=3" rel="next"' in html
    assert f"Treffer {PER_PAGE:02d}" in html
    assert f'<ol class="hits" start="{PER_PAGE + 1}">' in html


def test_a_page_beyond_the_results_shows_the_first_with_a_message(client, stub):
    stub.total = 5
    response = client.get(URL, {"q": "Wort", "seite": "4"})
    assert response.status_code == 400
    assert [query.page for query in stub.queries] == [4, 1]
    html = body(response)
    assert 'role="alert"' in html
    assert "Treffer 00" in html


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("typ=roman", "typ"),
        ("modul=9", "modul"),
        ("thema=gibt-es-nicht", "thema"),
        ("land=XX", "land"),
        ("seite=abc", "seite"),
        ("seite=0", "seite"),
        ("seite=-1", "seite"),
        ("seite=99999999999999999999", "seite"),
        ("bereich=nirgends", "bereich"),
        ("thema=%00", "thema"),
        ("land=%00%01", "land"),
    ],
)
def test_junk_parameters_get_a_message_naming_them_and_are_ignored(client, stub, query, parameter):
    from django.utils import translation

    from search.forms import SearchForm

    with translation.override("de"):
        label = str(SearchForm.base_fields[parameter].label)
    response = client.get(f"{URL}?q=Wort&thema=allianzaufbau&{query}")
    assert response.status_code == 400
    html = body(response)
    alert = re.search(r'<div class="message message-error" role="alert" id="search-problems">'
                      r"(.*?)</div>", html, re.S)  # fmt: skip
    assert alert, html
    assert label in alert.group(1)
    assert "\x00" not in html
    assert 'aria-describedby="search-problems"' in html
    assert "aria-invalid" not in html  # the checkboxes are not all marked invalid
    (query_sent, *_) = stub.queries
    assert query_sent.text == "Wort"
    assert query_sent.page == 1
    assert query_sent.scope == ()
    # The junk narrowed nothing; a valid filter next to it is kept (a filter with a
    # junk value is ignored as a whole, as on the knowledge hub).
    assert query_sent.filters == ({} if parameter == "thema" else {"topic": ("allianzaufbau",)})


def test_over_long_text_gets_a_message_and_no_search(client, stub):
    response = client.get(URL, {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    html = body(response)
    assert 'role="alert"' in html
    assert str(MAX_QUERY_LENGTH) in html
    assert stub.queries == []


def test_text_of_the_maximum_length_is_searched(client, stub):
    assert client.get(URL, {"q": "x" * MAX_QUERY_LENGTH}).status_code == 200
    assert len(stub.queries[0].text) == MAX_QUERY_LENGTH


def test_nul_byte_in_the_text_gets_a_message(client, stub):
    response = client.get(URL + "?q=Wo%00rt")
    assert response.status_code == 400
    assert 'role="alert"' in body(response)
    assert "\x00" not in body(response)
    assert stub.queries == []


def test_other_control_characters_become_spaces(client, stub):
    client.get(URL + "?q=Allianz%0A%09aufbauen%1B")
    assert stub.queries[0].text == "Allianz aufbauen"


def test_nothing_found_says_so(client, stub):
    stub.total = 0
    response = client.get(URL, {"q": "Wort", "thema": "allianzaufbau"})
    assert response.status_code == 200
    html = body(response)
    assert '<ol class="hits"' not in html
    assert 'href="?q=Wort"' in html  # search again without the filters


def test_a_failing_search_is_a_message_not_an_error_page(client, stub):
    stub.fail = True
    response = client.get(URL, {"q": "Wort"})
    assert response.status_code == 200
    assert 'role="alert"' in body(response)


@pytest.mark.parametrize(
    ("area", "scope"),
    [
        ("wissen", ("pages.goodpracticepage", "pages.recommendationpage", "pages.articlepage")),
        ("fortbildungen", ("events.eventpage",)),
        ("sample", (SAMPLE,)),
    ],
)
def test_area_limits_the_search_to_its_document_types(client, stub, area, scope):
    response = client.get(URL, {"q": "Wort", "bereich": area})
    assert response.status_code == 200
    assert set(stub.queries[0].scope) == set(scope)
    html = body(response)
    assert f'<input type="hidden" name="bereich" value="{area}">' in html
    assert 'href="?q=Wort"' in html  # leave the area: search the whole platform


def test_area_of_a_switched_off_plugin_is_junk(client, stub):
    from plugins.models import PluginState
    from plugins.registry import forget_states

    PluginState.objects.update_or_create(plugin_id="sample", defaults={"enabled": False})
    forget_states()
    response = client.get(URL, {"q": "Wort", "bereich": "sample"})
    assert response.status_code == 400
    assert stub.queries[0].scope == ()


def test_area_alone_shows_the_form(client, stub):
    response = client.get(URL, {"bereich": "wissen"})
    assert response.status_code == 200
    assert stub.queries == []
    assert 'name="bereich" value="wissen"' in body(response)


def test_results_are_private_and_not_indexed(client, stub):
    response = client.get(URL, {"q": "Wort"})
    assert "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex,follow">' in body(response)


def test_search_page_has_one_search_landmark(client, stub):
    html = body(client.get(URL, {"q": "Wort"}))
    assert html.count('role="search"') == 1  # the header box gives way to the page's
    assert '<label for="search-q">' in html
    assert 'aria-labelledby="results-title"' in html
    assert 'data-suggest-url="/suche/vorschlaege/"' in html


def test_header_has_a_search_box_on_other_pages(client, db):
    html = body(client.get("/"))
    form = re.search(r'<form class="site-search" role="search"[^>]*>(.*?)</form>', html, re.S)
    assert form, "the header has a search form"
    assert 'action="/suche/"' in form.group(0)
    assert 'method="get"' in form.group(0)
    assert '<label class="visually-hidden" for="site-search-q">' in form.group(1)
    assert 'id="site-search-q" name="q"' in form.group(1)
    assert '/static/search/js/suggest.js" defer' in html


def test_query_count_is_pinned_and_does_not_grow_with_hits(
    client, stub, make_member, municipality, django_assert_num_queries
):
    client.force_login(make_member("MutigeBirke", municipality=municipality))
    stub.facets = {"type": {SAMPLE: 40}, "bundesland": {"SN": 40}, "topic": {"allianzaufbau": 40}}
    url = URL + "?q=Wort&thema=allianzaufbau"
    stub.total = 2
    client.get(url)  # warm site and plugin caches
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        client.get(url)
    stub.total = 40
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        html = body(client.get(url))
    assert html.count('class="entry hit"') == PER_PAGE


# Pinned (a change is a deliberate decision), for a logged-in member, the backend stubbed
# (its own queries are pinned with the database backend in test_views_database.py). Of
# the 9: session, user, the filter choices (module areas, topics: 2), the reader's level
# and memberships (search tokens: 2), the forum categories the reader may read (the
# forums plugin's search tokens: 1), the reader's toolbox level (the toolbox's search
# tokens: memberships and roles in one query: 1); the rest is the frame, as on every
# page: the reader's facts (frame_facts: 1). Plugin states, document classes, menu
# pages and footer links come from the (warm) cache.
SEARCH_PAGE_QUERIES = 9


# --- suggestions -------------------------------------------------------------------


def test_suggestions_json(client, stub):
    stub.suggestions = [
        Suggestion("Allianz am See", "/wissen/allianz-am-see/", "pages.goodpracticepage"),
        Suggestion("Beispiel", "/beispiel/1/", SAMPLE),
        Suggestion("Fremd", "https://example.org/", SAMPLE),  # not on this site: dropped
        Suggestion("Protokollrelativ", "//example.org/", SAMPLE),
    ]
    response = client.get(SUGGEST_URL, {"q": "Alli"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    data = json.loads(response.content)
    assert data["suggestions"][1] == {"title": "Beispiel", "url": "/beispiel/1/",
                                      "type": "Beispiel-Eintrag"}  # fmt: skip
    assert data["suggestions"][0]["title"] == "Allianz am See"
    assert data["suggestions"][0]["type"]  # the label of good practice
    assert len(data["suggestions"]) == 2
    text, tokens, plugins, limit = stub.suggest_calls[0]
    assert text == "Alli"
    assert tokens == frozenset({"public"})
    assert "core" in plugins
    assert limit == 8


def test_suggestions_carry_no_identity(client, stub, make_member, municipality):
    member = make_member("MutigeBirke", municipality=municipality, first_name="Katrin",
                         last_name="Vogelsang")  # fmt: skip
    client.force_login(member)
    stub.suggestions = [Suggestion("Allianz", "/wissen/allianz/", SAMPLE)]
    response = client.get(SUGGEST_URL, {"q": "Alli"})
    content = response.content.decode()
    for secret in ("MutigeBirke", "Katrin", "Vogelsang", member.email, str(municipality.pk)):
        assert secret not in content
    assert set(json.loads(content)) == {"suggestions"}
    assert f"municipality:{municipality.pk}" in stub.suggest_calls[0][1]


@pytest.mark.parametrize("text", ["", "a", " a ", "   "])
def test_suggestions_need_two_characters(client, stub, text):
    response = client.get(SUGGEST_URL, {"q": text})
    assert response.status_code == 200
    assert json.loads(response.content) == {"suggestions": []}
    assert stub.suggest_calls == []


@pytest.mark.parametrize("query", ["q=" + "x" * (MAX_QUERY_LENGTH + 1), "q=ab%00c"])
def test_suggestions_refuse_bad_text_with_a_message(client, stub, query):
    response = client.get(f"{SUGGEST_URL}?{query}")
    assert response.status_code == 400
    data = json.loads(response.content)
    assert data["suggestions"] == []
    assert data["error"]
    assert stub.suggest_calls == []


def test_suggestions_are_rate_limited(client, stub, monkeypatch):
    from search import views

    monkeypatch.setattr(views, "SUGGESTIONS_PER_MINUTE", 3)
    statuses = [client.get(SUGGEST_URL, {"q": "Allianz"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.get(SUGGEST_URL, {"q": "Allianz"})
    assert response["Retry-After"] == "60"
    assert json.loads(response.content)["suggestions"] == []
    assert len(stub.suggest_calls) == 3


def test_rate_limit_counts_members_separately(client, stub, monkeypatch, make_member):
    from django.test import Client

    from search import views

    monkeypatch.setattr(views, "SUGGESTIONS_PER_MINUTE", 1)
    assert client.get(SUGGEST_URL, {"q": "Allianz"}).status_code == 200
    assert client.get(SUGGEST_URL, {"q": "Allianz"}).status_code == 429
    other = Client()
    other.force_login(make_member("HelleAue"))
    assert other.get(SUGGEST_URL, {"q": "Allianz"}).status_code == 200


def test_failing_suggestions_answer_empty(client, stub):
    stub.fail = True
    response = client.get(SUGGEST_URL, {"q": "Allianz"})
    assert response.status_code == 200
    assert json.loads(response.content) == {"suggestions": []}


def test_suggestions_only_answer_get(client, stub):
    assert client.post(SUGGEST_URL, {"q": "Allianz"}).status_code == 405
