"""RSS and Atom feeds of public knowledge pages."""

import xml.etree.ElementTree as ET

import pytest

from komma.pages.models import ArticlePage, RecommendationPage

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed_pages(make_page):
    return [
        make_page(RecommendationPage, "Öffentliche Empfehlung", topics=["Clearingverfahren"]),
        make_page(ArticlePage, "Öffentlicher Artikel", topics=["Allianzaufbau"]),
        make_page(ArticlePage, "Interner Artikel", visibility="network"),
    ]


def test_rss_is_valid_and_public_only(client, hub, feed_pages):
    response = client.get(hub.url + "feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    channel = root.find("channel")
    items = {item.findtext("title"): item for item in channel.findall("item")}
    assert set(items) == {"Öffentliche Empfehlung", "Öffentlicher Artikel"}
    item = items["Öffentliche Empfehlung"]
    assert item.findtext("link").endswith(feed_pages[0].url)
    assert item.findtext("description") == "Anriss von Öffentliche Empfehlung"
    assert [c.text for c in item.findall("category")] == ["Clearingverfahren"]


def test_atom_is_valid_and_filterable(client, hub, feed_pages):
    response = client.get(hub.url + "feed/atom/?thema=allianzaufbau")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == [
        "Öffentlicher Artikel"
    ]


def test_a_feed_with_junk_filters_says_so(client, hub, feed_pages):
    response = client.get(hub.url + "feed/?land=Mars")
    assert response.status_code == 400
    assert "Mars" in response.content.decode()


def test_the_listing_links_its_feeds(client, hub):
    body = client.get(hub.url).content.decode()
    assert f'type="application/rss+xml" title="{hub.title} (RSS)" href="{hub.url}feed/"' in body
