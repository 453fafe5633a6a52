"""Who may see which identity field of whom. The only place that decides it.

Levels nest (see ``choices.Visibility``): *nobody* < *moderators* < *my
municipality* (and moderators) < *the whole network*. The person always sees
their own data. An admin's reveal does not widen anything here: it is a separate,
logged action (``actions.reveal_identity``).
"""

from dataclasses import dataclass

from .choices import VISIBILITY_RANK, Visibility
from .roles import ROLES

IDENTITY_FIELDS = ("real_name", "municipality", "office")


@dataclass(frozen=True)
class ViewerFacts:
    """What the privacy rules need to know about the person looking."""

    user_id: int | None
    is_member: bool
    is_moderator: bool
    municipality_ids: frozenset[int]


ANONYMOUS = ViewerFacts(None, False, False, frozenset())


def viewer_facts(user) -> ViewerFacts:
    """Facts about ``user`` as a viewer, computed once per user object (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_komma_viewer_facts", None)
    if cached is None:
        moderator_group = ROLES["moderator"].group_name
        cached = ViewerFacts(
            user_id=user.pk,
            is_member=True,
            is_moderator=user.groups.filter(name=moderator_group).exists(),
            municipality_ids=frozenset(user.memberships.values_list("municipality_id", flat=True)),
        )
        user._komma_viewer_facts = cached
    return cached


def subject_municipality_ids(subject) -> frozenset[int]:
    """The subject's municipalities, from prefetched memberships when available."""
    return frozenset(m.municipality_id for m in subject.memberships.all())


def level_allows(level: str, viewer: ViewerFacts, subject) -> bool:
    """Whether a field at ``level`` is visible to ``viewer``."""
    rank = VISIBILITY_RANK.get(level, 0)
    if rank >= VISIBILITY_RANK[Visibility.NETWORK] and viewer.is_member:
        return True
    if rank >= VISIBILITY_RANK[Visibility.MUNICIPALITY] and (
        viewer.municipality_ids & subject_municipality_ids(subject)
    ):
        return True
    return rank >= VISIBILITY_RANK[Visibility.MODERATORS] and viewer.is_moderator


def may_see(viewer_user, subject, field: str) -> bool:
    """Whether ``viewer_user`` may see ``subject``'s identity ``field``."""
    if field not in IDENTITY_FIELDS:
        raise ValueError(f"{field!r} is not an identity field")
    if subject.is_deleted:
        return False
    viewer = viewer_facts(viewer_user)
    if viewer.user_id is not None and viewer.user_id == subject.pk:
        return True
    return level_allows(getattr(subject, f"{field}_visibility"), viewer, subject)


def visible_municipality_ids(viewer_user, subject) -> frozenset[int]:
    """Which of the subject's municipalities the viewer may see named.

    Where the viewer sees the field only because they share a municipality, only
    the shared ones are named: the others would tell a colleague more than "my
    municipality" promised.
    """
    if not may_see(viewer_user, subject, "municipality"):
        return frozenset()
    own = subject_municipality_ids(subject)
    viewer = viewer_facts(viewer_user)
    level = subject.municipality_visibility
    if viewer.user_id == subject.pk:
        return own
    if VISIBILITY_RANK.get(level, 0) >= VISIBILITY_RANK[Visibility.NETWORK] and viewer.is_member:
        return own
    if viewer.is_moderator:
        return own
    return own & viewer.municipality_ids
