"""A module's own search box: the knowledge hub and the events index search their own
area only, end to end (pages published, indexed on commit, found through /suche/)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from komma.events.models import EventIndexPage, EventPage
from komma.pages.models import ArticlePage, HomePage, KnowledgeHubPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_pages(django_capture_on_commit_callbacks):
    home = HomePage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        hub = home.add_child(instance=KnowledgeHubPage(title="Wissen", slug="wissen"))
        article = hub.add_child(
            instance=ArticlePage(
                title="Zuständigkeitsklärung im Rathaus",
                slug="artikel",
                lead="Zuständigkeitsklärung",
            )
        )
        article.save_revision().publish()
        events = home.add_child(
            instance=EventIndexPage(title="Fortbildungen", slug="fortbildungen")
        )
        start = timezone.now() + timedelta(days=9)
        event = events.add_child(
            instance=EventPage(
                title="Workshop Zuständigkeitsklärung",
                slug="workshop",
                start=start,
                end=start + timedelta(hours=2),
                format="online",
                online_link="https://x.example/r",
                capacity=5,
                registration_deadline=start - timedelta(days=1),
            )
        )
        event.save_revision().publish()
    return hub, events


def test_the_hub_and_the_events_index_offer_their_own_search(client, site_pages):
    hub, events = site_pages
    hub_html = client.get(hub.url).content.decode()
    assert 'name="bereich" value="wissen"' in hub_html and 'role="search"' in hub_html
    events_html = client.get(events.url).content.decode()
    assert 'name="bereich" value="fortbildungen"' in events_html


@pytest.mark.parametrize(
    ("area", "found", "not_found"),
    [("wissen", "Zuständigkeitsklärung im Rathaus", "Workshop Zuständigkeitsklärung"),
     ("fortbildungen", "Workshop Zuständigkeitsklärung", "Zuständigkeitsklärung im Rathaus")],
)  # fmt: skip
def test_an_area_search_finds_only_its_area(client, site_pages, area, found, not_found):
    html = client.get("/suche/", {"q": "Zuständigkeitsklärung", "bereich": area}).content.decode()
    assert found in html and not_found not in html
