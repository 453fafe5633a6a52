"""Pinned query counts of the core pages (a change here is a deliberate decision)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def warm(client):
    client.get("/")  # Wagtail site lookup and plugin states are cached after the first request
    return client


def test_home_anonymous(warm, django_assert_num_queries):
    with django_assert_num_queries(ANON_HOME):
        assert warm.get("/").status_code == 200


def test_home_member(warm, member, django_assert_num_queries):
    warm.force_login(member)
    warm.get("/")
    with django_assert_num_queries(MEMBER_HOME):
        assert warm.get("/").status_code == 200


def test_member_profile(warm, member, make_member, municipality, django_assert_num_queries):
    other = make_member("StarkeEiche", municipality=municipality, real_name_visibility="network")
    warm.force_login(member)
    url = reverse("accounts:member", args=[other.pseudonym])
    warm.get(url)
    with django_assert_num_queries(MEMBER_PROFILE):
        assert warm.get(url).status_code == 200


# Warm cache: the menu pages and footer links come from the shared cache (core.frame),
# so an anonymous frame costs no query and a member's one (frame_facts: admin access,
# may invite, unread messages, level).
# Home: Wagtail routing (site, home page, ancestors' alias check, the page's view
# restrictions: 4), the view restrictions for listings, the newest knowledge pages.
ANON_HOME = 6
# + session, user, the reader's level (asked by the view, before the frame primes it),
# frame_facts; the listings' restrictions leave out login ones.
MEMBER_HOME = 10
# Session, user, the member shown, their memberships and municipalities, the viewer's
# moderator group and own municipalities (2), frame_facts. No Wagtail routing.
MEMBER_PROFILE = 8


def test_member_pages_are_not_stored(client, member):
    client.force_login(member)
    response = client.get(reverse("accounts:profile"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.logout()
    assert not client.get("/").has_header("Cache-Control")
