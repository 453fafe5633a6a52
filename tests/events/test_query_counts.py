"""Pinned query counts of the event pages (a change here is a deliberate decision).

Each count is measured twice: with a few events and registrations, and with many
more; the number must not grow with them.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from komma.events.models import Registration

pytestmark = pytest.mark.django_db

# Wagtail's routing through home -> index -> event costs 7 of these (site, one query
# per level, alias check, view restrictions); the site chrome and navigation a few more.
ANON_EVENT = 13  # + seats
MEMBER_EVENT = 23  # + own registration, waiting-list position, facilitator, permissions, seats
FACILITATOR_PARTICIPANTS = 25  # + registrations, their memberships and municipalities
ANON_INDEX = 13  # + upcoming (with seats), past page and its count
MEMBER_INDEX = 21  # + own registrations (positions in the same query)


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
    with django_assert_num_queries(MEMBER_INDEX):
        response = client.get(url)
    assert response.content.decode().count("event-badge-waitlisted") == 14  # 7 mine + 7 listed
