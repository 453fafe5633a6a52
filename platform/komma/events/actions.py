"""All writes of the events app: register, cancel, move up from the waiting list.

``check_<verb>_<noun>`` validates and authorises, then calls ``do_<verb>_<noun>``,
which writes atomically. Seats are counted with the event's row locked
(``select_for_update``), so two people cannot both get the last seat; e-mails go
out when the transaction commits.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from komma.core.tasks import MailDelivery

from .models import EventPage, Registration, RegistrationStatus
from .selectors import (
    ACTIVE,
    active_registration,
    is_member,
    local_datetime,
    registration_refusal,
    waitlist_position,
)


def _lock_event(event: EventPage) -> EventPage:
    """The event, freshly read with its row locked until the transaction ends."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def _confirmed_count(event: EventPage) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()


def _access(user, event: EventPage) -> None:
    """404 for events the user may not read (nothing about them is told)."""
    if not event.live or not event.is_readable_by(user):
        raise Http404


# --- Register -------------------------------------------------------------------------
def check_register(user, event: EventPage) -> Registration:
    """Register ``user`` for ``event``: a seat, or a place on the waiting list.

    Raises ValidationError with the reason when the user cannot register (deadline,
    started, priority period, already registered). The returned registration of a
    waiting-list entry carries its ``position``.
    """
    if not is_member(user):
        raise PermissionDenied
    _access(user, event)
    refusal = registration_refusal(user, event, registration=active_registration(user, event))
    if refusal:
        raise ValidationError(refusal, code="refused")
    return do_register(user, event)


def do_register(user, event: EventPage) -> Registration:
    """Create the registration: confirmed while seats are free, else waitlisted."""
    with transaction.atomic():
        locked = _lock_event(event)
        if Registration.objects.filter(event=locked, user=user, status__in=ACTIVE).exists():
            raise ValidationError(_("You are already registered for this event."), code="twice")
        status = (
            RegistrationStatus.CONFIRMED
            if _confirmed_count(locked) < locked.capacity
            else RegistrationStatus.WAITLISTED
        )
        now = timezone.now()
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=locked, user=user, status=status, created_at=now, status_changed_at=now
                )
        except IntegrityError as exc:  # the partial unique constraint: a second request
            raise ValidationError(
                _("You are already registered for this event."), code="twice"
            ) from exc
        registration.position = (
            waitlist_position(registration) if status == RegistrationStatus.WAITLISTED else None
        )
    return registration


# --- Cancel ---------------------------------------------------------------------------
def check_cancel_registration(user, event: EventPage) -> Registration:
    """The member cancels their own registration (or waiting-list place) for ``event``.

    Only until the event starts. A freed seat goes to the first person waiting.
    """
    if not is_member(user):
        raise PermissionDenied
    _access(user, event)
    if event.has_started():
        raise ValidationError(
            _("This event has already started; registrations can no longer be cancelled."),
            code="started",
        )
    return do_cancel_registration(user, event)


def do_cancel_registration(user, event: EventPage) -> Registration:
    """Cancel ``user``'s active registration; move the waiting list up if a seat frees."""
    with transaction.atomic():
        locked = _lock_event(event)
        registration = Registration.objects.filter(
            event=locked, user=user, status__in=ACTIVE
        ).first()
        if registration is None:
            raise ValidationError(_("You are not registered for this event."), code="missing")
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.status_changed_at = timezone.now()
        registration.save(update_fields=["status", "status_changed_at"])
        if was_confirmed:
            _promote(locked)
        registration.was_confirmed = was_confirmed
    return registration


def do_withdraw_registrations(user) -> None:
    """A deleted account gives up its seats and waiting-list places in coming events,
    so that they go to others (and no participant list shows a "former member")."""
    now = timezone.now()
    event_ids = (
        Registration.objects.filter(user=user, status__in=ACTIVE, event__start__gt=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event in EventPage.objects.filter(pk__in=list(event_ids)):
        try:
            do_cancel_registration(user, event)
        except ValidationError:  # cancelled meanwhile
            continue


# --- Waiting list ---------------------------------------------------------------------
def do_promote_waitlist(event: EventPage) -> list[Registration]:
    """Give free seats to the people waiting longest (e.g. after the capacity was raised)."""
    with transaction.atomic():
        return _promote(_lock_event(event))


def _promote(event: EventPage) -> list[Registration]:
    """Within a transaction that holds the event's lock: fill free seats from the list.

    Nobody moves up once the event has started; accounts that were deactivated or
    deleted keep their place but get no seat.
    """
    if event.has_started():
        return []
    free = event.capacity - _confirmed_count(event)
    if free <= 0:
        return []
    moved = list(
        Registration.objects.filter(
            event=event,
            status=RegistrationStatus.WAITLISTED,
            user__is_active=True,
            user__deleted_at__isnull=True,
        )
        .select_related("user")
        .order_by("created_at", "pk")[:free]
    )
    if not moved:
        return []
    now = timezone.now()
    Registration.objects.filter(pk__in=[r.pk for r in moved]).update(
        status=RegistrationStatus.CONFIRMED, status_changed_at=now
    )
    for registration in moved:
        registration.status = RegistrationStatus.CONFIRMED
        registration.status_changed_at = now
        registration.mail_delivery = _mail_moved_up(registration, event)
    return moved


def _mail_moved_up(registration: Registration, event: EventPage) -> MailDelivery:
    """Tell the person (and only them) that they have a seat now. Names nobody else."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "title": event.title,
            "start": local_datetime(event.start),
            "end": local_datetime(event.end),
            "url": event.get_full_url() or settings.KOMMA_BASE_URL,
        }
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("You have a seat: %(title)s") % {
            "title": event.title
        }
        body = render_to_string("events/email/moved_up.txt", context)
    return MailDelivery(subject, body, [registration.user.email])
