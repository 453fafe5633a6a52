"""Leaks: documents only some roles may find carry distinctive words; every role
searches for them through the page and the suggestions. A role that may not see a
document must not learn anything of it: no title, no snippet, no facet value or
count, no suggestion, not even through a filter it chooses itself. Identity words
(a real name, an e-mail address, an office) are never indexed, so nobody finds them.

Runs through the database backend (SQLite here, PostgreSQL with DATABASE_URL).
"""

import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from komma.accounts.models import Municipality
from komma.accounts.roles import ROLES
from search.documents import IndexedDocument

database = pytest.importorskip(
    "search.backends.database", reason="the database backend is not written yet"
)

URL = "/suche/"
SUGGEST_URL = "/suche/vorschlaege/"
SHARED = "Gemeinschaftswort"  # in every document, so one search reaches them all

# Who may find what: word in the title, a phrase only in the body, a Bundesland and a
# topic only this document has (the facet values that must not show).
SECRETS = {
    "network": {"word": "Quastenflosser", "title": "Netzwerkseite Quastenflosser",
                "phrase": "Sitzungsprotokoll Lindenblatt", "land": "HB", "topic": "allianzaufbau"},
    "model": {"word": "Zwergpinscher", "title": "Modellseite Zwergpinscher",
              "phrase": "Haushaltsplan Ahornsirup", "land": "HH", "topic": "clearingverfahren"},
    "municipality": {"word": "Kapuzinerkresse", "title": "Rathausnotiz Kapuzinerkresse",
                     "phrase": "Telefonliste Eibenhecke", "land": "SL",
                     "topic": "interventionsstrategie"},
}  # fmt: skip
PUBLIC = {"word": "Sonnenblume", "title": "Offene Seite Sonnenblume", "land": "NW"}
# Identity of a member: never indexed, never found.
IDENTITY = {"first_name": "Zitronenfalter", "last_name": "Baerlauchwiese",
            "office": "Amt fuer Pustekuchen"}  # fmt: skip
IDENTITY_WORDS = ["Zitronenfalter", "Baerlauchwiese", "Pustekuchen", "zitronenfalter@"]

# Which of the secret documents each role may find.
MAY_FIND = {
    "anonymous": set(),
    "applicant": {"network"},
    "partner": {"network"},
    "other_municipality": {"network"},
    "other_model": {"network", "model"},
    "model": {"network", "model", "municipality"},
}


@pytest.fixture
def world(db, make_member, municipality, other_municipality):
    """The documents and one client per role. ``municipality`` is a model municipality;
    the municipality-private document belongs to it."""
    applicant_town = Municipality.objects.create(
        name="Gemeinde Bewerbungsdorf", kind="gemeinde", bundesland="SN", ags="14999999",
        programme_status="applicant",
    )  # fmt: skip
    other_model_town = Municipality.objects.create(
        name="Stadt Modellingen", kind="kreisfreie_stadt", bundesland="HE", ags="06999000",
        programme_status="model",
    )  # fmt: skip
    tokens = {
        "network": ("network",),
        "model": ("model",),
        "municipality": (f"municipality:{municipality.pk}",),
    }
    now = datetime(2026, 3, 1, tzinfo=UTC)
    documents = [
        IndexedDocument(
            doc_type="pages.articlepage",
            object_id="1",
            title=PUBLIC["title"],
            body=f"{SHARED} und {PUBLIC['word']}",
            url="/wissen/offen/",
            access=("public",),
            updated_at=now,
            topics=("schutz-von-mandatstragerinnen",),
            bundesland=PUBLIC["land"],
        )
    ]
    for number, (level, secret) in enumerate(SECRETS.items(), start=2):
        documents.append(
            IndexedDocument(
                doc_type="pages.goodpracticepage",
                object_id=str(number),
                title=secret["title"],
                body=f"{SHARED}. {secret['word']}: {secret['phrase']}.",
                url=f"/wissen/geheim-{number}/",
                access=tokens[level],
                updated_at=now,
                topics=(secret["topic"],),
                bundesland=secret["land"],
                module_areas=("2a",),
            )
        )
    database.DatabaseBackend().index(documents)

    partner = make_member("FesteBruecke", **IDENTITY, email="zitronenfalter@example.org")
    partner.groups.add(Group.objects.get(name=ROLES["alliance_partner"].group_name))
    users = {
        "anonymous": None,
        "applicant": make_member("HelleAue", municipality=applicant_town),
        "partner": partner,
        "other_municipality": make_member("StilleWeide", municipality=other_municipality),
        "other_model": make_member("KlareQuelle", municipality=other_model_town),
        "model": make_member("MutigeBirke", municipality=municipality),
    }
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    return clients


def seen(response, secret) -> list[str]:
    """What of ``secret`` the page shows (its word is the query, so it is echoed)."""
    html = response.content.decode()
    return [
        part
        for part in (
            secret["title"],
            secret["phrase"],
            f'value="{secret["land"]}"',
            f'value="{secret["topic"]}"',
        )
        if part in html
    ]


@pytest.mark.parametrize("role", list(MAY_FIND))
def test_secret_words_are_found_only_by_those_who_may(world, role):
    client = world[role]
    for level, secret in SECRETS.items():
        response = client.get(URL, {"q": secret["word"]})
        assert response.status_code == 200
        results = response.context["results"]
        if level in MAY_FIND[role]:
            assert results.total == 1, (role, level)
            assert secret["title"] in response.content.decode()
        else:
            assert results.total == 0, (role, level)
            assert results.hits == []
            assert all(not counts for counts in results.facets.values()), (role, level)
            assert seen(response, secret) == [], (role, level)


@pytest.mark.parametrize("role", list(MAY_FIND))
def test_shared_word_shows_no_facet_or_count_of_hidden_documents(world, role):
    response = world[role].get(URL, {"q": SHARED})
    results = response.context["results"]
    assert results.total == 1 + len(MAY_FIND[role])
    allowed_lands = {PUBLIC["land"]} | {SECRETS[level]["land"] for level in MAY_FIND[role]}
    assert set(results.facets["bundesland"]) == allowed_lands
    assert sum(results.facets["type"].values()) == results.total
    for level, secret in SECRETS.items():
        if level not in MAY_FIND[role]:
            assert seen(response, secret) == [], (role, level)
            assert secret["word"] not in response.content.decode(), (role, level)
    if not MAY_FIND[role]:  # module area 2a: only the secret documents have it
        assert "2a" not in response.context["results"].facets["module_area"]
        assert 'value="2a"' not in response.content.decode()


@pytest.mark.parametrize("role", list(MAY_FIND))
def test_choosing_a_hidden_facet_value_reveals_nothing(world, role):
    for level, secret in SECRETS.items():
        if level in MAY_FIND[role]:
            continue
        for params in ({"land": secret["land"]}, {"thema": secret["topic"]},
                       {"q": SHARED, "land": secret["land"]}):  # fmt: skip
            response = world[role].get(URL, params)
            assert response.status_code == 200, (role, params)
            results = response.context["results"]
            assert results.total == 0, (role, params)
            html = response.content.decode()
            assert secret["title"] not in html and secret["phrase"] not in html


@pytest.mark.parametrize("role", list(MAY_FIND))
def test_suggestions_of_secret_titles_only_for_those_who_may(world, role):
    for level, secret in SECRETS.items():
        for prefix in (secret["title"][:6], secret["word"][:5]):
            response = world[role].get(SUGGEST_URL, {"q": prefix})
            assert response.status_code == 200
            titles = [item["title"] for item in json.loads(response.content)["suggestions"]]
            if level in MAY_FIND[role]:
                assert secret["title"] in titles, (role, level, prefix)
            else:
                assert secret["title"] not in titles, (role, level, prefix)
                assert secret["word"] not in response.content.decode()


@pytest.mark.parametrize("role", list(MAY_FIND))
def test_identity_words_are_never_found(world, role):
    for word in IDENTITY_WORDS:
        response = world[role].get(URL, {"q": word})
        assert response.context["results"].total == 0, (role, word)
        suggestions = json.loads(world[role].get(SUGGEST_URL, {"q": word}).content)
        assert suggestions == {"suggestions": []}, (role, word)


def test_public_document_is_found_by_everybody(world):
    for role, client in world.items():
        response = client.get(URL, {"q": PUBLIC["word"]})
        assert response.context["results"].total == 1, role
        assert PUBLIC["title"] in response.content.decode()
