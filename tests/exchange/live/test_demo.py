"""Demo content of the live sessions: three sessions, idempotent, usable."""

import pytest
from django.urls import reverse

from exchange.live.demo import demo_id, seed_live
from exchange.live.models import LiveSession, LogAction, Message, Participant, SessionLog, State
from komma.core.demo import DemoContext, seed_municipalities, seed_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_context(db):
    context = DemoContext()
    seed_municipalities(context)
    seed_people(context)
    return context


def counts():
    return (LiveSession.objects.count(), Participant.objects.count(), Message.objects.count(),
            SessionLog.objects.count())  # fmt: skip


def test_three_sessions_and_idempotent(demo_context):
    seed_live(demo_context)
    first = counts()
    seed_live(demo_context)
    assert counts() == first
    states = dict(LiveSession.objects.values_list("public_id", "state"))
    assert states == {
        demo_id("upcoming"): State.SCHEDULED,
        demo_id("live"): State.LIVE,
        demo_id("ended"): State.ENDED,
    }


def test_live_session_can_be_joined_by_the_demo_members(client, demo_context):
    seed_live(demo_context)
    live = LiveSession.objects.get(public_id=demo_id("live"))
    assert live.phase and live.phase_ends_at and live.started_at
    invited = set(live.participants.filter(removed_at__isnull=True).values_list(
        "user__pseudonym", flat=True))  # fmt: skip
    # Every demo member of a model municipality, and the facilitator.
    assert {"MutigeEiche", "StarkeLinde", "OffeneWeide", "WacheLerche"} <= invited
    for pseudonym in ("MutigeEiche", "WacheLerche"):
        client.force_login(demo_context.people[pseudonym])
        response = client.get(reverse("live:room", kwargs={"public_id": live.public_id}))
        assert response.status_code == 200
    assert list(live.messages.values_list("seq", flat=True)) == [1, 2, 3]
    assert live.last_seq == 3


def test_ended_session_has_minutes(client, demo_context):
    seed_live(demo_context)
    ended = LiveSession.objects.get(public_id=demo_id("ended"))
    assert ended.notes and ended.ended_at
    seqs = list(ended.messages.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and ended.last_seq == len(seqs) >= 3
    assert SessionLog.objects.filter(session=ended, action=LogAction.PHASE).count() == 5
    client.force_login(ended.case_giver)
    target = reverse("live:minutes", kwargs={"public_id": ended.public_id})
    text = client.get(target + "?format=md&chat=on").content.decode()
    assert "Abschluss" in text and "Hausrecht" in text and "Polizei" in text


def test_seed_demo_runs_the_hook(db):
    from komma.core.demo import seed_demo

    seed_demo()
    assert LiveSession.objects.filter(public_id=demo_id("live"), state=State.LIVE).exists()
