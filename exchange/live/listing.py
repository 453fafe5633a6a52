"""Reads of the live sessions' web pages, with permission: who is a facilitator, who may
see, manage and join a session, which sessions a member finds on the start page, and
who may be invited.

The room's own rules (who may connect, capacity) are in ``access``; these are the
rules of the HTTP pages. Unknown ids and sessions a member has nothing to do with
answer 404, so that a session's existence does not leak.
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from komma.accounts.choices import ProgrammeStatus
from komma.accounts.models import Membership, User
from komma.accounts.roles import ROLES

from .access import FACILITATOR_GROUP, in_audience, is_live_facilitator, is_session_facilitator
from .models import Audience, LiveSession, Participant, Role, State
from .selectors import sessions_for

PAST_LIMIT = 20  # ended sessions shown on the start page


def is_facilitator(user) -> bool:
    """May schedule sessions: members of the role "Moderation Live-Beratung" and
    superusers (as ``access.is_live_facilitator``), and admins (role "Administration").

    One query for both roles, cached on the user object as ``access`` caches it.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    admin = getattr(user, "_komma_live_admin", None)
    if admin is None:
        names = set(
            user.groups.filter(name__in=[FACILITATOR_GROUP, ROLES["admin"].group_name]).values_list(
                "name", flat=True
            )
        )
        admin = ROLES["admin"].group_name in names
        user._komma_live_admin = admin
        if getattr(user, "_live_facilitator", None) is None:
            user._live_facilitator = user.is_superuser or FACILITATOR_GROUP in names
    return admin or is_live_facilitator(user)


def may_manage(user, session: LiveSession, participant=None) -> bool:
    """Edit, cancel, open: the session's facilitators (``access``) and admins."""
    if not is_facilitator(user):  # first: fills the role cache ``access`` reads too
        return is_session_facilitator(user, session, participant)
    return True


@dataclass
class SessionView:
    """A session as one member sees it: their own participation (or None) and rights."""

    session: LiveSession
    participant: Participant | None
    manages: bool

    @property
    def removed(self) -> bool:
        return self.participant is not None and self.participant.removed_at is not None

    @property
    def is_case_giver(self) -> bool:
        return bool(
            (self.participant and self.participant.role == Role.CASE_GIVER)
            or (self.participant and self.session.case_giver_id == self.participant.user_id)
        )

    @property
    def in_session(self) -> bool:
        """Invited and not removed, or managing it."""
        return self.manages or (self.participant is not None and not self.removed)


def parse_public_id(raw) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError):
        raise Http404 from None


def access_session(user, public_id) -> SessionView:
    """The session ``public_id`` as ``user`` sees it; 404 for those not involved.

    Removed participants get the view (with ``removed``) so that pages can tell them;
    they see nothing of the session's content.
    Two queries: the session with facilitator and case giver, the own participation
    (plus one for the facilitator role when needed, cached).
    """
    if user is None or not user.is_authenticated:
        raise Http404
    session = (
        LiveSession.objects.select_related("created_by", "case_giver")
        .filter(public_id=parse_public_id(public_id))
        .first()
    )
    if session is None:
        raise Http404
    participant = Participant.objects.filter(session=session, user=user).first()
    manages = may_manage(user, session, participant)
    if not manages and (participant is None or not in_audience(user, session)):
        raise Http404  # not invited, or no longer in the audience (as in the room)
    return SessionView(session=session, participant=participant, manages=manages)


def visible_participants(session: LiveSession):
    """The session's participants (not removed), facilitator first, with their users."""
    order = {Role.FACILITATOR: 0, Role.CASE_GIVER: 1, Role.SECRETARY: 2, Role.CONSULTANT: 3}
    people = list(
        Participant.objects.filter(session=session, removed_at__isnull=True).select_related("user")
    )
    people.sort(key=lambda p: (order.get(p.role, 9), p.user.display_name.lower()))
    return people


@dataclass
class SessionLists:
    live: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    past: list = field(default_factory=list)


def index_lists(user) -> SessionLists:
    """The start page's lists: open now, upcoming, ended (latest first).

    Which sessions: ``selectors.sessions_for`` (invited and not removed, or
    facilitating; the role's members see all). Cancelled ones are left out. One
    query for the sessions with their facilitator (plus the role check, cached).
    """
    lists = SessionLists()
    sessions = list(sessions_for(user).exclude(state=State.CANCELLED).select_related("created_by"))
    for session in sessions:
        if session.state == State.SCHEDULED:
            lists.upcoming.append(session)
        elif session.state in (State.LOBBY, State.LIVE):
            lists.live.append(session)
    ended = [s for s in sessions if s.state == State.ENDED]
    ended.sort(key=lambda s: s.ended_at or s.starts_at, reverse=True)
    lists.past = ended[:PAST_LIMIT]
    return lists


# --- Who may be invited -------------------------------------------------------------------
def eligible_members(audience: str):
    """Active members who may be invited for ``audience``: members of a model
    municipality, or of any member municipality."""
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    if audience == Audience.MODEL:
        memberships = memberships.filter(municipality__programme_status=ProgrammeStatus.MODEL)
    return User.objects.filter(Exists(memberships), is_active=True, deleted_at__isnull=True)


def members_by_pseudonym(audience: str, pseudonyms: list[str]) -> dict[str, User]:
    """The eligible members among ``pseudonyms``, keyed by the lower-cased pseudonym."""
    wanted = {name.lower() for name in pseudonyms}
    if not wanted:
        return {}
    found = {}
    query = Q()
    for name in wanted:
        query |= Q(pseudonym__iexact=name)
    for user in eligible_members(audience).filter(query):
        found[user.pseudonym.lower()] = user
    return found
