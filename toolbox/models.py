"""The communications toolbox: curated resources, municipal drafts and checklist
progress, the crisis playbook, and incident records.

Two kinds of data live here, with opposite rules:

- **Resources** and **playbooks** are editorial content. Editors manage them in the
  Wagtail admin with drafts, revisions and preview; readers see them according to
  their ``visibility`` (``toolbox.access``).
- **Drafts**, **checklist progress** and **incident records** belong to one
  municipality. Only that municipality's members ever see them; to everyone else
  they do not exist (404). Nothing a member types into a template form is stored
  unless they save it as such a draft.

Usage counters on a resource are anonymous totals, kept denormalised so the list
and detail pages cost a constant number of queries.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
)

TITLE_MAX_LENGTH = 200
VALUE_MAX_LENGTH = 2_000
TEXT_MAX_LENGTH = 20_000
STALE_AFTER_DAYS = 365

# A placeholder key as written in a template: {{Kommune}}, {{Datum}}, {{Ansprechperson}}.
PLACEHOLDER_KEY_RE = r"^[A-Za-zÄÖÜäöüß][A-Za-z0-9ÄÖÜäöüß_]{0,39}$"


class Kind(models.TextChoices):
    """What a resource is; decides which parts of it are used."""

    TEMPLATE = "template", _("template")
    GUIDE = "guide", _("guide")
    CHECKLIST = "checklist", _("checklist")
    FAQ = "faq", _("FAQ")


class TemplateType(models.TextChoices):
    """The kinds of text templates (only for ``Kind.TEMPLATE``)."""

    PRESS_RELEASE = "press_release", _("press release")
    INCIDENT_STATEMENT = "incident_statement", _("statement after an incident")
    SOCIAL_REPLY = "social_reply", _("social media reply / counter-speech")
    COUNCIL_STATEMENT = "council_statement", _("statement for the council")
    STAFF_LETTER = "staff_letter", _("letter to affected staff")
    INTERNAL_INFO = "internal_info", _("internal information")


class Situation(models.TextChoices):
    PREVENTION = "prevention", _("prevention")
    ACUTE = "acute", _("acute incident")
    AFTERCARE = "aftercare", _("aftercare")


class Channel(models.TextChoices):
    PRESS = "press", _("press")
    SOCIAL_MEDIA = "social_media", _("social media")
    WEBSITE = "website", _("website")
    COUNCIL = "council", _("council")
    INTERNAL = "internal", _("internal")


class Audience(models.TextChoices):
    """Whom the resulting communication addresses."""

    PUBLIC = "public", _("general public")
    CITIZENS = "citizens", _("citizens")
    MEDIA = "media", _("media")
    COUNCIL = "council", _("council members")
    STAFF = "staff", _("administration staff")
    AFFECTED = "affected", _("affected persons")


class Format(models.TextChoices):
    TEXT = "text", _("text template")
    SHORT_TEXT = "short_text", _("short text")
    LETTER = "letter", _("letter")
    STEPS = "steps", _("step-by-step guide")
    LIST = "list", _("checklist")
    QUESTIONS = "questions", _("questions and answers")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    PLAIN_GERMAN = "de-plain", _("German, plain language")
    ENGLISH = "en", _("English")
    TURKISH = "tr", _("Turkish")
    ARABIC = "ar", _("Arabic")
    UKRAINIAN = "uk", _("Ukrainian")


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("CC BY 4.0")
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0")
    CC0 = "cc0-1.0", _("CC0 1.0")
    PROGRAMME = "programme", _("free use within the programme")


class ReviewStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", _("not reviewed")
    EDITORIAL = "editorial", _("editorially reviewed")
    LEGAL = "legal", _("legally reviewed")


class Visibility(models.TextChoices):
    """Who reads a resource (see ``toolbox.access``)."""

    PUBLIC = "public", _("public")
    NETWORK = "network", _("network members")
    PARTNERS = "partners", _("network members and alliance partners")


class Resource(DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, ClusterableModel):
    """One toolbox resource: a template, guide, checklist or FAQ, with its metadata.

    Templates use ``template_text`` with ``{{Key}}`` placeholders declared as
    ``placeholders``; guides use ``body``; checklists use ``items``; FAQs use
    ``faq_entries`` (and may have an introductory ``body``).
    """

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=TITLE_MAX_LENGTH, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    template_type = models.CharField(
        _("template type"), max_length=32, choices=TemplateType.choices, blank=True
    )
    summary = models.TextField(_("summary"), max_length=600)
    body = RichTextField(_("text"), blank=True)
    template_text = models.TextField(
        _("template text"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Plain text; placeholders are written as {{Kommune}}."),
    )
    situation = models.CharField(_("situation"), max_length=16, choices=Situation.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.GERMAN
    )
    licence = models.CharField(
        _("licence"), max_length=16, choices=Licence.choices, default=Licence.CC_BY
    )
    publisher = models.CharField(_("publisher"), max_length=200, default="KomMA-Programmteam")
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    review_status = models.CharField(
        _("review status"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.UNREVIEWED,
    )
    reviewed_by_role = models.CharField(
        _("reviewed by (role)"),
        max_length=200,
        blank=True,
        help_text=_("The role that reviewed it, e.g. „Justiziariat der Programmleitung“."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.NETWORK
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("download"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Anonymous usage totals (see module docstring).
    view_count = models.PositiveIntegerField(default=0, editable=False)
    use_count = models.PositiveIntegerField(default=0, editable=False)
    download_count = models.PositiveIntegerField(default=0, editable=False)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    not_helpful_count = models.PositiveIntegerField(default=0, editable=False)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="toolbox_resource")

    class Meta:
        verbose_name = _("toolbox resource")
        verbose_name_plural = _("toolbox resources")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["live", "visibility", "kind"]),
            models.Index(fields=["last_reviewed"]),
        ]

    def __str__(self):
        return self.title

    @property
    def revisions(self):
        # RevisionMixin reads revisions through this (Wagtail's documented pattern).
        return self._revisions

    # Belong to the resource as a whole, not to one revision of its content: publishing
    # (or reverting to) an older revision must not turn the clock back on them.
    NOT_REVISED_FIELDS = (
        "view_count",
        "use_count",
        "download_count",
        "helpful_count",
        "not_helpful_count",
        "created_at",
    )

    def serializable_data(self):
        """Revision content without the usage counters and creation time (they are
        never taken from a revision, see ``with_content_json``)."""
        data = super().serializable_data()
        for name in self.NOT_REVISED_FIELDS:
            data.pop(name, None)
        return data

    def with_content_json(self, content):
        """The object with a revision's content, keeping the counters and creation
        time as they are in the database now.

        Read from the database rather than from ``self``: in the admin's edit view
        ``self`` may itself have been built from a revision, with old counters.
        Older revisions still hold counters in their content; they are ignored.
        """
        obj = super().with_content_json(content)
        current = None
        if self.pk is not None:
            current = type(self).objects.filter(pk=self.pk).values(*self.NOT_REVISED_FIELDS).first()
        for name in self.NOT_REVISED_FIELDS:
            value = current[name] if current else getattr(self, name)
            setattr(obj, name, value)
        return obj

    def get_absolute_url(self):
        return reverse("toolbox:resource", kwargs={"slug": self.slug})

    def get_preview_template(self, request, mode_name):
        return "toolbox/resource_preview.html"

    @property
    def is_stale(self) -> bool:
        """Not reviewed for ``STALE_AFTER_DAYS`` (or never)."""
        if self.last_reviewed is None:
            return True
        return (timezone.localdate() - self.last_reviewed).days > STALE_AFTER_DAYS


class TemplatePlaceholder(Orderable):
    """A placeholder a template declares: ``{{key}}`` in the text, a field in the form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("one line")
        MULTILINE = "multiline", _("several lines")
        DATE = "date", _("date")

    resource = ParentalKey(Resource, on_delete=models.CASCADE, related_name="placeholders")
    key = models.CharField(
        _("key"),
        max_length=40,
        validators=[RegexValidator(PLACEHOLDER_KEY_RE)],
        help_text=_("As written in the template text between {{ and }}, e.g. Kommune."),
    )
    label = models.CharField(_("label"), max_length=100)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("input"), max_length=16, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=True)
    max_length = models.PositiveIntegerField(_("maximum length"), default=200)

    class Meta(Orderable.Meta):
        verbose_name = _("placeholder")
        verbose_name_plural = _("placeholders")
        constraints = [
            models.UniqueConstraint(fields=["resource", "key"], name="toolbox_placeholder_unique")
        ]

    def __str__(self):
        return self.key


class ChecklistItem(Orderable):
    """One step of a checklist resource."""

    resource = ParentalKey(Resource, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("step"), max_length=300)
    help_text = models.TextField(_("explanation"), max_length=2_000, blank=True)
    time_window = models.CharField(
        _("time window"), max_length=60, blank=True, help_text=_("e.g. „in der ersten Stunde“")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")

    def __str__(self):
        return self.text


class FaqEntry(Orderable):
    """One question and answer of an FAQ resource."""

    resource = ParentalKey(Resource, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(_("question"), max_length=300)
    answer = RichTextField(_("answer"))

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.question


class Feedback(models.Model):
    """One member's "hilfreich" vote on a resource; only totals are ever shown."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="toolbox_feedback"
    )
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="toolbox_feedback_once")
        ]

    def __str__(self):
        return f"{self.resource_id}:{self.helpful}"


class TemplateDraft(models.Model):
    """A filled template saved by a member as a private draft of their municipality."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="toolbox_drafts"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="drafts")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    values = models.JSONField(_("values"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("template draft")
        verbose_name_plural = _("template drafts")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title


class ChecklistProgress(models.Model):
    """A checked step of a checklist, shared by the members of one municipality."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="toolbox_progress"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="progress")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "item"], name="toolbox_progress_once")
        ]

    def __str__(self):
        return f"{self.municipality_id}:{self.item_id}"


class ChecklistRun(models.Model):
    """When a municipality started (or last reset) a checklist, and who reset it."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="toolbox_runs"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    reset_at = models.DateTimeField(null=True, blank=True)
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "resource"], name="toolbox_run_once")
        ]

    def __str__(self):
        return f"{self.municipality_id}:{self.resource_id}"


class Playbook(ClusterableModel):
    """A guided flow (e.g. the first 24 hours after an incident): ordered steps that
    string together checklist steps, templates and alliance contacts."""

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=TITLE_MAX_LENGTH, unique=True)
    intro = models.TextField(_("introduction"), max_length=2_000, blank=True)
    alliance_situation = models.CharField(
        _("situation for alliance contacts"),
        max_length=40,
        blank=True,
        help_text=_("A situation key of the alliance directory, e.g. attack_on_staff."),
    )
    live = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("crisis playbook")
        verbose_name_plural = _("crisis playbooks")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("toolbox:playbook", kwargs={"slug": self.slug})


class PlaybookStep(Orderable, ClusterableModel):
    """One step of a playbook."""

    playbook = ParentalKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("title"), max_length=200)
    time_window = models.CharField(_("time window"), max_length=60, blank=True)
    guidance = models.TextField(_("guidance"), max_length=4_000, blank=True)
    checklist = models.ForeignKey(
        Resource,
        verbose_name=_("checklist"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": Kind.CHECKLIST},
    )
    templates = ParentalManyToManyField(
        Resource,
        verbose_name=_("templates"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Kind.TEMPLATE},
    )
    show_contacts = models.BooleanField(_("show alliance contacts"), default=False)

    class Meta(Orderable.Meta):
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")

    def __str__(self):
        return self.title


class IncidentRecord(models.Model):
    """Evidence of one incident, documented by members of a municipality.

    The fields follow what a police report needs (HateAid's evidence guidance):
    the content, the date and time, the account, the context, and screenshots with
    the time they were taken.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="toolbox_incidents"
    )
    title = models.CharField(_("short description"), max_length=TITLE_MAX_LENGTH)
    occurred_at = models.DateTimeField(_("date and time of the incident"))
    platform = models.CharField(_("platform or place"), max_length=200)
    url = models.URLField(_("URL"), max_length=2_000, blank=True)
    content_text = models.TextField(
        _("text of the post or message"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    account_name = models.CharField(_("account name"), max_length=200, blank=True)
    context = models.TextField(_("context"), max_length=TEXT_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("incident record")
        verbose_name_plural = _("incident records")
        ordering = ["-occurred_at"]

    def __str__(self):
        return self.title


def _screenshot_path(instance, filename):
    # Random names: the original file name may itself identify someone.
    return f"incident-evidence/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class IncidentScreenshot(models.Model):
    """A screenshot of an incident, re-encoded without EXIF/GPS, served only
    through the access check."""

    record = models.ForeignKey(IncidentRecord, on_delete=models.CASCADE, related_name="screenshots")
    file = models.FileField(upload_to=_screenshot_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    captured_at = models.DateTimeField(_("time of the screenshot"))
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["captured_at", "pk"]

    def __str__(self):
        return f"{self.record_id}:{self.pk}"
