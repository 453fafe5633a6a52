"""The directory list and the organisation page cost a constant number of queries,
however many organisations (and channels, topics) there are."""

import pytest
from django.urls import reverse

from alliance.models import Category, ChannelKind, ChannelVisibility, ServiceAreaScope

from .conftest import client_for, make_org

pytestmark = pytest.mark.django_db

# The site's frame (templates/base.html; komma.core.frame) costs the same on every page
# and is counted apart: nothing for anonymous visitors (cached), session, user and the
# frame facts for a member.
ANONYMOUS_FRAME = 0
MEMBER_FRAME = 3
# Count and page of results, their visible channels and topics, four facets.
LIST_QUERIES = 4 + 4
# Organisation with location, visible channels, topics, service areas.
DETAIL_QUERIES = 4


def fill(n, topics):
    orgs = []
    for i in range(n):
        orgs.append(make_org(
            f"Organisation {i:03d}", category=list(Category.values)[i % 7],
            land=["SN", "BY", "NW"][i % 3], lat=51 + i / 100, lon=12 + i / 100,
            topics=[list(topics.values())[i % 3]], languages=("de", ["tr", "ar"][i % 2]),
            channels=[(ChannelKind.PHONE, f"+49 30 23125 {i:03d}", ChannelVisibility.PUBLIC),
                      (ChannelKind.EMAIL, f"k{i}@x.example", ChannelVisibility.NETWORK),
                      (ChannelKind.PHONE, f"+49 69 90009 {i:03d}", ChannelVisibility.HIDDEN)],
            areas=[(ServiceAreaScope.BUNDESLAND, "SN", "")],
        ))  # fmt: skip
    return orgs


def count_queries(client, url, django_assert_num_queries, expected):
    client.get(url)  # warm caches (plugin states, site, ...)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("n", [5, 50])
def test_list_anonymous(topics, django_assert_num_queries, n):
    fill(n, topics)
    url = reverse("alliance:index") + "?q=organisation&sprache=tr&sprache=de"
    count_queries(client_for(), url, django_assert_num_queries, ANONYMOUS_FRAME + LIST_QUERIES)


@pytest.mark.parametrize("n", [5, 50])
def test_list_member_by_distance(directory_cast, topics, django_assert_num_queries, n):
    fill(n, topics)
    url = reverse("alliance:index") + "?sortierung=entfernung&umkreis=500&land=sn&land=by"
    # + viewer facts, + the origin (the member's municipality)
    count_queries(client_for(directory_cast["member"]), url, django_assert_num_queries,
                  MEMBER_FRAME + LIST_QUERIES + 2)  # fmt: skip


@pytest.mark.parametrize("n", [5, 50])
def test_detail(directory_cast, topics, django_assert_num_queries, n):
    orgs = fill(n, topics)
    org = orgs[-1]
    for extra in range(n):
        org.topics.add(*topics.values())
        make_org(f"Weitere {extra}")
    # + viewer facts, + the origin (distance shown on the page)
    count_queries(client_for(directory_cast["member"]), org.get_absolute_url(),
                  django_assert_num_queries, MEMBER_FRAME + DETAIL_QUERIES + 2)  # fmt: skip


# 21 = every category in every Land of ``fill`` at least once (a category without entries
# costs no topics query).
@pytest.mark.parametrize("n", [21, 84])
def test_wizard_results(topics, django_assert_num_queries, n):
    fill(n, topics)
    url = reverse("alliance:wizard") + "?anliegen=racist_incident&land=sn"
    # Four categories of the situation: entries and topics each, plus the channels.
    count_queries(client_for(), url, django_assert_num_queries, ANONYMOUS_FRAME + 4 * 2 + 1)
