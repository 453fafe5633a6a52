"""Local alliances of the municipalities: every write, and who may see and do what.

Rules (decided here, the one place):

- Each municipality records one alliance (``LocalAlliance``). Every member of the
  municipality (``Membership``) may create and edit it and record participating
  organisations (role, since when). Inviting an organisation's partner accounts and
  publishing are for the municipality's coordinators.
- Who sees an alliance: the municipality's members; the verified partners of the
  organisations taking part (they know they are in it); and, once published,
  everyone, logged in or not (the model's help text says so: publishing is the
  municipality's explicit choice). A published alliance of a municipality without
  ``public_naming_consent`` is shown to others under its own name and the
  municipality's anonymous description, never the municipality's name.
- Everything else answers 404. People appear nowhere: not who edited, not who
  invited (the invitation comes from "the municipality").
- An invitation goes by e-mail to the organisation's verified partner accounts; its
  token is stored only as a hash. A partner accepts or declines on "Meine Einträge"
  (or through the link); accepting records the participation.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from komma.accounts.models import Membership, Municipality
from komma.core.tasks import MailDelivery

from .access import LISTED_STATUSES, directory_viewer
from .models import (
    AllianceInvitation,
    AllianceParticipation,
    InvitationStatus,
    LocalAlliance,
    Organization,
    ParticipationRole,
    PartnerLink,
    hash_token,
)

INVITATION_DAYS = 30
INVITATIONS_PER_DAY = 30  # per municipality


# --- Who ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LocalRights:
    is_member: bool = False
    is_coordinator: bool = False
    is_participant: bool = False  # verified partner of a participating organisation

    @property
    def may_see(self) -> bool:
        return self.is_member or self.is_participant

    @property
    def may_edit(self) -> bool:
        return self.is_member

    @property
    def may_invite(self) -> bool:
        return self.is_coordinator


def rights(user, municipality_id: int, alliance: LocalAlliance | None = None) -> LocalRights:
    """What ``user`` may do with the alliance of ``municipality_id`` (1–2 queries)."""
    if not (user.is_authenticated and user.is_active):
        return LocalRights()
    membership = Membership.objects.filter(user=user, municipality_id=municipality_id).first()
    participant = False
    own = directory_viewer(user).own_organization_ids
    if alliance is not None and own and membership is None:
        participant = AllianceParticipation.objects.filter(
            local_alliance=alliance, organization_id__in=own
        ).exists()
    return LocalRights(
        is_member=membership is not None,
        is_coordinator=bool(membership and membership.is_coordinator),
        is_participant=participant,
    )


def municipality_label(municipality: Municipality, rights_: LocalRights) -> str:
    """The municipality's name for its members; else only with naming consent."""
    return municipality.name if rights_.is_member else municipality.public_label()


def access_local_alliance(user, pk) -> tuple[LocalAlliance, LocalRights]:
    """The alliance ``pk`` if ``user`` may see it (with their rights), else 404."""
    alliance = LocalAlliance.objects.select_related("municipality").filter(pk=pk).first()
    if alliance is None:
        raise Http404
    found = rights(user, alliance.municipality_id, alliance)
    if not (found.may_see or alliance.is_published):
        raise Http404
    return alliance, found


def own_municipalities(user) -> list[Municipality]:
    """The municipalities ``user`` is a member of, with their alliance if recorded."""
    if not user.is_authenticated:
        return []
    return list(
        Municipality.objects.filter(memberships__user=user)
        .select_related("local_alliance")
        .order_by("name")
    )


def published_alliances():
    return (
        LocalAlliance.objects.filter(is_published=True)
        .select_related("municipality")
        .order_by("name")
    )


def participations(alliance: LocalAlliance, *, with_inactive: bool = False):
    """The participating organisations; inactive entries only for those who edit the
    alliance (``access``: inactive entries are not shown to the public)."""
    rows = AllianceParticipation.objects.filter(local_alliance=alliance)
    if not with_inactive:
        rows = rows.filter(organization__status__in=LISTED_STATUSES)
    return list(rows.select_related("organization").order_by("role", "organization__name"))


# --- Alliance ---------------------------------------------------------------------------------
def _clean_text(value, field, max_length, required=False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters, please.") % {"n": max_length}})
    return value


def check_save_local_alliance(user, municipality: Municipality, name, description="",
                              ) -> LocalAlliance:  # fmt: skip
    """A member records or edits the municipality's alliance."""
    if not rights(user, municipality.pk).may_edit:
        raise PermissionDenied(_("Only members of the municipality may edit its alliance."))
    name = _clean_text(name, "name", 200, required=True)
    description = _clean_text(description, "description", 4000)
    alliance, _created = LocalAlliance.objects.update_or_create(
        municipality=municipality, defaults={"name": name, "description": description}
    )
    return alliance


def check_publish_local_alliance(user, alliance: LocalAlliance, publish: bool) -> LocalAlliance:
    """Coordinators publish (everyone sees it) or withdraw the publication."""
    if not rights(user, alliance.municipality_id).is_coordinator:
        raise PermissionDenied(_("Only the municipality's coordinators may publish the alliance."))
    LocalAlliance.objects.filter(pk=alliance.pk).update(is_published=bool(publish))
    alliance.is_published = bool(publish)
    return alliance


def find_organizations(text: str, limit: int = 10) -> list[Organization]:
    """Listed organisations whose slug is ``text`` or whose name contains it."""
    text = (text or "").strip()
    if not text:
        return []
    listed = Organization.objects.filter(status__in=LISTED_STATUSES)
    exact = list(listed.filter(Q(slug=text) | Q(name__iexact=text))[:2])
    if len(exact) == 1:
        return exact
    return list(listed.filter(name__icontains=text).order_by("name")[:limit])


def resolve_organization(text: str) -> Organization:
    """Exactly one listed organisation for ``text``, else a message for the form."""
    found = find_organizations(text)
    if not found:
        raise ValidationError(
            {"organization": _("No organisation of the directory matches “%(text)s”.")
             % {"text": text[:80]}}
        )  # fmt: skip
    if len(found) > 1:
        names = ", ".join(org.name for org in found[:5])
        raise ValidationError(
            {"organization": _("Several organisations match: %(names)s. Please give the full "
                               "name.") % {"names": names}}
        )  # fmt: skip
    return found[0]


def _check_role(role: str) -> str:
    if role not in ParticipationRole.values:
        raise ValidationError({"role": _("Please choose a role from the list.")})
    return role


def check_add_participation(user, alliance, organization, role, since=None):
    """A member records that an organisation takes part."""
    if not rights(user, alliance.municipality_id).may_edit:
        raise PermissionDenied(_("Only members of the municipality may edit its alliance."))
    role = _check_role(role)
    if organization.status not in LISTED_STATUSES:
        raise ValidationError({"organization": _("This organisation is not listed.")})
    try:
        with transaction.atomic():
            return AllianceParticipation.objects.create(
                local_alliance=alliance, organization=organization, role=role, since=since
            )
    except IntegrityError:
        raise ValidationError(
            {"organization": _("This organisation already takes part.")}, code="duplicate"
        ) from None


def access_participation(user, alliance, pk) -> AllianceParticipation:
    participation = (
        AllianceParticipation.objects.select_related("organization")
        .filter(pk=pk, local_alliance=alliance)
        .first()
    )
    if participation is None:
        raise Http404
    return participation


def check_update_participation(user, participation, role, since=None):
    if not rights(user, participation.local_alliance.municipality_id).may_edit:
        raise PermissionDenied(_("Only members of the municipality may edit its alliance."))
    participation.role, participation.since = _check_role(role), since
    participation.save(update_fields=["role", "since"])
    return participation


def check_remove_participation(user, participation) -> None:
    if not rights(user, participation.local_alliance.municipality_id).may_edit:
        raise PermissionDenied(_("Only members of the municipality may edit its alliance."))
    participation.delete()


# --- Invitations -----------------------------------------------------------------------------
def partner_accounts(organization) -> list:
    """The active accounts with a verified link to ``organization``."""
    return [
        link.user
        for link in PartnerLink.objects.filter(
            organization=organization, verified=True, user__is_active=True,
            user__deleted_at__isnull=True,
        ).select_related("user")
    ]  # fmt: skip


def check_invite_organization(user, alliance, organization, role, message="") -> tuple:
    """A coordinator invites the organisation's partner accounts into the alliance.
    Returns ``(invitation, token)``; the token exists only in the e-mail."""
    from komma.core.ratelimit import allow

    if not rights(user, alliance.municipality_id).may_invite:
        raise PermissionDenied(_("Only the municipality's coordinators may invite."))
    role = _check_role(role)
    message = _clean_text(message, "message", 1000)
    if organization.status not in LISTED_STATUSES:
        raise ValidationError({"organization": _("This organisation is not listed.")})
    if AllianceParticipation.objects.filter(
        local_alliance=alliance, organization=organization
    ).exists():
        raise ValidationError({"organization": _("This organisation already takes part.")})
    if AllianceInvitation.objects.filter(
        local_alliance=alliance, organization=organization, status=InvitationStatus.PENDING,
        expires_at__gt=timezone.now(),
    ).exists():  # fmt: skip
        raise ValidationError({"organization": _("This organisation has been invited already.")})
    recipients = partner_accounts(organization)
    if not recipients:
        raise ValidationError(
            {"organization": _("This organisation has no verified partner account yet. You can "
                               "record its participation directly.")}
        )  # fmt: skip
    if not allow("alliance-invite", alliance.municipality_id, INVITATIONS_PER_DAY, 86400):
        raise ValidationError(_("Too many invitations today. Please try again tomorrow."))
    return do_invite_organization(user, alliance, organization, role, message, recipients)


def do_invite_organization(user, alliance, organization, role, message, recipients) -> tuple:
    from django.conf import settings

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = AllianceInvitation.objects.create(
            local_alliance=alliance, organization=organization, role=role, message=message,
            invited_by=user, token_hash=hash_token(token),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )  # fmt: skip
        base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
        url = base_url + reverse("alliance:invitation_token", kwargs={"token": token})
        subject = _("KomMA: invitation into a local alliance")
        body = _(
            "The local alliance “%(alliance)s” invites your organisation “%(organization)s” "
            "to take part.\n\nPlease log in and answer the invitation within %(days)d days:\n"
            "%(url)s\n"
        ) % {"alliance": alliance.name, "organization": organization.name,
             "days": INVITATION_DAYS, "url": url}  # fmt: skip
        MailDelivery(subject, body, [account.email for account in recipients])
    return invitation, token


def invitations_for(user) -> list[AllianceInvitation]:
    """Open invitations to the organisations ``user`` is a verified partner of."""
    own = directory_viewer(user).own_organization_ids
    if not own:
        return []
    return list(
        AllianceInvitation.objects.filter(
            organization_id__in=own, status=InvitationStatus.PENDING,
            expires_at__gt=timezone.now(),
        ).select_related("local_alliance__municipality", "organization")
    )  # fmt: skip


def invitations_of(alliance) -> list[AllianceInvitation]:
    return list(
        AllianceInvitation.objects.filter(local_alliance=alliance)
        .select_related("organization")
        .order_by("-created_at")[:50]
    )


def access_invitation(user, *, pk=None, token=None) -> AllianceInvitation:
    """An invitation to one of ``user``'s organisations (by id or e-mailed token); 404
    for anyone else."""
    invitations = AllianceInvitation.objects.select_related(
        "local_alliance__municipality", "organization"
    )
    if token is not None:
        invitation = invitations.filter(token_hash=hash_token(token)).first()
    else:
        invitation = invitations.filter(pk=pk).first()
    if invitation is None or (
        invitation.organization_id not in directory_viewer(user).own_organization_ids
    ):
        raise Http404
    return invitation


def invitation_is_open(invitation) -> bool:
    return invitation.status == InvitationStatus.PENDING and (
        invitation.expires_at is None or invitation.expires_at > timezone.now()
    )


def check_answer_invitation(user, invitation, accept: bool):
    """A verified partner of the invited organisation accepts (the organisation then
    takes part) or declines."""
    if invitation.organization_id not in directory_viewer(user).own_organization_ids:
        raise PermissionDenied(_("Only a verified partner of the organisation may answer."))
    if not invitation_is_open(invitation):
        raise ValidationError(_("This invitation is no longer open."), code="state")
    return do_answer_invitation(user, invitation, accept)


def do_answer_invitation(user, invitation, accept: bool):
    with transaction.atomic():
        locked = AllianceInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != InvitationStatus.PENDING:
            raise ValidationError(_("This invitation is no longer open."), code="state")
        locked.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
        locked.answered_at = timezone.now()
        locked.accepted_by = user if accept else None
        locked.save(update_fields=["status", "answered_at", "accepted_by"])
        participation = None
        if accept:
            participation, _created = AllianceParticipation.objects.get_or_create(
                local_alliance_id=locked.local_alliance_id, organization_id=locked.organization_id,
                defaults={"role": locked.role, "since": timezone.localdate()},
            )  # fmt: skip
    return participation


def check_revoke_invitation(user, invitation) -> None:
    if not rights(user, invitation.local_alliance.municipality_id).may_invite:
        raise PermissionDenied(_("Only the municipality's coordinators may revoke invitations."))
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation is no longer open."), code="state")
    AllianceInvitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.REVOKED, answered_at=timezone.now()
    )
