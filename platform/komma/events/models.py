"""Trainings and events: the index page, the event page and registrations.

An event has a capacity; registrations beyond it go on a waiting list that moves up
by itself (``actions.py``). The link to an online session is shown only to confirmed
participants and the event's facilitators (``selectors.may_see_online_link``): open
links to sessions of threatened people get abused.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from komma.pages.blocks import knowledge_blocks
from komma.pages.models import ContentPage, ModuleArea, Topic


class EventFormat(models.TextChoices):
    ONLINE = "online", _("online")
    IN_PERSON = "in_person", _("in person")
    HYBRID = "hybrid", _("hybrid (in person and online)")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


def facilitator_choices() -> dict:
    """Who may be chosen as an event's facilitator: active members of the role."""
    from komma.accounts.roles import ROLES

    return {
        "groups__name": ROLES["facilitator"].group_name,
        "is_active": True,
        "deleted_at__isnull": True,
    }


class EventIndexPage(ContentPage):
    """The "Fortbildungen und Veranstaltungen" index: upcoming events, the member's
    own registrations and (paginated) past events."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        ContentPage.visibility_panel,
        FieldPanel("lead"),
        FieldPanel("intro"),
    ]
    search_fields = ContentPage.search_fields  # with the visibility filter

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request, *args, **kwargs):
        from .selectors import event_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_index_context(self, request))
        return context


ROUTE_NAMES = ("register", "cancel", "calendar", "participants")


class EventPage(RoutablePageMixin, ContentPage):
    """One training or event, with registration, waiting list and calendar file.

    The visibility level covers the routes too: ``komma.pages`` refuses to serve the
    page and each route to readers without access (``enforce_visibility``); the
    actions check it again.
    """

    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    format = models.CharField(
        _("format"), max_length=16, choices=EventFormat.choices, default=EventFormat.ONLINE
    )
    place = models.TextField(
        _("address"),
        max_length=500,
        blank=True,
        help_text=_("Required for events in person and hybrid events. Shown on the page."),
    )
    online_link = models.URLField(
        _("link to the online session"),
        max_length=500,
        blank=True,
        help_text=_(
            "Required for online and hybrid events. Shown only to confirmed participants "
            "and the facilitators, never on the public page."
        ),
    )
    audience = models.CharField(
        _("audience"),
        max_length=300,
        blank=True,
        help_text=_("For example: leaders and administration staff."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1, message=_("An event needs at least one seat."))],
        help_text=_("Raising it moves people up from the waiting list when you publish."),
    )
    registration_deadline = models.DateTimeField(_("registration deadline"))
    priority_until = models.DateTimeField(
        _("priority registration until"),
        null=True,
        blank=True,
        help_text=_(
            "Until then only members of model and applicant municipalities may register. "
            "Leave empty for no priority period."
        ),
    )
    topics = ParentalManyToManyField(
        Topic, blank=True, related_name="events", verbose_name=_("topics")
    )
    module_areas = ParentalManyToManyField(
        ModuleArea, blank=True, related_name="events", verbose_name=_("module areas")
    )
    facilitators = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_events",
        limit_choices_to=facilitator_choices,
        verbose_name=_("facilitators"),
        help_text=_("Members of the facilitator role; they see the participant list."),
    )
    body = StreamField(knowledge_blocks(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        ContentPage.visibility_panel,
        FieldPanel("lead"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("format"),
                FieldPanel("place"),
                FieldPanel("online_link"),
            ],
            heading=_("Date and place"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("registration_deadline"), FieldPanel("priority_until")]),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("facilitators", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("module_areas", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Taxonomy"),
        ),
        FieldPanel("body"),
    ]
    # Neither the address nor the online link is indexed.
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("audience"),
        index.SearchField("body"),
        index.FilterField("visibility"),
        index.FilterField("start"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The end must be after the start.")
        if self.start and self.registration_deadline and self.registration_deadline > self.start:
            errors["registration_deadline"] = _(
                "The registration deadline must be no later than the start."
            )
        if (
            self.priority_until
            and self.registration_deadline
            and self.priority_until > self.registration_deadline
        ):
            errors["priority_until"] = _(
                "The priority period must end no later than the registration deadline."
            )
        in_person = self.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)
        online = self.format in (EventFormat.ONLINE, EventFormat.HYBRID)
        if in_person and not self.place.strip():
            errors["place"] = _("Give the address of an event in person or a hybrid event.")
        if not in_person and self.place.strip():
            errors["place"] = _("An online event has no address. Remove it, or choose “hybrid”.")
        if online and not self.online_link:
            errors["online_link"] = _(
                "Give the link to the online session of an online or hybrid event."
            )
        if not online and self.online_link:
            errors["online_link"] = _(
                "An event in person has no online link. Remove it, or choose “hybrid”."
            )
        if errors:
            raise ValidationError(errors)

    # --- What the page says about itself --------------------------------------------
    @property
    def location_label(self) -> str:
        """The address on one line, or "Online" (calendar files, listings)."""
        lines = [line.strip() for line in self.place.splitlines() if line.strip()]
        return ", ".join(lines) or str(_("Online"))

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.start

    def in_priority_period(self, now=None) -> bool:
        return bool(self.priority_until) and (now or timezone.now()) < self.priority_until

    # --- Routes (thin: parse, call, render; see views.py) -------------------------------
    def get_context(self, request, *args, **kwargs):
        from .selectors import event_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(self, request.user))
        context["event_urls"] = self.route_urls(request)
        return context

    def route_urls(self, request=None) -> dict[str, str]:
        """The page's own URL and those of its routes, for templates and redirects."""
        base = self.get_url(request) or "/"
        routes = {name: base + self.reverse_subpage(name) for name in ROUTE_NAMES}
        return {"page": base, **routes}

    @path("anmelden/", name="register")
    def register_route(self, request):
        from .views import register

        return register(request, self)

    @path("abmelden/", name="cancel")
    def cancel_route(self, request):
        from .views import cancel

        return cancel(request, self)

    # Wagtail serves only paths of slash-terminated segments without dots, so the route
    # is "kalender/"; the response names the file "<slug>.ics".
    @path("kalender/", name="calendar")
    def calendar_route(self, request):
        from .views import calendar_file

        return calendar_file(request, self)

    @path("teilnehmende/", name="participants")
    def participants_route(self, request):
        from .views import participants

        return participants(request, self)


class Registration(models.Model):
    """A member's registration for an event: confirmed, on the waiting list or cancelled.

    A member has at most one registration per event that is not cancelled; a cancelled
    one stays (the history), and registering again creates a new one at the end of
    the waiting list.
    """

    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("member"),
    )
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="events_one_active_registration",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self):
        return f"registration #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED
