"""The editors' dashboard panel: pages awaiting review and pages not reviewed for a year."""

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from komma.pages.models import StandardPage
from komma.review.panels import ReviewDashboardPanel
from komma.review.receivers import review_panel

from .conftest import edit_url, logged_in, submit, with_role

pytestmark = pytest.mark.django_db

REQUESTER = {
    "first_name": "Zacharias",
    "last_name": "Quellenfeld-Oyelaran",
    "email": "zq.geheim.4711@verwaltung-leak.example",
}
PANEL_ID = 'id="komma-review-awaiting-section"'


def live_page(home, title, *, published_days_ago, reviewed_days_ago=None):
    """A live standard page first published (and maybe reviewed) that many days ago."""
    page = home.add_child(instance=StandardPage(title=title, slug=title.lower().replace(" ", "-")))
    page.save_revision().publish()
    now = timezone.now()
    StandardPage.objects.filter(pk=page.pk).update(
        first_published_at=now - timedelta(days=published_days_ago),
        last_reviewed_at=(
            None if reviewed_days_ago is None else now - timedelta(days=reviewed_days_ago)
        ),
    )
    return page


@pytest.fixture
def requester(make_member):
    """An editor with a real name and address that must never show."""
    return with_role(make_member, "LeiseFeder", "editor", **REQUESTER)


@pytest.fixture
def stale_and_fresh(home):
    """Two stale pages (the older first), three that are not stale."""
    return {
        "oldest": live_page(home, "Zwei Jahre alt", published_days_ago=900, reviewed_days_ago=730),
        "old": live_page(home, "Nie geprueft", published_days_ago=500),
        "reviewed": live_page(
            home, "Frisch geprueft", published_days_ago=900, reviewed_days_ago=30
        ),
        "new": live_page(home, "Neu erschienen", published_days_ago=60),
    }


def section(html: str, panel: str) -> str:
    """The HTML of one of the panel's two sections."""
    match = re.search(rf'id="komma-review-{panel}-section".*?</section>', html, re.S)
    assert match, f"panel {panel} missing"
    return match.group(0)


def test_editor_sees_pages_awaiting_review_and_stale_pages(
    draft, requester, editor_b, stale_and_fresh
):
    submit(draft, requester)
    html = logged_in(editor_b).get("/admin/").content.decode()

    awaiting = section(html, "awaiting")
    assert f'<a href="{edit_url(draft)}">Umgang mit Drohschreiben</a>' in awaiting
    assert "LeiseFeder" in awaiting
    assert awaiting.count("<tr>") == 2  # header and the one page
    assert f'<a href="{edit_url(draft)}">Review</a>' in awaiting  # B may review it

    stale = section(html, "stale")
    titles = re.findall(r'<td class="title"><a href="[^"]+">([^<]+)</a>', stale)
    assert titles == ["Zwei Jahre alt", "Nie geprueft"]
    assert edit_url(stale_and_fresh["oldest"]) in stale


def test_the_requester_sees_the_page_as_their_own(draft, requester):
    submit(draft, requester)
    awaiting = section(logged_in(requester).get("/admin/").content.decode(), "awaiting")
    assert "Your submission: another editor reviews it." in awaiting
    assert ">Review</a>" not in awaiting


def test_the_panel_shows_pseudonyms_only(draft, requester, editor_b):
    submit(draft, requester)
    html = logged_in(editor_b).get("/admin/").content.decode()
    assert "LeiseFeder" in html
    for secret in ("Zacharias", "Quellenfeld", "Oyelaran", "zq.geheim", "verwaltung-leak"):
        assert secret not in html, secret


@pytest.mark.parametrize(
    ("roles", "superuser", "shown"),
    [
        (["editor"], False, True),
        (["reviewer"], False, True),
        (["admin"], False, False),  # admins no longer work on pages
        (["editor", "admin"], False, True),
        ([], True, True),
        (["moderator"], False, False),
    ],
)
def test_who_gets_the_panel(make_member, roles, superuser, shown):
    user = with_role(make_member, "Schauende", *roles, is_superuser=superuser)
    response = logged_in(user).get("/admin/")
    assert response.status_code == 200
    assert (PANEL_ID in response.content.decode()) is shown
    request = RequestFactory().get("/admin/")
    request.user = user
    assert bool(review_panel(sender=None, request=request)) is shown


def test_a_member_without_a_role_gets_no_panel(rf, member):
    request = rf.get("/admin/")
    request.user = member
    assert review_panel(sender=None, request=request) == []


def test_panel_query_count_does_not_grow_with_the_pages(
    home, make_member, editor_a, editor_b, django_assert_num_queries
):
    """Pinned: a change here is a deliberate decision."""
    from komma.accounts.models import User

    def render():
        request = RequestFactory().get("/admin/")
        request.user = User.objects.get(pk=editor_b.pk)  # nothing cached on the user
        with django_assert_num_queries(PANEL_QUERIES):
            return ReviewDashboardPanel(request).render_html({})

    for number in range(3):
        page = home.add_child(instance=StandardPage(title=f"Entwurf {number}", live=False))
        submit(page, with_role(make_member, f"Autorin{number}", "editor"))
        live_page(home, f"Alt {number}", published_days_ago=400 + number)
        html = render()
        assert html.count("Entwurf") == number + 1
        assert html.count(">Alt ") == number + 1


PANEL_QUERIES = 9
