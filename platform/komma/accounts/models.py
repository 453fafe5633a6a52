"""Accounts: pseudonymous members, municipalities, memberships, invitations.

A person is shown everywhere by their pseudonym and generated avatar. Real name
(``first_name``/``last_name``), office and municipality are identity: each is shown
only to the audience the person chose (see ``privacy.py``), and only through the
one rendering path in ``presentation.py``.
"""

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    AGS_STATE_PREFIX,
    Bundesland,
    MunicipalityKind,
    ProgrammeStatus,
    Visibility,
)
from .validators import validate_ags, validate_pseudonym


class Municipality(models.Model):
    """A Kommune taking part in the network.

    It is named publicly only with ``public_naming_consent``; otherwise pages
    describe it ("ein Landkreis in Sachsen"). The programme allows a completely
    anonymous participation where threats make that necessary.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=32, choices=MunicipalityKind.choices)
    bundesland = models.CharField(_("federal state"), max_length=2, choices=Bundesland.choices)
    ags = models.CharField(
        _("AGS"),
        max_length=8,
        unique=True,
        validators=[validate_ags],
        help_text=_("Amtlicher Gemeindeschlüssel (8 digits, 5 for a Landkreis)."),
    )
    programme_status = models.CharField(
        _("programme status"),
        max_length=16,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.OTHER,
    )
    public_naming_consent = models.BooleanField(
        _("may be named publicly"),
        default=False,
        help_text=_("Without consent, pages describe the municipality instead of naming it."),
    )
    # The municipality's centre, for "near my municipality" in the alliance directory.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        permissions = [("invite_members", _("Can invite members into any municipality"))]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.ags and self.bundesland and AGS_STATE_PREFIX.get(self.ags[:2]) != self.bundesland:
            raise ValidationError(
                {"ags": _("The AGS belongs to another federal state.")}, code="ags_state"
            )

    @property
    def is_model_municipality(self) -> bool:
        return self.programme_status == ProgrammeStatus.MODEL

    def anonymous_description(self) -> str:
        """How pages refer to the municipality without naming it."""
        phrases = {
            MunicipalityKind.LANDKREIS: _("a district (Landkreis) in %(state)s"),
            MunicipalityKind.KREISFREIE_STADT: _("an independent city in %(state)s"),
            MunicipalityKind.KREISANGEHOERIGE_STADT: _("a town within a district in %(state)s"),
            MunicipalityKind.GEMEINDE: _("a municipality in %(state)s"),
        }
        return phrases[self.kind] % {"state": self.get_bundesland_display()}

    def public_label(self) -> str:
        """The name with consent, else the anonymous description."""
        return self.name if self.public_naming_consent else self.anonymous_description()


class UserManager(BaseUserManager):
    """Users log in by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        if not extra_fields.get("pseudonym"):
            from .pseudonyms import suggest_pseudonym  # pseudonyms imports this module

            extra_fields["pseudonym"] = suggest_pseudonym()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


def _new_avatar_seed() -> str:
    return uuid.uuid4().hex


class User(AbstractUser):
    """A member. Login by e-mail; shown by pseudonym.

    ``get_full_name()``, ``get_username()`` and ``str()`` return the pseudonym on
    purpose: Django's and Wagtail's generic displays (admin history, revisions,
    workflow, reports) then never show a real name or an address. The real name is
    ``real_name`` and only leaves through ``presentation.present_person``.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    pseudonym = models.CharField(
        _("pseudonym"), max_length=30, unique=True, validators=[validate_pseudonym]
    )
    office = models.CharField(_("office"), max_length=200, blank=True)
    bio = models.TextField(_("short bio"), max_length=500, blank=True)
    avatar_seed = models.CharField(max_length=32, default=_new_avatar_seed, editable=False)
    real_name_visibility = models.CharField(
        _("who sees my real name"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
    )
    municipality_visibility = models.CharField(
        _("who sees my municipality"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
    )
    office_visibility = models.CharField(
        _("who sees my office"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["pseudonym"]

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("pseudonym"), name="accounts_user_pseudonym_ci"),
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci"),
        ]
        permissions = [
            ("reveal_identity", _("Can reveal a member's identity, with a logged reason")),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The pseudonym, or the label of a deleted account."""
        if self.deleted_at:
            return str(_("former member"))
        return self.pseudonym

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    def get_username(self):
        """The pseudonym. Generic code (Wagtail reports and exports, Django's admin)
        shows ``get_username()``; with login by e-mail it would show the address."""
        return self.display_name

    def clean(self):
        # AbstractBaseUser.clean() writes normalize(get_username()) back into the
        # USERNAME_FIELD; with get_username() being the pseudonym that would overwrite
        # the e-mail address. Normalise the address itself instead.
        models.Model.clean(self)
        self.email = type(self).objects.normalize_email(self.email)

    def natural_key(self):
        # Serialisation keys stay the login identifier (get_by_natural_key reads e-mail).
        return (self.email,)

    @property
    def real_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def avatar_digest(self) -> bytes:
        """Input of the generated avatar; from a random seed, never from identity."""
        return hashlib.sha256(self.avatar_seed.encode()).digest()


class Membership(models.Model):
    """A member works for a municipality. Coordinators may invite colleagues."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    is_coordinator = models.BooleanField(_("municipal coordinator"), default=False)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} @ {self.municipality_id}"


class Invitation(models.Model):
    """An invitation to sign up, sent by e-mail. The token is stored only as a hash.

    Single use (``accepted_at``), expiring (``expires_at``), revocable.
    """

    email = models.EmailField(_("e-mail address"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("municipality"),
    )
    as_coordinator = models.BooleanField(_("as municipal coordinator"), default=False)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="sent_invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"invitation #{self.pk}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class IdentityReveal(models.Model):
    """An admin looked at a member's identity. The member sees every entry."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_reveals"
    )
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("identity reveal")
        verbose_name_plural = _("identity reveals")

    def __str__(self):
        return f"reveal #{self.pk}"
