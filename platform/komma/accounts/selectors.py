"""Reads with permission checks. Views call these; they never filter by hand."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Invitation, Municipality, User
from .presentation import PEOPLE_PREFETCH
from .validators import PSEUDONYM_RE


def is_platform_admin(user) -> bool:
    """Admins may invite into any municipality and reveal identities (with a reason)."""
    return user.is_authenticated and user.has_perm("accounts.invite_members")


def invitable_municipalities(user):
    """The municipalities ``user`` may invite members into."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    if is_platform_admin(user):
        return Municipality.objects.all()
    return Municipality.objects.filter(
        memberships__user=user, memberships__is_coordinator=True
    ).distinct()


def can_invite(user) -> bool:
    """Admins and municipal coordinators may invite."""
    return is_platform_admin(user) or invitable_municipalities(user).exists()


def invitations_visible_to(user):
    """Invitations ``user`` may list: all for admins, their municipalities' for coordinators."""
    if not can_invite(user):
        raise PermissionDenied
    qs = Invitation.objects.select_related("municipality", "invited_by")
    if is_platform_admin(user):
        return qs
    return qs.filter(municipality__in=invitable_municipalities(user))


def access_member(viewer, pseudonym: str) -> User:
    """An active member by pseudonym, for a logged-in viewer; 404 otherwise."""
    if not viewer.is_authenticated:
        raise PermissionDenied
    if not PSEUDONYM_RE.fullmatch(pseudonym or ""):  # junk (e.g. NUL bytes) never queries
        raise Http404
    try:
        return User.objects.prefetch_related(*PEOPLE_PREFETCH).get(
            pseudonym__iexact=pseudonym, is_active=True, deleted_at__isnull=True
        )
    except User.DoesNotExist as exc:
        raise Http404 from exc


def open_invitation_by_token(token: str) -> Invitation | None:
    """The invitation for ``token`` if it exists; status is checked by the caller."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("municipality")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
