"""Reads of the events app, with permission. Views and pages call these.

Every listing of events goes through ``komma.pages.visibility.filter_visible``.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from komma.accounts.choices import ProgrammeStatus
from komma.accounts.models import User
from komma.accounts.presentation import PEOPLE_PREFETCH
from komma.accounts.roles import ROLES
from komma.pages.visibility import filter_visible

from .models import EventPage, Registration, RegistrationStatus

PAST_EVENTS_PER_PAGE = 10
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def is_member(user) -> bool:
    """A logged-in, active, not deleted account."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "deleted_at", None) is None
    )


def local_datetime(value) -> str:
    """A date and time as the reader's language writes it, in the site's time zone."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


# --- Who may do what --------------------------------------------------------------
def has_priority(user) -> bool:
    """Whether ``user`` works for a model or applicant municipality (computed once)."""
    if not is_member(user):
        return False
    cached = getattr(user, "_komma_event_priority", None)
    if cached is None:
        cached = user.memberships.filter(
            municipality__programme_status__in=[ProgrammeStatus.MODEL, ProgrammeStatus.APPLICANT]
        ).exists()
        user._komma_event_priority = cached
    return cached


def is_facilitator(user, event: EventPage) -> bool:
    """Whether ``user`` facilitates ``event`` and still has the facilitator role."""
    if not is_member(user):
        return False
    return User.objects.filter(
        pk=user.pk,
        facilitated_events__pk=event.pk,
        groups__name=ROLES["facilitator"].group_name,
    ).exists()


def is_event_editor(user, event: EventPage) -> bool:
    """Editors and admins: admin access and permission to change the page."""
    if not is_member(user):
        return False
    if user.is_superuser:
        return True
    return (
        user.has_perm("wagtailadmin.access_admin") and event.permissions_for_user(user).can_edit()
    )


def may_see_participants(user, event: EventPage) -> bool:
    """Facilitators of the event and its editors see who takes part."""
    return is_facilitator(user, event) or is_event_editor(user, event)


def may_see_online_link(user, event: EventPage, registration=None) -> bool:
    """Confirmed participants, facilitators and editors see the link to the session."""
    if not event.online_link or not is_member(user):
        return False
    if registration is None:
        registration = active_registration(user, event)
    if registration is not None and registration.status == RegistrationStatus.CONFIRMED:
        return True
    return may_see_participants(user, event)


def waitlist_position(registration: Registration) -> int:
    """1 for the first person on the waiting list."""
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def with_waitlist_position(queryset):
    """Registrations annotated with ``position`` (their place on the waiting list)."""
    ahead = (
        Registration.objects.filter(
            event_id=OuterRef("event_id"), status=RegistrationStatus.WAITLISTED
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return queryset.annotate(
        position=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1
    )


def active_registration(user, event: EventPage) -> Registration | None:
    """The member's registration for ``event`` that is not cancelled, if any."""
    if not is_member(user):
        return None
    return Registration.objects.filter(event=event, user=user, status__in=ACTIVE).first()


def registration_refusal(user, event: EventPage, *, registration=None, now=None) -> str | None:
    """Why ``user`` cannot register for ``event`` now, or None if they can.

    Readability is not checked here: callers answer 404 for unreadable events.
    ``registration`` is the user's active registration, if the caller has it.
    """
    now = now or timezone.now()
    if not is_member(user):
        return _("Please log in to register.")
    if event.has_started(now):
        return _("This event has already started; registration is closed.")
    if now > event.registration_deadline:
        return _("The registration deadline has passed.")
    if registration is not None:
        if registration.status == RegistrationStatus.CONFIRMED:
            return _("You are already registered for this event.")
        return _("You are already on the waiting list for this event (position %(position)s).") % {
            "position": waitlist_position(registration)
        }
    if event.in_priority_period(now) and not has_priority(user):
        return _(
            "Until %(date)s, only members of model and applicant municipalities can register "
            "(prioritised access). You can register from then on."
        ) % {"date": local_datetime(event.priority_until)}
    return None


# --- Event page ---------------------------------------------------------------------
@dataclass(frozen=True)
class Seats:
    capacity: int
    confirmed: int
    waitlisted: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.confirmed, 0)


def seats(event: EventPage) -> Seats:
    counts = Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return Seats(event.capacity, counts["confirmed"], counts["waitlisted"])


def event_page_context(event: EventPage, user) -> dict:
    """What the event page shows ``user``: seats, their status, what they may do."""
    now = timezone.now()
    if event.pk is None:  # the preview of a page not saved yet
        return {
            "seats": Seats(event.capacity or 0, 0, 0),
            "registration": None,
            "waitlist_position": None,
            "refusal": None,
            "may_cancel": False,
            "has_started": False,
            "in_priority_period": event.in_priority_period(now),
            "may_see_online_link": False,
            "may_see_participants": False,
        }
    registration = active_registration(user, event)
    position = (
        waitlist_position(registration)
        if registration is not None and registration.status == RegistrationStatus.WAITLISTED
        else None
    )
    sees_participants = may_see_participants(user, event)
    confirmed = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    return {
        "seats": seats(event),
        "registration": registration,
        "waitlist_position": position,
        "refusal": (
            registration_refusal(user, event, registration=registration, now=now)
            if registration is None and is_member(user)
            else None
        ),
        "may_cancel": registration is not None and not event.has_started(now),
        "has_started": event.has_started(now),
        "in_priority_period": event.in_priority_period(now),
        "may_see_online_link": confirmed or sees_participants,
        "may_see_participants": sees_participants,
    }


def participants(event: EventPage) -> tuple[list[Registration], list[Registration]]:
    """Confirmed participants and the waiting list (in order), people prefetched."""
    registrations = (
        Registration.objects.filter(event=event, status__in=ACTIVE)
        .select_related("user")
        .prefetch_related(*(f"user__{related}" for related in PEOPLE_PREFETCH))
        .order_by("created_at", "pk")
    )
    confirmed, waitlisted = [], []
    for registration in registrations:
        if registration.status == RegistrationStatus.CONFIRMED:
            confirmed.append(registration)
        else:
            waitlisted.append(registration)
    return confirmed, waitlisted


# --- Index page ---------------------------------------------------------------------
def visible_events(index, user):
    """Live events below ``index`` that ``user`` may read."""
    return filter_visible(EventPage.objects.live().child_of(index), user)


def with_confirmed_count(events):
    """Events annotated with ``confirmed_count`` (for the free seats)."""
    return events.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        )
    )


def my_registrations(user, events):
    """The member's active registrations for ``events``, in date order, with positions."""
    if not is_member(user):
        return Registration.objects.none()
    return with_waitlist_position(
        Registration.objects.filter(user=user, status__in=ACTIVE, event__in=events.values("pk"))
        .select_related("event")
        .order_by("event__start", "pk")
    )


def event_index_context(index, request) -> dict:
    """Upcoming events, the member's registrations, and one page of past events."""
    now = timezone.now()
    user = request.user
    if index.pk is None:  # the preview of a page not saved yet
        return {"upcoming_events": [], "my_registrations": [], "past_events": []}
    events = visible_events(index, user)
    upcoming = list(with_confirmed_count(events.filter(end__gte=now)).order_by("start", "pk"))
    mine = list(my_registrations(user, events.filter(end__gte=now)))
    status_by_event = {registration.event_id: registration for registration in mine}
    past = Paginator(events.filter(end__lt=now).order_by("-start", "-pk"), PAST_EVENTS_PER_PAGE)
    return {
        "upcoming_events": [(event, status_by_event.get(event.pk)) for event in upcoming],
        "my_registrations": mine,
        "past_events": past.get_page(request.GET.get("seite")),
    }
