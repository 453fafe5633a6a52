"""The alliance directory: organisations, their contact channels and where they work;
partner links, proposed changes, and the municipalities' local alliances.

Field names follow Open Referral HSDS 3 where there is an equivalent:

========================  ==========================================================
HSDS                      here
========================  ==========================================================
organization              :class:`Organization` (name, alternate_name, description,
                          website = ``url``, status, languages, accessibility)
location                  :class:`Location` (address_1, postal_code, city = ``city``,
                          state_province = ``bundesland``, latitude, longitude)
phone / contact / email   :class:`ContactChannel` (one row per channel, ``kind``)
service_area              :class:`ServiceArea` (``scope`` + Bundesland / AGS)
========================  ==========================================================

An organisation has exactly one location (its seat). Several branches are several
entries: the directory is searched and sorted by distance per seat, which keeps
every list at a constant number of queries.

Each channel has its own ``visibility``; who may see which level is decided in one
place, :mod:`alliance.access`. Nothing in this module filters by viewer.

``search_text`` is a denormalised, case- and umlaut-folded copy of the searchable
text (name, alternate name, description, topics, city), kept current on save, so
full-text search is the same plain ``LIKE`` on SQLite and PostgreSQL.
"""

import hashlib
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from komma.accounts.choices import Bundesland

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 4_000
VERIFICATION_MAX_AGE_DAYS = 365  # "not verified for 12 months" is flagged


class Category(models.TextChoices):
    """What kind of organisation an entry is (the programme's partner groups)."""

    LOCAL_MEDIA = "local_media", _("local media")
    CIVIL_SOCIETY = "civil_society", _("civil-society alliance")
    BUSINESS = "business", _("business")
    COUNSELLING = "counselling", _("counselling or victim support")
    SECURITY_AUTHORITY = "security_authority", _("security authority")
    ADMINISTRATION = "administration", _("administration")
    OTHER = "other", pgettext_lazy("organisation category", "other")


class Status(models.TextChoices):
    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive")
    TEMPORARILY_CLOSED = "temporarily_closed", _("temporarily closed")


class VerifierRole(models.TextChoices):
    """Who confirmed an entry the last time ("Zuletzt geprüft von")."""

    EDITOR = "editor", _("editorial team")
    PARTNER = "partner", _("the organisation (partner account)")


# ISO 639-1 codes offered in the directory (the languages counselling is commonly offered
# in; extend freely: stored as codes, labelled here).
LANGUAGES: dict[str, str] = {
    "de": _("German"),
    "en": _("English"),
    "tr": _("Turkish"),
    "ar": _("Arabic"),
    "ru": _("Russian"),
    "uk": _("Ukrainian"),
    "pl": _("Polish"),
    "fa": _("Persian"),
    "ku": _("Kurdish"),
    "fr": _("French"),
    "es": _("Spanish"),
    "ro": _("Romanian"),
    "bg": _("Bulgarian"),
    "it": _("Italian"),
    "vi": _("Vietnamese"),
    "sq": _("Albanian"),
    "ti": _("Tigrinya"),
    "ps": _("Pashto"),
    "dgs": _("German Sign Language"),
    "leichte": _("Easy German (Leichte Sprache)"),
}
LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,8}$")


def fold(text: str) -> str:
    """Lower-case, umlauts and ß spelled out, other accents dropped: "Jüdische Straße"
    -> "juedische strasse". Queries are folded the same way."""
    text = (text or "").lower()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip()


def validate_language_codes(value):
    if not isinstance(value, list) or not all(
        isinstance(code, str) and LANGUAGE_CODE_RE.match(code) for code in value
    ):
        raise ValidationError(
            _("Languages are a list of language codes such as “de” or “tr”."), code="languages"
        )


def encode_languages(codes) -> str:
    """The stored form of a language list: ``"|de|tr|"`` (see ``Organization.languages``)."""
    codes = [c for c in dict.fromkeys(codes) if c]
    return f"|{'|'.join(codes)}|" if codes else ""


class Topic(models.Model):
    """A subject an organisation works on ("Antisemitismus", "Hass im Netz", ...)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class Organization(models.Model):
    """One directory entry (HSDS ``organization``)."""

    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    alternate_name = models.CharField(
        _("alternate name"), max_length=NAME_MAX_LENGTH, blank=True,
        help_text=_("Short name or abbreviation, e.g. “RAA”."),
    )  # fmt: skip
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="organizations"
    )
    # Stored as "|de|tr|" so that one language is a plain LIKE '%|tr|%' on every
    # database (JSON containment is not portable to SQLite). Use ``language_codes``.
    languages = models.CharField(_("languages offered"), max_length=200, blank=True)
    accessibility = models.TextField(
        _("accessibility"), max_length=1_000, blank=True,
        help_text=_("Step-free access, sign language, accessible documents, ..."),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.ACTIVE
    )
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    verified_by_role = models.CharField(
        _("verified by"), max_length=16, choices=VerifierRole.choices, blank=True
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["status", "category"], name="alliance_org_status_cat"),
            models.Index(fields=["last_verified_at"], name="alliance_org_verified"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if "update_fields" not in kwargs:
            self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("alliance:organization", kwargs={"slug": self.slug})

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split("|") if code]

    @language_codes.setter
    def language_codes(self, codes):
        self.languages = encode_languages(codes)

    def language_labels(self) -> list[str]:
        return [str(LANGUAGES.get(code, code)) for code in self.language_codes]

    @property
    def is_stale(self) -> bool:
        """Not verified within the last 12 months (or never)."""
        if self.last_verified_at is None:
            return True
        age = timezone.now() - self.last_verified_at
        return age.days >= VERIFICATION_MAX_AGE_DAYS

    def build_search_text(self, topic_names=None, city=None) -> str:
        if topic_names is None:
            topic_names = [t.name for t in self.topics.all()] if self.pk else []
        if city is None:
            location = getattr(self, "location", None) if self.pk else None
            city = location.city if location else ""
        parts = [self.name, self.alternate_name, self.description, *topic_names, city or ""]
        return fold(" ".join(p for p in parts if p))

    def refresh_search_text(self, save=True):
        self.search_text = self.build_search_text()
        if save and self.pk:
            Organization.objects.filter(pk=self.pk).update(search_text=self.search_text)


class Location(models.Model):
    """The organisation's seat (HSDS ``location`` with its ``address``)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="location",
        verbose_name=_("organisation"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, blank=True)
    address_1 = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    bundesland = models.CharField(_("federal state"), max_length=2, choices=Bundesland.choices)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        indexes = [
            models.Index(fields=["bundesland"], name="alliance_loc_land"),
            models.Index(fields=["latitude", "longitude"], name="alliance_loc_coords"),
            models.Index(fields=["postal_code"], name="alliance_loc_plz"),
        ]

    def __str__(self):
        return ", ".join(
            p for p in (self.address_1, f"{self.postal_code} {self.city}".strip()) if p
        )

    def save(self, *args, **kwargs):
        from .search import reindex_organization

        super().save(*args, **kwargs)
        self.organization.refresh_search_text()
        reindex_organization(self.organization_id)


class ChannelKind(models.TextChoices):
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    POSTAL_ADDRESS = "postal_address", _("postal address")
    CONTACT_PERSON = "contact_person", _("contact person")
    WEBSITE = "website", _("website")
    FAX = "fax", _("fax")
    MESSENGER = "messenger", _("messenger")
    OTHER = "other", pgettext_lazy("contact channel", "other")


class ChannelVisibility(models.TextChoices):
    """Nested audiences, from open to closed (see :mod:`alliance.access`)."""

    PUBLIC = "public", _("everyone")
    NETWORK = "network", _("network members")
    PARTNERS = "partners", _("verified partners")
    HIDDEN = "hidden", _("editors only")


class ContactChannel(models.Model):
    """One way to reach the organisation, with its own visibility (HSDS ``phone``,
    ``contact``, and the organisation's ``email``)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="channels",
        verbose_name=_("organisation"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=24, choices=ChannelKind.choices)
    value = models.CharField(_("value"), max_length=300)
    label = models.CharField(
        _("label"), max_length=100, blank=True,
        help_text=_("E.g. “Hotline (Mon–Fri 9–17)” or the contact person's function."),
    )  # fmt: skip
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=ChannelVisibility.choices,
        default=ChannelVisibility.NETWORK,
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


class ServiceAreaScope(models.TextChoices):
    NATIONWIDE = "nationwide", _("nationwide")
    BUNDESLAND = "bundesland", _("federal state")
    KREIS = "kreis", _("district (Kreis)")
    MUNICIPALITY = "municipality", _("municipality")


class ServiceArea(models.Model):
    """Where the organisation works (HSDS ``service_area``): nationwide, one Bundesland,
    one Kreis (5-digit AGS) or one municipality (8-digit AGS)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="service_areas",
        verbose_name=_("organisation"),
    )  # fmt: skip
    scope = models.CharField(_("scope"), max_length=16, choices=ServiceAreaScope.choices)
    bundesland = models.CharField(
        _("federal state"), max_length=2, choices=Bundesland.choices, blank=True
    )
    ags = models.CharField(_("AGS"), max_length=8, blank=True)
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("E.g. “Landkreis Görlitz”.")
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        indexes = [models.Index(fields=["scope", "bundesland"], name="alliance_area_scope")]

    def __str__(self):
        if self.scope == ServiceAreaScope.NATIONWIDE:
            return str(self.get_scope_display())
        if self.scope == ServiceAreaScope.BUNDESLAND:
            return self.get_bundesland_display()
        return self.name or self.ags

    def clean(self):
        errors = {}
        if self.scope == ServiceAreaScope.BUNDESLAND and not self.bundesland:
            errors["bundesland"] = _("Choose the federal state.")
        if self.scope == ServiceAreaScope.KREIS and not re.fullmatch(r"\d{5}", self.ags or ""):
            errors["ags"] = _("A district has a 5-digit AGS.")
        if self.scope == ServiceAreaScope.MUNICIPALITY and not re.fullmatch(
            r"\d{8}", self.ags or ""
        ):
            errors["ags"] = _("A municipality has an 8-digit AGS.")
        if errors:
            raise ValidationError(errors)


@receiver(m2m_changed, sender=Organization.topics.through)
def _topics_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Organization):
        from .search import reindex_organization

        instance.refresh_search_text()
        reindex_organization(instance.pk)


class PartnerLink(models.Model):
    """An alliance-partner account that speaks for an organisation. Only a link an
    editor ``verified`` makes the account a verified partner (see ``access``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alliance_links",
        verbose_name=_("partner account"),
    )  # fmt: skip
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partner_links",
        verbose_name=_("organisation"),
    )  # fmt: skip
    verified = models.BooleanField(_("verified"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("verified by"),
    )  # fmt: skip
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("partner link")
        verbose_name_plural = _("partner links")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="alliance_link_unique")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.organization}"


class ProposalKind(models.TextChoices):
    CHANGE = "change", _("change to an entry")
    NEW_APPLICATION = "new_application", _("application of a new organisation")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ChangeProposal(models.Model):
    """A change a partner proposes, or a new organisation's application from the
    public form. Nothing goes live before an editor approves it.

    ``payload`` holds the proposed field values (organisation fields, ``location``,
    ``channels`` list, ``service_areas`` list, ``topics`` slugs, ``languages`` codes);
    ``base`` the entry's values when the proposal was made, so the review diff shows
    what the partner saw. ``applicant_email`` is only for the editors' reply and is
    never shown publicly.
    """

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE,
        related_name="proposals", verbose_name=_("organisation"),
    )  # fmt: skip
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="alliance_proposals", verbose_name=_("submitted by"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=24, choices=ProposalKind.choices)
    payload = models.JSONField(_("proposed values"), default=dict)
    base = models.JSONField(_("values when proposed"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
    )  # fmt: skip
    reason = models.TextField(_("reason"), max_length=1_000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    applicant_name = models.CharField(_("applicant's name"), max_length=200, blank=True)
    applicant_email = models.EmailField(_("applicant's e-mail address"), blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        indexes = [models.Index(fields=["status", "created_at"], name="alliance_prop_status")]

    def __str__(self):
        name = self.organization.name if self.organization_id else self.payload.get("name", "")
        return f"{self.get_kind_display()}: {name}"


class LocalAlliance(models.Model):
    """A municipality's own local alliance. Visible only to the municipality's
    members unless ``is_published``."""

    municipality = models.OneToOneField(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="local_alliance",
        verbose_name=_("municipality"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    is_published = models.BooleanField(
        _("published"), default=False,
        help_text=_("Published alliances are visible to everyone; otherwise only to the "
                    "municipality's members."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("local alliance")
        verbose_name_plural = _("local alliances")

    def __str__(self):
        return self.name


class ParticipationRole(models.TextChoices):
    COORDINATION = "coordination", _("coordination")
    MEMBER = "member", _("member")
    ADVISOR = "advisor", _("advisor")
    SUPPORTER = "supporter", _("supporter")


class AllianceParticipation(models.Model):
    """An organisation takes part in a local alliance, in a role, since a date."""

    local_alliance = models.ForeignKey(
        LocalAlliance, on_delete=models.CASCADE, related_name="participations",
        verbose_name=_("local alliance"),
    )  # fmt: skip
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="participations",
        verbose_name=_("organisation"),
    )  # fmt: skip
    role = models.CharField(
        _("role"), max_length=16, choices=ParticipationRole.choices,
        default=ParticipationRole.MEMBER,
    )  # fmt: skip
    since = models.DateField(_("since"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["role", "organization__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["local_alliance", "organization"], name="alliance_participation_unique"
            )
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    REVOKED = "revoked", _("revoked")


def hash_token(token: str) -> str:
    """Invitation tokens are stored only as SHA-256 hashes."""
    return hashlib.sha256(token.encode()).hexdigest()


class AllianceInvitation(models.Model):
    """A municipality invites an organisation's partner account(s) into its alliance."""

    local_alliance = models.ForeignKey(
        LocalAlliance, on_delete=models.CASCADE, related_name="invitations",
        verbose_name=_("local alliance"),
    )  # fmt: skip
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="alliance_invitations",
        verbose_name=_("organisation"),
    )  # fmt: skip
    role = models.CharField(
        _("role"), max_length=16, choices=ParticipationRole.choices,
        default=ParticipationRole.MEMBER,
    )  # fmt: skip
    message = models.TextField(_("message"), max_length=1_000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("invited by"),
    )  # fmt: skip
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("accepted by"),
    )  # fmt: skip
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alliance invitation")
        verbose_name_plural = _("alliance invitations")
        indexes = [models.Index(fields=["organization", "status"], name="alliance_inv_org_status")]

    def __str__(self):
        return f"{self.local_alliance} → {self.organization}"
