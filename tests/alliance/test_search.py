"""The directory search: full text, facets with counts, distance, radius, paging,
bad parameters; and the documents the global search indexes."""

import pytest
from django.urls import reverse

from alliance.models import Category, ChannelKind, ChannelVisibility, Status
from alliance.search import OrganizationDocument
from alliance.selectors import haversine_km, parse_directory_query, search_directory

from .conftest import CHANNELS, HIDDEN_DIGITS, client_for, make_org

pytestmark = pytest.mark.django_db


def facet(search, name):
    return {o.value: o.count for f in search.facets if f.name == name for o in f.options}


@pytest.fixture
def spread(topics):
    """Five organisations whose facets overlap in known ways."""
    t = topics
    return [
        make_org("Beratung Nord", category=Category.COUNSELLING, land="SN", languages=("de", "tr"),
                 topics=[t["hass-im-netz"], t["opferberatung"]]),
        make_org("Beratung Süd", category=Category.COUNSELLING, land="BY", city="München",
                 plz="80331", languages=("de", "ar"), topics=[t["opferberatung"]]),
        make_org("Lokalradio Elster", category=Category.LOCAL_MEDIA, land="SN",
                 languages=("de",), topics=[t["hass-im-netz"]]),
        make_org("Jüdische Gemeinde Muldental", category=Category.CIVIL_SOCIETY, land="SN",
                 languages=("de", "ru"), topics=[t["antisemitismus"]],
                 description="Begegnung und Beratung"),
        make_org("Geschlossene Stelle", category=Category.COUNSELLING, land="SN",
                 status=Status.INACTIVE, topics=[t["hass-im-netz"]]),
    ]  # fmt: skip


def test_facet_counts_without_filters(spread):
    search = search_directory(None, {})
    assert search.total == 4  # the inactive entry is not listed
    assert facet(search, "kategorie")["beratung"] == 2
    assert facet(search, "kategorie")["lokale-medien"] == 1
    assert facet(search, "kategorie")["wirtschaft"] == 0
    assert facet(search, "land")["sn"] == 3 and facet(search, "land")["by"] == 1
    assert facet(search, "thema") == {"hass-im-netz": 2, "antisemitismus": 1, "opferberatung": 2}
    assert facet(search, "sprache") == {"de": 4, "tr": 1, "ar": 1, "ru": 1}


def test_facet_counts_are_computed_under_the_other_filters(spread):
    from django.http import QueryDict

    search = search_directory(None, QueryDict("land=sn&kategorie=beratung"))
    assert search.total == 1
    # Category counts ignore the category filter but respect the Land.
    assert facet(search, "kategorie")["beratung"] == 1
    assert facet(search, "kategorie")["lokale-medien"] == 1
    assert facet(search, "kategorie")["zivilgesellschaft"] == 1
    # Land counts ignore the Land filter but respect the category.
    assert facet(search, "land")["sn"] == 1 and facet(search, "land")["by"] == 1
    # Topics and languages respect both.
    assert facet(search, "thema") == {"hass-im-netz": 1, "opferberatung": 1}
    assert facet(search, "sprache") == {"de": 1, "tr": 1}


def test_multiple_values_of_one_facet_are_alternatives(spread):
    from django.http import QueryDict

    search = search_directory(None, QueryDict("sprache=tr&sprache=ar"))
    assert {o.name for o in search.results} == {"Beratung Nord", "Beratung Süd"}
    search = search_directory(None, QueryDict("thema=antisemitismus&thema=opferberatung"))
    assert search.total == 3


def test_full_text_folds_case_and_umlauts(spread):
    for text in ("jüdische", "JUEDISCHE", "muldental gemeinde", "antisemitismus", "Leipzig"):
        names = {o.name for o in search_directory(None, {"q": text}).results}
        assert "Jüdische Gemeinde Muldental" in names, text
    assert search_directory(None, {"q": "begegnung beratung"}).total == 1
    assert search_directory(None, {"q": "gibtesnicht"}).total == 0


def test_distance_sort_and_radius(directory_cast, topics):
    # The member's municipality is near Leipzig (51.34, 12.37).
    far = make_org("Beratung Dresden", lat=51.05, lon=13.74, city="Dresden", plz="01067")
    near = make_org("Beratung Markkleeberg", lat=51.28, lon=12.37, city="Markkleeberg")
    nowhere = make_org("Beratung ohne Koordinaten", lat=None, lon=None)
    member = directory_cast["member"]
    search = search_directory(member, {"sortierung": "entfernung"})
    names = [o.name for o in search.results]
    assert names.index(near.name) < names.index(far.name) < names.index(nowhere.name)
    assert names[-1] == nowhere.name  # without coordinates: last
    distances = [o.distance_km for o in search.results if o.distance_km is not None]
    assert distances == sorted(distances)
    first = search.results[0]
    exact = haversine_km(51.34, 12.37, first.location.latitude, first.location.longitude)
    assert first.distance_km == pytest.approx(exact, abs=0.01)
    # Leipzig–Dresden is about 100 km.
    within = {o.name for o in search_directory(member, {"umkreis": "50"}).results}
    assert near.name in within and far.name not in within and nowhere.name not in within
    wider = {o.name for o in search_directory(member, {"umkreis": "150"}).results}
    assert far.name in wider


def test_distance_needs_an_origin(spread):
    response = client_for().get(reverse("alliance:index") + "?sortierung=entfernung&umkreis=20")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Distance search needs the location of your municipality" in body
    assert "4 organisations" in body  # ignored, not applied


def test_partner_without_municipality_measures_from_own_organisation(directory_cast):
    search = search_directory(directory_cast["partner"], {"sortierung": "entfernung"})
    assert search.origin is not None and search.origin.label == "Leipzig"
    assert not search.problems


@pytest.mark.parametrize(
    "query, message",
    [
        ("kategorie=astrologie", "“astrologie” is not a category."),
        ("land=xx", "“xx” is not a federal state."),
        ("thema=gibt-es-nicht", "“gibt-es-nicht” is not a topic."),
        ("sprache=klingonisch", "“klingonisch” is not a language."),
        ("umkreis=viel", "The radius must be a whole number of kilometres from 1 to 1000."),
        ("umkreis=0", "The radius must be a whole number"),
        ("sortierung=zufall", "“zufall” is not a sort order."),
        ("seite=x", "“x” is not a page number."),
        ("seite=99", "There is no page 99; showing the first page."),
        ("q=" + "a" * 201, "The search text is longer than 200 characters."),
        ("q=%00", "Null characters are not allowed"),
    ],
)
def test_bad_parameters_get_a_clear_message_and_are_ignored(spread, query, message):
    response = client_for().get(reverse("alliance:index") + "?" + query + "&land=sn")
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body
    if not query.startswith("land="):
        assert "3 organisations" in body  # the valid filter still applies


def test_parser_keeps_valid_values_next_to_junk():
    from django.http import QueryDict

    query, problems = parse_directory_query(
        QueryDict("kategorie=beratung&kategorie=quatsch&land=SN&land=sn&sprache=TR"),
        topic_slugs=[],
    )
    assert query.categories == [Category.COUNSELLING]
    assert query.laender == ["SN"]
    assert query.languages == ["tr"]
    assert len(problems) == 1


def test_shareable_url_round_trip(spread):
    from django.http import QueryDict

    query, _ = parse_directory_query(
        QueryDict("q=beratung&kategorie=beratung&land=sn&sprache=tr&seite=1"), topic_slugs=[]
    )
    again, problems = parse_directory_query(QueryDict(query.querystring()[1:]), topic_slugs=[])
    assert not problems and again == query


def test_paging(db):
    for i in range(45):
        make_org(f"Organisation {i:02d}")
    page2 = client_for().get(reverse("alliance:index") + "?seite=2")
    body = page2.content.decode()
    assert page2.status_code == 200
    assert "Organisation 20" in body and "Organisation 19" not in body
    assert "Page 2 of 3" in body
    assert "seite=3" in body and "seite=1" not in body.split("Previous page")[1]


def test_facet_checkboxes_with_counts_in_the_page(spread):
    body = client_for().get(reverse("alliance:index") + "?land=sn").content.decode()
    assert 'name="land" value="sn" checked' in body
    assert (
        'value="beratung"> <span>Counselling or victim support <span class="facet-count">(1)'
        in body
    )


def test_search_documents_carry_no_channel_values(directory_orgs):
    document = OrganizationDocument()
    prepared = document.prepare(directory_orgs["home"])
    text = " ".join([prepared.title, prepared.body, str(prepared.extra)])
    for value in CHANNELS.values():
        assert value not in text
    assert HIDDEN_DIGITS not in text
    assert prepared.access == ("public",)
    assert "Opferberatung" in prepared.body  # the topic
    assert document.prepare(directory_orgs["inactive"]) is None
    assert directory_orgs["inactive"] not in document.queryset()


def test_global_search_finds_entries_without_channels(
    directory_orgs, django_capture_on_commit_callbacks
):
    from search.indexing import index_objects

    index_objects([["alliance.organization", str(directory_orgs["home"].pk)]])
    body = client_for().get(reverse("search:page") + "?q=Quendelau").content.decode()
    assert "Opferberatung Quendelau" in body
    assert HIDDEN_DIGITS not in body
    body = client_for().get(reverse("search:page") + "?q=66969").content.decode()
    assert "Opferberatung Quendelau" not in body


def test_channel_of_other_kind_follows_visibility(db):
    person = (ChannelKind.CONTACT_PERSON, "Frau Ysolde Kranichfeld", ChannelVisibility.PARTNERS)
    org = make_org("Kanaltest", channels=[person])
    assert "Ysolde" not in client_for().get(org.get_absolute_url()).content.decode()
