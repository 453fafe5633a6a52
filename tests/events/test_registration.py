"""Registration rules: priority window, capacity and waiting list, deadline, start,
double registration, cancelling (own only) and the waiting list moving up."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from komma.events.models import Registration
from komma.events.selectors import local_datetime

from .conftest import german, messages_of, post

pytestmark = pytest.mark.django_db


def statuses(event) -> dict[str, str]:
    return {
        r.user.pseudonym: r.status
        for r in Registration.objects.filter(event=event).select_related("user")
    }


def register(client, user, event):
    return post(client, user, event.url + "anmelden/")


def cancel(client, user, event, data=None):
    return post(client, user, event.url + "abmelden/", data)


# --- Priority window ------------------------------------------------------------------
@pytest.fixture
def priority_event(make_event):
    now = timezone.now()
    return make_event(capacity=5, priority_until=now + timedelta(days=2))


@pytest.mark.parametrize("who", ["model_member", "applicant_member"])
def test_priority_window_admits_model_and_applicant_municipalities(
    client, priority_event, who, request
):
    user = request.getfixturevalue(who)
    response = register(client, user, priority_event)
    assert response.status_code == 302 and response["Location"] == priority_event.url
    assert statuses(priority_event) == {user.pseudonym: "confirmed"}
    assert messages_of(response) == [german("You are registered. We look forward to seeing you.")]


def test_priority_window_refuses_others_and_says_from_when(client, priority_event, other_member):
    response = register(client, other_member, priority_event)
    assert response.status_code == 302
    assert not Registration.objects.exists()
    with translation.override("de"):
        date = local_datetime(priority_event.priority_until)
    expected = german(
        "Until %(date)s, only members of model and applicant municipalities can register "
        "(prioritised access). You can register from then on."
    ) % {"date": date}
    assert messages_of(response) == [expected]
    # The page tells the member the same, instead of offering the button.
    page = client.get(priority_event.url).content.decode()
    assert date in page and 'action="' + priority_event.url + 'anmelden/"' not in page


def test_after_the_priority_window_everyone_may_register(client, make_event, other_member):
    event = make_event(priority_until=timezone.now() - timedelta(minutes=1))
    register(client, other_member, event)
    assert statuses(event) == {other_member.pseudonym: "confirmed"}


# --- Capacity and waiting list ----------------------------------------------------------
def test_full_event_puts_people_on_the_waiting_list_with_their_position(
    client, event, model_member, applicant_member, other_member, make_member, municipality
):
    register(client, model_member, event)
    register(client, applicant_member, event)
    response = register(client, other_member, event)
    fourth = make_member("VierteAmsel", municipality=municipality)
    response_fourth = register(client, fourth, event)
    assert statuses(event) == {
        model_member.pseudonym: "confirmed",
        applicant_member.pseudonym: "confirmed",
        other_member.pseudonym: "waitlisted",
        fourth.pseudonym: "waitlisted",
    }
    text = german(
        "The event is fully booked. You are on the waiting list at position %(position)s. "
        "If a seat becomes free, you move up automatically and we will e-mail you."
    )
    assert messages_of(response) == [text % {"position": 1}]
    assert messages_of(response_fourth) == [text % {"position": 2}]
    page = client.get(event.url).content.decode()  # as the fourth member
    assert (
        german(
            "You are on the waiting list, at position %(position)s. If a seat becomes free, "
            "you move up automatically and we will e-mail you."
        )
        % {"position": 2}
        in page
    )
    assert german("Leave the waiting list") in page


def test_double_registration_is_refused_and_changes_nothing(client, event, model_member):
    register(client, model_member, event)
    before = list(Registration.objects.values_list("pk", "status", "status_changed_at"))
    response = register(client, model_member, event)
    assert messages_of(response) == [german("You are already registered for this event.")]
    assert list(Registration.objects.values_list("pk", "status", "status_changed_at")) == before


def test_double_registration_on_the_waiting_list_names_the_position(
    client, make_event, model_member, applicant_member
):
    event = make_event(capacity=1)
    register(client, model_member, event)
    register(client, applicant_member, event)
    response = register(client, applicant_member, event)
    assert messages_of(response) == [
        german("You are already on the waiting list for this event (position %(position)s).")
        % {"position": 1}
    ]
    assert Registration.objects.filter(user=applicant_member).count() == 1


# --- Deadline and start -------------------------------------------------------------------
def test_registration_after_the_deadline_is_refused(client, make_event, model_member):
    now = timezone.now()
    event = make_event(
        start=now + timedelta(days=1), registration_deadline=now - timedelta(hours=1)
    )
    response = register(client, model_member, event)
    assert messages_of(response) == [german("The registration deadline has passed.")]
    assert not Registration.objects.exists()


def test_registration_after_the_start_is_refused(client, make_event, model_member):
    now = timezone.now()
    event = make_event(
        start=now - timedelta(hours=1), registration_deadline=now - timedelta(days=1)
    )
    response = register(client, model_member, event)
    assert messages_of(response) == [
        german("This event has already started; registration is closed.")
    ]
    assert not Registration.objects.exists()


# --- Bad requests ----------------------------------------------------------------------
@pytest.mark.parametrize("route", ["anmelden/", "abmelden/"])
def test_get_on_a_post_route_is_405_and_changes_nothing(client, event, model_member, route):
    client.force_login(model_member)
    assert client.get(event.url + route).status_code == 405
    assert not Registration.objects.exists()


def test_post_without_csrf_token_is_refused(event, model_member):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(model_member)
    assert strict.post(event.url + "anmelden/").status_code == 403
    assert not Registration.objects.exists()


def test_anonymous_register_goes_to_login(client, event):
    response = client.post(event.url + "anmelden/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    assert not Registration.objects.exists()


# --- Cancelling and moving up -----------------------------------------------------------
def test_cancel_moves_the_first_waiting_person_up_and_mails_only_them(
    client,
    make_event,
    model_member,
    applicant_member,
    other_member,
    django_capture_on_commit_callbacks,
):
    event = make_event(capacity=1)
    register(client, model_member, event)
    register(client, applicant_member, event)
    register(client, other_member, event)
    assert statuses(event)[applicant_member.pseudonym] == "waitlisted"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = cancel(client, model_member, event)
    assert messages_of(response) == [german("Your registration has been cancelled.")]
    assert statuses(event) == {
        model_member.pseudonym: "cancelled",
        applicant_member.pseudonym: "confirmed",  # waited longest
        other_member.pseudonym: "waitlisted",
    }
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [applicant_member.email]
    assert event.title in message.subject and event.url in message.body
    for other in (model_member, other_member):
        assert other.pseudonym not in message.body and other.email not in message.body
    assert event.online_link not in message.body  # the link is on the page, behind login


def test_leaving_the_waiting_list_moves_nobody_up(
    client,
    make_event,
    model_member,
    applicant_member,
    other_member,
    django_capture_on_commit_callbacks,
):
    event = make_event(capacity=1)
    register(client, model_member, event)
    register(client, applicant_member, event)
    register(client, other_member, event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = cancel(client, applicant_member, event)
    assert callbacks == []
    assert messages_of(response) == [german("You have left the waiting list.")]
    assert statuses(event)[other_member.pseudonym] == "waitlisted"
    assert mail.outbox == []


def test_a_member_cannot_cancel_someone_elses_registration(
    client, event, model_member, applicant_member
):
    register(client, model_member, event)
    theirs = Registration.objects.get(user=model_member)
    # Whatever the request names, the route only ever cancels the requester's own.
    response = cancel(
        client, applicant_member, event, {"registration": theirs.pk, "user": model_member.pk}
    )
    assert messages_of(response) == [german("You are not registered for this event.")]
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_cancel_after_the_start_is_refused(client, make_event, model_member):
    now = timezone.now()
    event = make_event(
        start=now + timedelta(days=1), registration_deadline=now + timedelta(hours=1)
    )
    register(client, model_member, event)
    EventPageModel = type(event)
    EventPageModel.objects.filter(pk=event.pk).update(
        start=now - timedelta(minutes=5), registration_deadline=now - timedelta(hours=1)
    )
    response = cancel(client, model_member, event)
    assert messages_of(response) == [
        german("This event has already started; registrations can no longer be cancelled.")
    ]
    assert Registration.objects.get(user=model_member).status == "confirmed"


def test_register_again_after_cancelling_goes_to_the_end_of_the_list(
    client, make_event, model_member, applicant_member, other_member
):
    event = make_event(capacity=1)
    register(client, model_member, event)
    register(client, applicant_member, event)
    register(client, other_member, event)
    cancel(client, applicant_member, event)
    register(client, applicant_member, event)
    waiting = Registration.objects.filter(event=event, status="waitlisted").order_by(
        "created_at", "pk"
    )
    assert [r.user_id for r in waiting] == [other_member.pk, applicant_member.pk]
    assert Registration.objects.filter(user=applicant_member).count() == 2  # history kept


def test_raising_the_capacity_on_publish_moves_the_waiting_list_up(
    client,
    make_event,
    model_member,
    applicant_member,
    other_member,
    make_member,
    municipality,
    django_capture_on_commit_callbacks,
):
    event = make_event(capacity=1)
    fourth = make_member("VierteAmsel", municipality=municipality)
    for user in (model_member, applicant_member, other_member, fourth):
        register(client, user, event)
    mail.outbox.clear()

    event.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()

    assert statuses(event) == {
        model_member.pseudonym: "confirmed",
        applicant_member.pseudonym: "confirmed",
        other_member.pseudonym: "confirmed",
        fourth.pseudonym: "waitlisted",
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [applicant_member.email, other_member.email]
    )


def test_publishing_without_free_seats_moves_nobody(
    client, make_event, model_member, other_member, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    register(client, model_member, event)
    register(client, other_member, event)
    mail.outbox.clear()
    event.title = "Neuer Titel"
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    assert statuses(event)[other_member.pseudonym] == "waitlisted"
    assert mail.outbox == []


def test_deleting_the_account_frees_the_seat_for_the_next_person(
    client, make_event, model_member, applicant_member, django_capture_on_commit_callbacks
):
    from komma.accounts.actions import do_delete_account

    event = make_event(capacity=1)
    register(client, model_member, event)
    register(client, applicant_member, event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_delete_account(model_member)
    assert Registration.objects.get(user=model_member).status == "cancelled"
    assert Registration.objects.get(user=applicant_member).status == "confirmed"
    assert [m.to for m in mail.outbox] == [[applicant_member.email]]


def test_deactivating_a_member_frees_the_seat_for_the_next_person(
    client, make_event, model_member, applicant_member, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    register(client, model_member, event)
    register(client, applicant_member, event)
    with django_capture_on_commit_callbacks(execute=True):
        model_member.is_active = False  # e.g. banned by an admin
        model_member.save(update_fields=["is_active"])
    assert Registration.objects.get(user=model_member).status == "cancelled"
    assert Registration.objects.get(user=applicant_member).status == "confirmed"
