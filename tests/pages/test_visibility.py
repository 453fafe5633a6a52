"""Visibility levels, enforced for every role: serving, listings, related content,
sitemap, feeds, navigation and document downloads."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from komma.pages.models import GoodPracticePage, RecommendationPage, StandardPage

ROLES = ["anonymous", "applicant", "partner", "model", "editor"]
# What each role gets when opening a page of each level: 200, a login prompt, or 404.
EXPECTED = {
    "anonymous": {"public": 200, "network": "login", "model": "login"},
    "applicant": {"public": 200, "network": 200, "model": 404},
    "partner": {"public": 200, "network": 200, "model": 404},
    "model": {"public": 200, "network": 200, "model": 200},
    "editor": {"public": 200, "network": 200, "model": 200},
}


@pytest.fixture
def levels(make_page):
    """One page per level; titles and leads are distinctive so leaks can be searched."""
    return {
        level: make_page(
            GoodPracticePage,
            f"Titel-{level}-Xq7",
            visibility=level,
            topics=["Clearingverfahren"],
            areas=["2"],
        )
        for level in ("public", "network", "model")
    }


def as_reader(client, readers, role):
    if readers[role] is not None:
        client.force_login(readers[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_serving_follows_the_level(client, readers, levels, role):
    as_reader(client, readers, role)
    for level, page in levels.items():
        response = client.get(page.url)
        expected = EXPECTED[role][level]
        if expected == "login":
            assert response.status_code == 302
            assert response["Location"].startswith("/konto/login/?next=")
        else:
            assert response.status_code == expected, (role, level)
        body = response.content.decode()
        if expected != 200:
            assert page.title not in body and page.lead not in body


@pytest.mark.parametrize("role", ROLES)
def test_listing_shows_only_readable_pages(client, readers, levels, hub, role):
    as_reader(client, readers, role)
    body = client.get(hub.url).content.decode()
    for level, page in levels.items():
        readable = EXPECTED[role][level] == 200
        assert (page.title in body) is readable, (role, level)
        assert (page.lead in body) is readable, (role, level)


@pytest.mark.parametrize("role", ["anonymous", "applicant", "model"])
def test_related_content_shows_only_readable_pages(client, readers, levels, make_page, role):
    # Shares topic and module area with every level's page.
    page = make_page(RecommendationPage, "Empfehlung Clearing", topics=["Clearingverfahren"],
                     areas=["2"])  # fmt: skip
    as_reader(client, readers, role)
    body = client.get(page.url).content.decode()
    assert "Verwandte Seiten" in body or "Related pages" in body
    for level, other in levels.items():
        assert (other.title in body) is (EXPECTED[role][level] == 200), (role, level)


def test_sitemap_lists_public_pages_only(client, readers, levels):
    client.force_login(readers["model"])  # even a reader of everything gets the public map
    body = client.get("/sitemap.xml").content.decode()
    assert levels["public"].url in body
    assert levels["network"].url not in body
    assert levels["model"].url not in body


@pytest.mark.parametrize("path", ["feed/", "feed/atom/"])
def test_feeds_carry_public_pages_only(client, readers, levels, hub, path):
    client.force_login(readers["model"])
    body = client.get(hub.url + path).content.decode()
    assert levels["public"].title in body
    assert "Titel-network" not in body and "Titel-model" not in body


def test_navigation_shows_menu_pages_by_level(client, readers, home, hub):
    internal = StandardPage(title="Interne Hinweise Zq9", slug="intern", visibility="network",
                            show_in_menus=True)  # fmt: skip
    home.add_child(instance=internal)
    internal.save_revision().publish()
    anonymous_body = client.get("/").content.decode()
    assert hub.title in anonymous_body
    assert internal.title not in anonymous_body
    client.force_login(readers["applicant"])
    assert internal.title in client.get("/").content.decode()


def test_a_page_is_never_more_open_than_its_parent(home, make_page):
    section = StandardPage(title="Nur Netzwerk", slug="netz", visibility="network")
    home.add_child(instance=section)
    child = StandardPage(title="Offen darunter", slug="offen", visibility="public")
    with pytest.raises(ValidationError) as caught:
        section.add_child(instance=child)
    assert "visibility" in caught.value.message_dict
    assert not StandardPage.objects.filter(slug="offen").exists()


def test_tightening_a_parent_closes_its_descendants(home):
    section = StandardPage(title="Bereich", slug="bereich", visibility="public")
    home.add_child(instance=section)
    section.save_revision().publish()
    child = StandardPage(title="Unterseite", slug="unterseite", visibility="network")
    section.add_child(instance=child)
    child.save_revision().publish()
    section.visibility = "model"
    section.save_revision().publish()
    child.refresh_from_db()
    assert child.visibility == "model"


@pytest.fixture
def model_only_document(make_page, file_storage):
    document = get_document_model().objects.create(
        title="Interne Auswertung", file=ContentFile(b"vertraulich", name="auswertung.txt")
    )
    body = [{"type": "downloads", "value": {"heading": "Downloads", "documents": [
        {"document": document.pk, "title": ""}]}}]  # fmt: skip
    make_page(GoodPracticePage, "Auswertung", visibility="model", body=body)
    return document


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("applicant", 404), ("partner", 404), ("model", 200), ("editor", 200)],
)
def test_documents_are_served_like_the_pages_linking_them(
    client, readers, model_only_document, role, expected
):
    as_reader(client, readers, role)
    response = client.get(model_only_document.url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"vertraulich"


def test_a_document_no_page_links_is_for_editors_only(client, readers, file_storage):
    document = get_document_model().objects.create(
        title="Entwurf", file=ContentFile(b"entwurf", name="entwurf.txt")
    )
    client.force_login(readers["model"])
    assert client.get(document.url).status_code == 404
    client.force_login(readers["editor"])
    assert client.get(document.url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_home_page_shows_only_readable_news(client, readers, levels, role):
    as_reader(client, readers, role)
    body = client.get("/").content.decode()
    for level, page in levels.items():
        assert (page.title in body) is (EXPECTED[role][level] == 200), (role, level)


def test_a_draft_from_before_the_parent_closed_is_published_closed(home):
    section = StandardPage(title="Bereich", slug="bereich", visibility="public")
    home.add_child(instance=section)
    section.save_revision().publish()
    child = StandardPage(title="Unterseite", slug="unterseite", visibility="public")
    section.add_child(instance=child)
    child.save_revision().publish()
    child.lead = "Neuer Anriss"
    draft = child.save_revision()  # still "public"
    section.visibility = "network"
    section.save_revision().publish()
    draft.publish()  # a scheduled or approved draft: no error, and not more open
    child.refresh_from_db()
    assert (child.visibility, child.lead) == ("network", "Neuer Anriss")
