"""All writes of the accounts app.

``check_<verb>_<noun>`` validates and authorises, then calls ``do_<verb>_<noun>``,
which writes atomically. Views only parse input and call these.
"""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from komma.core.audit import audit
from komma.core.ratelimit import allow
from komma.core.tasks import MailDelivery
from plugins.hooks import personal_data_export, role_permissions

from .models import IdentityReveal, Invitation, Membership, Municipality, User
from .presentation import present_person
from .roles import ROLES
from .selectors import invitable_municipalities, is_platform_admin


# --- Roles --------------------------------------------------------------------
def sync_roles(**kwargs) -> None:
    """Create the role groups and grant their permissions (core + plugins). Idempotent."""
    wanted = {key: set(role.permissions) for key, role in ROLES.items()}
    for _receiver, grants in role_permissions.send_to_all(sender=None):
        for key, perms in (grants or {}).items():
            wanted.setdefault(key, set()).update(perms)
    for key, perms in wanted.items():
        if key not in ROLES:
            continue
        group, _created = Group.objects.get_or_create(name=ROLES[key].group_name)
        found = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:  # apps migrated later grant on their own migrate
                found.append(permission)
        group.permissions.add(*found)
        _grant_page_permissions(group, ROLES[key].page_permissions)


def _grant_page_permissions(group: Group, codenames: tuple[str, ...]) -> None:
    """Grant Wagtail page permissions on the tree's root (so on every page)."""
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None or not codenames:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def do_set_roles(user: User, role_keys: list[str], *, by: User | None, reason: str) -> None:
    """Put ``user`` into exactly the groups of ``role_keys``; logged."""
    groups = [Group.objects.get_or_create(name=ROLES[key].group_name)[0] for key in role_keys]
    role_group_names = [role.group_name for role in ROLES.values()]
    with transaction.atomic():
        user.groups.remove(*user.groups.filter(name__in=role_group_names))
        user.groups.add(*groups)
        if by is not None:
            audit(user, "komma.role_change", by, reason, roles=sorted(role_keys))


def do_update_member_access(
    user: User, *, roles: list[str], is_active: bool, by: User, reason: str
) -> None:
    """Set roles and the active flag of ``user`` in one logged step."""
    with transaction.atomic():
        do_set_roles(user, roles, by=by, reason=reason)
        if user.is_active != is_active:
            user.is_active = is_active
            user.save(update_fields=["is_active"])
            audit(user, "komma.access_change", by, reason, is_active=is_active)


INVITATIONS_PER_HOUR = 30


# --- Invitations ------------------------------------------------------------------
def check_create_invitation(
    by: User, *, email: str, municipality: Municipality | None, roles: list[str],
    as_coordinator: bool,
) -> tuple[Invitation, str]:  # fmt: skip
    """Authorise and validate an invitation, then create and send it."""
    email = email.strip().lower()
    if not is_platform_admin(by):
        if (
            municipality is None
            or not invitable_municipalities(by).filter(pk=municipality.pk).exists()
        ):
            raise PermissionDenied(_("You may only invite into your own municipality."))
        if roles:
            raise PermissionDenied(_("Only administrators can invite with roles."))
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))})
    if not allow("invite", by.pk, INVITATIONS_PER_HOUR, 3600):
        raise ValidationError(
            _("You have sent many invitations in a short time. Please try again later."),
            code="rate_limited",
        )
    # Whether the address already has an account is not told to the inviter (that
    # would let anyone with invitation rights test who is in the network): the
    # invitation is stored and listed alike; the mail differs (do_create_invitation).
    return do_create_invitation(
        by, email=email, municipality=municipality, roles=roles, as_coordinator=as_coordinator
    )


def do_create_invitation(
    by: User | None, *, email: str, municipality: Municipality | None, roles: list[str],
    as_coordinator: bool,
) -> tuple[Invitation, str]:  # fmt: skip
    """Store an invitation (token hashed) and e-mail the link after commit."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            municipality=municipality,
            roles=sorted(roles),
            as_coordinator=as_coordinator,
            invited_by=by,
            token_hash=Invitation.hash_token(token),
            expires_at=timezone.now() + timedelta(days=settings.KOMMA_INVITATION_VALID_DAYS),
        )
        if by is not None:
            audit(
                invitation, "komma.invitation_create", by,
                municipality=str(municipality or ""), roles=sorted(roles),
                as_coordinator=as_coordinator,
            )  # fmt: skip
        base = settings.KOMMA_BASE_URL.rstrip("/")
        context = {
            "invitation": invitation,
            "link": f"{base}/konto/einladung/{token}/",
            "login_link": f"{base}/konto/login/",
            "days": settings.KOMMA_INVITATION_VALID_DAYS,
        }
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Invitation to KomMA Netzwerk")
        # An existing member gets a notice instead of a sign-up link.
        has_account = (
            User.objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        )
        template = (
            "accounts/email/invitation_existing.txt"
            if has_account
            else "accounts/email/invitation.txt"
        )
        body = render_to_string(template, context)
        invitation.mail_delivery = MailDelivery(subject, body, [email])
    return invitation, token


def do_revoke_invitation(invitation: Invitation, *, by: User) -> None:
    """Revoke an open invitation; its link stops working at once."""
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if updated:
            audit(invitation, "komma.invitation_revoke", by)


class InvitationUnusable(Exception):
    """The invitation is used, expired or revoked (``status`` says which)."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def do_accept_invitation(invitation_id: int, user: User) -> Invitation:
    """Mark the invitation used by ``user`` and apply its membership and roles.

    Runs inside the sign-up transaction; the row lock makes a token single-use even
    when two sign-ups race.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        if invitation.status != "open":
            raise InvitationUnusable(invitation.status)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        # Other open invitations to the same address stay as they are and expire:
        # changing them would tell their inviters that the person joined.
        if invitation.municipality_id:
            Membership.objects.get_or_create(
                user=user,
                municipality_id=invitation.municipality_id,
                defaults={"is_coordinator": invitation.as_coordinator},
            )
        if invitation.roles:
            do_set_roles(user, [r for r in invitation.roles if r in ROLES], by=None, reason="")
    return invitation


# --- Profile and privacy ----------------------------------------------------------------
def do_reroll_avatar(user: User) -> None:
    """Give the member a new generated avatar."""
    user.avatar_seed = secrets.token_hex(16)
    user.save(update_fields=["avatar_seed"])


# --- Identity reveal ------------------------------------------------------------------
MIN_REASON_LENGTH = 20


def check_reveal_identity(by: User, subject: User, reason: str) -> dict:
    """Authorise an admin's reveal, require a real reason, then reveal."""
    if not by.has_perm("accounts.reveal_identity"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            _("Please give a reason of at least %(n)d characters.") % {"n": MIN_REASON_LENGTH}
        )
    if subject.is_deleted:
        raise ValidationError(_("This account has been deleted; there is no identity left."))
    return do_reveal_identity(by, subject, reason)


def do_reveal_identity(by: User, subject: User, reason: str) -> dict:
    """Log the reveal (audit + the member's own list), notify the member, return identity."""
    with transaction.atomic():
        IdentityReveal.objects.create(subject=subject, revealed_by=by, reason=reason)
        audit(subject, "komma.identity_reveal", by, reason)
        body = render_to_string(
            "accounts/email/identity_revealed.txt", {"subject": subject, "reason": reason}
        )
        subject_line = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Your identity was revealed")
        notification = MailDelivery(subject_line, body, [subject.email])
    return {
        "notification": notification,
        "pseudonym": subject.pseudonym,
        "real_name": subject.real_name,
        "email": subject.email,
        "office": subject.office,
        "municipalities": [m.municipality.name for m in subject.memberships.all()],
    }


# --- GDPR ---------------------------------------------------------------------------------
def export_personal_data(user: User) -> dict:
    """Everything the platform holds about ``user``, as JSON-serialisable data."""
    data = {
        "account": {
            "email": user.email,
            "pseudonym": user.pseudonym,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "office": user.office,
            "bio": user.bio,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "privacy": {
                "real_name": user.real_name_visibility,
                "municipality": user.municipality_visibility,
                "office": user.office_visibility,
            },
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "second_factors": sorted(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
        "memberships": [
            {
                "municipality": m.municipality.name,
                "coordinator": m.is_coordinator,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in user.memberships.select_related("municipality")
        ],
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "invitations_sent": [
            {
                # Once accepted, the address belongs to a member's identity: hidden,
                # as on the invitations page.
                "email": None if i.status == "accepted" else i.email,
                "created_at": i.created_at.isoformat(),
                "status": i.status,
            }
            for i in user.sent_invitations.all()
        ],
        "sessions": [
            {
                "started": session.created_at.isoformat(),
                "last_seen": session.last_seen_at.isoformat(),
                "ip": session.ip,
                "browser": session.user_agent,
            }
            for session in UserSession.objects.filter(user=user)
        ],
        "admin_preferences": _wagtail_profile(user),
        "audit_entries_about_me": [
            {
                "at": entry.timestamp.isoformat(),
                "action": entry.action,
                "by": present_person(entry.user, user).pseudonym if entry.user_id else None,
                "reason": (entry.data or {}).get("reason", ""),
            }
            for entry in ModelLogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
            ).select_related("user")
        ],
        "identity_reveals": [
            {
                "at": r.created_at.isoformat(),
                "by": present_person(r.revealed_by, user).pseudonym,
                "reason": r.reason,
            }
            for r in user.identity_reveals.select_related("revealed_by")
        ],
    }
    # ``send``, not ``send_robust``: an export missing a plugin's part would look
    # complete; a failing plugin must fail the export instead.
    for _receiver, section in personal_data_export.send(sender=None, user=user):
        data.update(section or {})
    return data


def _wagtail_profile(user: User) -> dict:
    """The admin preferences Wagtail keeps for the user (language, time zone, theme)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=user).first()
    if profile is None:
        return {}
    return {
        "language": profile.preferred_language,
        "time_zone": profile.current_time_zone,
        "theme": profile.theme,
    }


def check_delete_account(user: User, password: str) -> None:
    """The member deletes their own account after confirming their password."""
    if not user.check_password(password or ""):
        raise ValidationError(_("The password is not correct."), code="password")
    do_delete_account(user)


def do_delete_account(user: User, *, by: User | None = None) -> None:
    """Erase the identity; contributions stay, shown as "former member".

    The row stays so that foreign keys from contributions keep working; every
    identifying value is replaced, logins and second factors are removed, and
    the member's sessions end.
    """
    with transaction.atomic():
        marker = secrets.token_hex(8)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        Membership.objects.filter(user=user).delete()
        # The invitation they accepted goes; other inviters' open invitations to these
        # addresses stay and expire (removing them would tell those inviters that
        # the address had an account).
        Invitation.objects.filter(accepted_by=user).delete()
        _delete_wagtail_profile(user)
        user.identity_reveals.all().delete()
        user.groups.clear()
        user.user_permissions.clear()
        user.email = f"geloescht-{marker}@invalid.invalid"
        user.pseudonym = f"ehemalig-{marker}"
        user.first_name = user.last_name = user.office = user.bio = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.deleted_at = timezone.now()
        user.set_unusable_password()
        user.save()
        _end_sessions(user.pk)
        audit(user, "komma.account_delete", by or user)


def _delete_wagtail_profile(user: User) -> None:
    """Wagtail's profile may hold an uploaded photo; it goes with the identity."""
    from wagtail.users.models import UserProfile

    for profile in UserProfile.objects.filter(user=user):
        if profile.avatar:
            profile.avatar.delete(save=False)
        profile.delete()


def _end_sessions(user_id: int) -> None:
    """End every session of ``user_id``, whatever the session engine.

    Changing the password hash already invalidates sessions; this also removes them.
    """
    for session in UserSession.objects.filter(user_id=user_id):
        session.end()
