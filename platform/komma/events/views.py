"""Routes of the event page: thin — parse, call an action or selector, respond.

Wagtail routes them (``EventPage`` is a routable page); the page's ``serve`` has
already refused readers without access. POST routes answer with a redirect to the
page and a message (post/redirect/get).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from komma.core.ics import calendar_response, site_uid

from . import actions, selectors
from .models import EventPage, RegistrationStatus


def register(request, event: EventPage):
    """POST: register for the event (a seat, or a place on the waiting list)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_url(request))
    try:
        registration = actions.check_register(request.user, event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("You are registered. We look forward to seeing you."))
        else:
            messages.info(
                request,
                _(
                    "The event is fully booked. You are on the waiting list at position "
                    "%(position)s. If a seat becomes free, you move up automatically and "
                    "we will e-mail you."
                )
                % {"position": registration.position},
            )
    return redirect(event.get_url(request))


def cancel(request, event: EventPage):
    """POST: cancel the own registration or leave the waiting list."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_url(request))
    try:
        registration = actions.check_cancel_registration(request.user, event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.was_confirmed:
            messages.success(request, _("Your registration has been cancelled."))
        else:
            messages.success(request, _("You have left the waiting list."))
    return redirect(event.get_url(request))


def calendar_file(request, event: EventPage):
    """The event as an iCalendar file; the online link only for those who may see it."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    page_url = event.get_full_url(request) or settings.KOMMA_BASE_URL
    description = [event.lead] if event.lead else []
    description.append(page_url)
    if selectors.may_see_online_link(request.user, event):
        description.append(_("Link to the online session: %(link)s") % {"link": event.online_link})

    return calendar_response(
        prodid="-//KomMA Netzwerk//Fortbildungen und Veranstaltungen//DE",
        uid=calendar_uid(event),
        start=event.start,
        end=event.end,
        summary=event.title,
        location=event.location_label,
        description="\n\n".join(description),
        url=page_url,
        filename=f"{event.slug}.ics",
    )


def calendar_uid(event: EventPage) -> str:
    """Stable per event (the page id, not the title or slug), unique to this site."""
    return site_uid("event", event.pk)


def participants(request, event: EventPage):
    """Confirmed participants and the waiting list, for facilitators and editors only.

    Each person is shown through the ``people`` template tags, i.e. only with what
    they chose to show the viewer.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not selectors.may_see_participants(request.user, event):
        raise Http404
    confirmed, waitlisted = selectors.participants(event)
    return TemplateResponse(
        request,
        "events/participants.html",
        {
            "page": event,
            "self": event,
            "confirmed": confirmed,
            "waitlisted": waitlisted,
            "seats": selectors.Seats(event.capacity, len(confirmed), len(waitlisted)),
        },
    )
