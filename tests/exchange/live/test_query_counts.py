"""Pinned query counts of the list and detail pages (regressions show up here)."""

import pytest
from django.urls import reverse

from exchange.live.models import State

from .web_fixtures import *  # noqa: F403  (the fixtures)
from .web_fixtures import login, make_session

pytestmark = pytest.mark.django_db


def test_index_queries(client, web_cast, django_assert_num_queries):
    for state in (State.SCHEDULED, State.LIVE, State.ENDED, State.SCHEDULED, State.LOBBY):
        make_session(web_cast, state)
    login(client, web_cast["consultant"])
    client.get(reverse("live:index"))  # warm the per-process caches (plugin states, menu)
    # 1 session, 2 user, 3 both role checks (Moderation Live-Beratung, Administration;
    # cached for the request), 4 the sessions with their facilitator, 5 the site frame's
    # facts of the user (menu, permissions).
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(reverse("live:index"))
    assert response.status_code == 200
    assert len(response.context["lists"].upcoming) == 2


def test_session_queries(client, web_cast, django_assert_num_queries):
    session = make_session(web_cast, State.LIVE)
    login(client, web_cast["consultant"])
    target = reverse("live:session", kwargs={"public_id": session.public_id})
    client.get(target)
    # 1 session, 2 user, 3 the live session with facilitator and case giver, 4 own
    # participation, 5 both role checks, 6 still in the audience, 7 participants with
    # their users, 8 the site frame's facts of the user.
    with django_assert_num_queries(SESSION_QUERIES):
        response = client.get(target)
    assert response.status_code == 200


INDEX_QUERIES = 5
SESSION_QUERIES = 8
