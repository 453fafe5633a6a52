"""Pinned query counts of the event pages (a change here is a deliberate decision).

Each count is measured twice: with a few events and registrations, and with many
more; the number must not grow with them.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from komma.events.models import Registration

pytestmark = pytest.mark.django_db

# Wagtail's routing through home -> index -> event costs 8 of these (site, home page,
# index and event: slug lookup and specific page each, ancestors' alias check, view
# restrictions); to the index 6. The frame costs nothing for anonymous readers and one
# query for members (frame_facts); menu pages and footer come from the (warm) cache.
ANON_EVENT = 9  # routing 8 + seats
# + session, user, reader's level, own registration, waiting-list position, facilitator
# check, permissions (2), seats, frame_facts
MEMBER_EVENT = 18
# session, user, routing 8, reader's level, facilitator check, registrations with users,
# their memberships and municipalities, frame_facts, the viewer's moderator group and
# own municipalities (person cards)
FACILITATOR_PARTICIPANTS = 18
# routing 6, view restrictions for listings, upcoming (with seats), past count and page
ANON_INDEX = 10
# + session, user, reader's level, own registrations (positions in the same query),
# frame_facts
MEMBER_INDEX = 15


@pytest.fixture
def crowd(make_member, municipality):
    """Makes ``n`` more members (each with a membership)."""
    made = []

    def make(n):
        start = len(made)
        for i in range(start, start + n):
            made.append(make_member(f"Gast{i:03d}", municipality=municipality))
        return made[start:]

    return make


def fill(event, users, status="confirmed"):
    Registration.objects.bulk_create(
        Registration(event=event, user=user, status=status) for user in users
    )


def warm(client, url):
    client.get(url)  # site root paths, plugin states and the like are cached after this
    return url


def test_event_page_anonymous(client, event, crowd, django_assert_num_queries):
    url = warm(client, event.url)
    with django_assert_num_queries(ANON_EVENT):
        assert client.get(url).status_code == 200
    fill(event, crowd(10), "waitlisted")
    with django_assert_num_queries(ANON_EVENT):
        assert client.get(url).status_code == 200


def test_event_page_member_on_the_waiting_list(
    client, make_event, model_member, crowd, django_assert_num_queries
):
    event = make_event(capacity=2)
    fill(event, crowd(2))
    fill(event, [model_member], "waitlisted")
    client.force_login(model_member)
    url = warm(client, event.url)
    with django_assert_num_queries(MEMBER_EVENT):
        assert client.get(url).status_code == 200
    fill(event, crowd(15), "waitlisted")
    for _ in range(5):
        make_event()
    warm(client, url)  # new pages renew the cached menu: measure a warm cache again
    with django_assert_num_queries(MEMBER_EVENT):
        assert client.get(url).status_code == 200


def test_participant_list(client, event, facilitator, crowd, django_assert_num_queries):
    event.facilitators.add(facilitator)
    event.save()
    fill(event, crowd(2))
    client.force_login(facilitator)
    url = warm(client, event.url + "teilnehmende/")
    with django_assert_num_queries(FACILITATOR_PARTICIPANTS):
        assert client.get(url).status_code == 200
    fill(event, crowd(20), "waitlisted")
    with django_assert_num_queries(FACILITATOR_PARTICIPANTS):
        response = client.get(url)
    assert response.content.decode().count('class="person-card"') == 22


def _past(make_event, n):
    now = timezone.now()
    for i in range(n):
        start = now - timedelta(days=40 + i)
        make_event(start=start, registration_deadline=start)


def test_index_anonymous(client, index, make_event, django_assert_num_queries):
    make_event()
    _past(make_event, 1)
    url = warm(client, index.url)
    with django_assert_num_queries(ANON_INDEX):
        assert client.get(url).status_code == 200
    for _ in range(6):
        make_event()
    _past(make_event, 14)
    warm(client, url)  # new pages renew the cached menu: measure a warm cache again
    with django_assert_num_queries(ANON_INDEX):
        assert client.get(url).status_code == 200


def test_index_member(client, index, make_event, model_member, crowd, django_assert_num_queries):
    first = make_event(capacity=1)
    fill(first, crowd(1))
    fill(first, [model_member], "waitlisted")
    _past(make_event, 1)
    client.force_login(model_member)
    url = warm(client, index.url)
    with django_assert_num_queries(MEMBER_INDEX):
        assert client.get(url).status_code == 200
    for _ in range(6):
        event = make_event(capacity=1)
        fill(event, crowd(1))
        fill(event, [model_member], "waitlisted")
    _past(make_event, 14)
    warm(client, url)  # new pages renew the cached menu: measure a warm cache again
    with django_assert_num_queries(MEMBER_INDEX):
        response = client.get(url)
    assert response.content.decode().count("event-badge-waitlisted") == 14  # 7 mine + 7 listed
