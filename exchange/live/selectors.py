"""Reads of the live sessions, with permission.

``sessions_for(user)`` and ``access_session_page(user, public_id)`` serve the HTTP
views; the rest serves the room (welcome, replay, presence), and returns what
``events`` turns into frames.
"""

from django.db.models import Q
from django.utils import timezone

from .access import (  # noqa: F401 - re-exported for the views
    RoomAccess,
    access_session_page,
    is_live_facilitator,
    is_session_facilitator,
    presence_ttl,
)
from .models import LiveSession, Message, Participant


def sessions_for(user):
    """Sessions ``user`` may see in lists: invited (not removed) or scheduled by them;
    members of the role "Moderation Live-Beratung" see every session.

    A queryset ordered by start, for the views to filter by state or time.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return LiveSession.objects.none()
    sessions = LiveSession.objects.all()
    if not is_live_facilitator(user):
        invited = Participant.objects.filter(user=user, removed_at__isnull=True).values(
            "session_id"
        )
        sessions = sessions.filter(Q(pk__in=invited) | Q(created_by=user))
    return sessions.order_by("starts_at", "pk")


def room_participants(session_id: int) -> list[Participant]:
    """Everyone in the room's list (not removed), with their user; one query."""
    return list(
        Participant.objects.filter(session_id=session_id, removed_at__isnull=True)
        .select_related("user")
        .order_by("invited_at", "pk")
    )


def is_online(participant: Participant, now=None) -> bool:
    seen = participant.last_seen_at
    return seen is not None and seen >= (now or timezone.now()) - presence_ttl()


def messages_after(session_id: int, last_seq: int) -> list[Message]:
    """The messages a reconnecting client missed, in order; one query."""
    return list(
        Message.objects.filter(session_id=session_id, seq__gt=last_seq)
        .select_related("author")
        .order_by("seq")
    )


def hand_queue(participants: list[Participant]) -> list[Participant]:
    """Raised hands, first raised first."""
    raised = [p for p in participants if p.hand_raised_at is not None]
    return sorted(raised, key=lambda p: (p.hand_raised_at, p.pk))
