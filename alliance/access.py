"""Who may see what in the alliance directory. The one place that decides.

Entries
    Active and temporarily closed organisations are public directory entries:
    everyone finds them, anonymous visitors included. Inactive entries are kept
    for the record and shown only to editors and to the organisation's own
    verified partners.

Contact channels (``models.ChannelVisibility``), nested audiences from open to
closed; each viewer sees the levels up to their own:

============  ====================================================================
level         who sees channels of this level
============  ====================================================================
public        everyone
network       every logged-in, active account ("network members")
partners      *verified partners*: members of a municipality of the network,
              accounts of the role Allianzpartner with at least one partner link
              an editor has verified, and editors
hidden        editors only: the roles Redaktion, Redaktion Freigabe and
              Administration, and superusers
============  ====================================================================

In addition, a verified partner sees *every* channel of the organisations they
are verified for (they keep those entries current). An unverified partner link
gives nothing beyond "network". Inactive or deleted accounts are anonymous.

What a viewer is costs one query per request (cached on the user object).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from komma.accounts.models import Membership, User
from komma.accounts.roles import ROLES

from .models import ChannelVisibility, ContactChannel, Organization, Status

EDITOR_ROLES = ("editor", "reviewer", "admin")

ANONYMOUS = "anonymous"
NETWORK = "network"
PARTNER = "partner"
EDITOR = "editor"

# The channel levels each viewer tier sees.
TIER_LEVELS: dict[str, tuple[str, ...]] = {
    ANONYMOUS: (ChannelVisibility.PUBLIC,),
    NETWORK: (ChannelVisibility.PUBLIC, ChannelVisibility.NETWORK),
    PARTNER: (ChannelVisibility.PUBLIC, ChannelVisibility.NETWORK, ChannelVisibility.PARTNERS),
    EDITOR: tuple(ChannelVisibility.values),
}
LISTED_STATUSES = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)


@dataclass(frozen=True)
class DirectoryViewer:
    """What the directory rules need to know about the person looking."""

    user_id: int | None
    tier: str = ANONYMOUS
    is_member: bool = False  # member of a municipality of the network
    is_partner_role: bool = False  # role Allianzpartner (verified or not)
    own_organization_ids: frozenset[int] = frozenset()  # verified partner links

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_editor(self) -> bool:
        return self.tier == EDITOR

    @property
    def is_verified_partner(self) -> bool:
        """Sees channels of the level "verified partners" (editors included)."""
        return self.tier in (PARTNER, EDITOR)

    @property
    def levels(self) -> tuple[str, ...]:
        return TIER_LEVELS[self.tier]

    def may_see_stale_flag(self, organization: Organization) -> bool:
        """Entries not verified for 12 months are flagged to editors and own partners."""
        return self.is_editor or organization.pk in self.own_organization_ids


NOBODY = DirectoryViewer(user_id=None)


def directory_viewer(user) -> DirectoryViewer:
    """The viewer facts of ``user`` (one query, cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    if getattr(user, "is_deleted", False):
        return NOBODY
    cached = getattr(user, "_komma_directory_viewer", None)
    if cached is not None:
        return cached
    groups = User.groups.through.objects.filter(user=OuterRef("pk"))
    editor_groups = [ROLES[key].group_name for key in EDITOR_ROLES]
    rows = list(
        User.objects.filter(pk=user.pk)
        .annotate(
            f_member=Exists(Membership.objects.filter(user=OuterRef("pk"))),
            f_partner=Exists(groups.filter(group__name=ROLES["alliance_partner"].group_name)),
            f_editor=Exists(groups.filter(group__name__in=editor_groups)),
        )
        .values_list("f_member", "f_partner", "f_editor", "alliance_links__organization_id",
                     "alliance_links__verified")
    )  # fmt: skip
    is_member, is_partner, is_editor = rows[0][:3] if rows else (False, False, False)
    own = frozenset(org_id for *_flags, org_id, verified in rows if org_id and verified)
    if is_editor or user.is_superuser:
        tier = EDITOR
    elif is_member or (is_partner and own):
        tier = PARTNER
    else:
        tier = NETWORK
    viewer = DirectoryViewer(
        user_id=user.pk,
        tier=tier,
        is_member=is_member,
        is_partner_role=is_partner,
        # Links count only for accounts that (still) hold the partner role.
        own_organization_ids=own if (is_partner or tier == EDITOR) else frozenset(),
    )
    user._komma_directory_viewer = viewer
    return viewer


def visible_organizations(user):
    """The organisations ``user`` finds in the directory (a queryset)."""
    viewer = directory_viewer(user)
    qs = Organization.objects.all()
    if viewer.is_editor:
        return qs
    condition = Q(status__in=LISTED_STATUSES)
    if viewer.own_organization_ids:
        condition |= Q(pk__in=viewer.own_organization_ids)
    return qs.filter(condition)


def visible_channels_q(viewer: DirectoryViewer, prefix: str = "") -> Q:
    """A filter on ContactChannel (or through ``prefix``) for what ``viewer`` may see."""
    condition = Q(**{f"{prefix}visibility__in": viewer.levels})
    if viewer.own_organization_ids:
        condition |= Q(**{f"{prefix}organization_id__in": viewer.own_organization_ids})
    return condition


def visible_channels(user):
    """Every contact channel ``user`` may see (a queryset; filter further by organisation)."""
    return ContactChannel.objects.filter(visible_channels_q(directory_viewer(user)))


def access_organization(user, slug: str) -> Organization:
    """The organisation ``slug`` if ``user`` may see it, else 404."""
    organization = visible_organizations(user).select_related("location").filter(slug=slug).first()
    if organization is None:
        raise Http404
    return organization
