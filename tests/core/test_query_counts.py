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


# Knowledge platform: the menu pages and the newest knowledge pages, narrowed by view
# restrictions (one query per request) and, for members, the reader's level (one query).
ANON_HOME = 9  # restrictions, menu pages, newest knowledge pages
MEMBER_HOME = 16  # + unread-message count of the account menu, reader's level
MEMBER_PROFILE = 17  # + unread-message count, reader's level, restrictions, menu pages


def test_member_pages_are_not_stored(client, member):
    client.force_login(member)
    response = client.get(reverse("accounts:profile"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.logout()
    assert not client.get("/").has_header("Cache-Control")
