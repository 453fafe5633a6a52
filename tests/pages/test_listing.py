"""The knowledge hub's listing: combinable filters, shareable URLs, pagination, junk
parameters, and query counts that do not grow with the number of pages shown."""

import pytest

from komma.pages.listing import PER_PAGE
from komma.pages.models import ArticlePage, GoodPracticePage, RecommendationPage


@pytest.fixture
def pages(make_page, municipality, other_municipality):
    return {
        "gp_nw": make_page(GoodPracticePage, "Clearingstelle im Rathaus", municipality=municipality,
                           topics=["Clearingverfahren"], areas=["2"]),
        "gp_by": make_page(GoodPracticePage, "Allianz am See", municipality=other_municipality,
                           topics=["Allianzaufbau"], areas=["1"]),
        "rec": make_page(RecommendationPage, "Empfehlung Intervention",
                         topics=["Interventionsstrategie", "Clearingverfahren"], areas=["2"]),
        "art": make_page(ArticlePage, "Artikel Mandatsschutz",
                         topics=["Schutz von Mandatsträger:innen"], areas=["3"]),
    }  # fmt: skip


def titles(response) -> set[str]:
    body = response.content.decode()
    return {title for title in (
        "Clearingstelle im Rathaus", "Allianz am See", "Empfehlung Intervention",
        "Artikel Mandatsschutz") if title in body}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Clearingstelle im Rathaus", "Allianz am See", "Empfehlung Intervention",
              "Artikel Mandatsschutz"}),
        ("thema=clearingverfahren", {"Clearingstelle im Rathaus", "Empfehlung Intervention"}),
        ("thema=clearingverfahren&thema=allianzaufbau",  # OR within a filter
         {"Clearingstelle im Rathaus", "Allianz am See", "Empfehlung Intervention"}),
        ("thema=clearingverfahren&typ=gute-praxis", {"Clearingstelle im Rathaus"}),  # AND across
        ("modul=3", {"Artikel Mandatsschutz"}),
        ("art=gemeinde", {"Allianz am See"}),
        ("land=NW", {"Clearingstelle im Rathaus"}),
        ("land=NW&modul=1", set()),
        ("typ=empfehlung&typ=artikel", {"Empfehlung Intervention", "Artikel Mandatsschutz"}),
    ],
)  # fmt: skip
def test_filters_combine(client, hub, pages, query, expected):
    response = client.get(f"{hub.url}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_each_chosen_filter_can_be_removed_on_its_own(client, hub, pages):
    body = client.get(f"{hub.url}?thema=clearingverfahren&typ=gute-praxis").content.decode()
    # The remove link of the topic keeps the kind, and vice versa: shareable, stable URLs.
    assert 'href="?typ=gute-praxis"' in body
    assert 'href="?thema=clearingverfahren"' in body


@pytest.mark.parametrize(
    "query",
    ["thema=gibt-es-nicht", "modul=9", "art=weltstadt", "land=XX", "typ=roman", "seite=abc",
     "seite=-1", "seite=99999999999999999999", "thema=%00"],
)  # fmt: skip
def test_junk_parameters_get_a_message_and_filter_nothing(client, hub, pages, query):
    response = client.get(f"{hub.url}?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "ignoriert" in body  # "Einige Filter ... wurden ignoriert"
    assert len(titles(response)) == 4  # the junk filter narrowed nothing


def test_junk_next_to_a_valid_filter_keeps_the_valid_one(client, hub, pages):
    response = client.get(f"{hub.url}?thema=clearingverfahren&land=XX")
    assert response.status_code == 400
    assert titles(response) == {"Clearingstelle im Rathaus", "Empfehlung Intervention"}


def test_pagination_keeps_the_filters(client, hub, make_page):
    for number in range(PER_PAGE + 2):
        make_page(RecommendationPage, f"Empfehlung Nummer {number:02d}", topics=["Allianzaufbau"])
    first = client.get(f"{hub.url}?thema=allianzaufbau").content.decode()
    assert 'href="?thema=allianzaufbau&amp;seite=2"' in first
    second = client.get(f"{hub.url}?thema=allianzaufbau&seite=2")
    assert second.status_code == 200
    shown = [
        n for n in range(PER_PAGE + 2) if f"Empfehlung Nummer {n:02d}" in second.content.decode()
    ]
    assert len(shown) == 2  # 14 pages, 12 per page
    beyond = client.get(f"{hub.url}?thema=allianzaufbau&seite=3")
    assert beyond.status_code == 400
    assert "Seite 3" in beyond.content.decode() or "page 3" in beyond.content.decode()


def _listing_queries(client, hub, django_assert_max_num_queries):
    client.get(hub.url)  # warm site and plugin caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{hub.url}?thema=allianzaufbau").status_code == 200
    return len(captured)


def test_listing_query_count_does_not_grow_with_pages(
    client, hub, make_page, municipality, member, django_assert_num_queries
):
    client.force_login(member)
    for number in range(2):
        make_page(
            GoodPracticePage,
            f"Beispiel {number}",
            municipality=municipality,
            topics=["Allianzaufbau", "Clearingverfahren"],
        )
    client.get(f"{hub.url}?thema=allianzaufbau")
    with django_assert_num_queries(LISTING_QUERIES):
        assert client.get(f"{hub.url}?thema=allianzaufbau").status_code == 200
    for number in range(2, 12):
        make_page(
            GoodPracticePage,
            f"Beispiel {number}",
            municipality=municipality,
            topics=["Allianzaufbau", "Clearingverfahren"],
        )
    # Publishing bumps the site chrome's version: warm the menu and footer again.
    client.get(f"{hub.url}?thema=allianzaufbau")
    with django_assert_num_queries(LISTING_QUERIES):
        response = client.get(f"{hub.url}?thema=allianzaufbau")
    assert "Beispiel 11" in response.content.decode()


def test_detail_query_count_does_not_grow_with_related_pages(
    client, hub, make_page, member, django_assert_num_queries
):
    client.force_login(member)
    page = make_page(ArticlePage, "Grundlagen", topics=["Allianzaufbau"], areas=["1"])
    make_page(RecommendationPage, "Verwandt 0", topics=["Allianzaufbau"])
    client.get(page.url)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(page.url).status_code == 200
    for number in range(1, 6):
        make_page(RecommendationPage, f"Verwandt {number}", topics=["Allianzaufbau"], areas=["1"])
    client.get(page.url)  # publishing bumps the site chrome's version: warm it again
    with django_assert_num_queries(DETAIL_QUERIES):
        body = client.get(page.url).content.decode()
    assert body.count('class="entry"') == 3  # related content is capped at three


# Pinned (a change is a deliberate decision). Of the listing's 16: session, user, Wagtail
# routing (site, home page, hub: slug lookup and specific page, ancestors' alias check,
# view restrictions: 6), the reader's level, the filter choices (2), restrictions for
# listings, count, page of results, their topics, and the frame's reader facts
# (frame_facts: 1; menu pages and footer come from the warm cache).
# The detail page's 17: session, user, routing 8 (the page adds slug lookup and specific
# page), the reader's level, its topics and module areas, restrictions for listings,
# related pages and their topics, frame_facts.
LISTING_QUERIES = 16
DETAIL_QUERIES = 17
