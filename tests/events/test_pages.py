"""The event pages: visibility, what the page shows whom, the calendar file, the
participant list (facilitators and editors only, people by pseudonym), validation
and the GDPR export."""

from datetime import timedelta

import icalendar
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone, translation

from komma.accounts.actions import export_personal_data
from komma.accounts.models import Municipality
from komma.accounts.roles import ROLES
from komma.events.actions import check_register
from komma.events.models import EventIndexPage, EventPage, Registration
from komma.events.selectors import local_datetime
from tests.conftest import TEST_TOTP_SECRET

from .conftest import ONLINE_LINK, german

pytestmark = pytest.mark.django_db

XAVERIUS = {
    "first_name": "Xaverius",
    "last_name": "Nebelhorn-Adeyemi",
    "email": "xaverius.secret@example.org",
    "office": "Stabsstelle Zirkon 8812",
}
NEEDLES = ["Xaverius", "Nebelhorn", "Adeyemi", "xaverius.secret", "Zirkon", "8812", "Quarzfeld"]


def assert_absent(text: str, needles, where: str) -> None:
    found = [n for n in needles if n.lower() in text.lower()]
    assert not found, f"{where} shows {found}"


@pytest.fixture
def xaverius(make_member):
    town = Municipality.objects.create(
        name="Geheimstadt Quarzfeld", kind="gemeinde", bundesland="SN", ags="14999333",
        programme_status="model",
    )  # fmt: skip
    return make_member("StilleEule", municipality=town, **XAVERIUS)


@pytest.fixture
def open_person(make_member, other_municipality):
    """A participant who shows their real name to the whole network."""
    return make_member(
        "OffeneLerche", municipality=other_municipality, first_name="Leopoldine",
        last_name="Sichtbar", real_name_visibility="network",
    )  # fmt: skip


@pytest.fixture
def editor(make_member):
    user = make_member("RedaktionsDachs")
    user.groups.add(Group.objects.get(name=ROLES["editor"].group_name))
    TOTP.activate(user, TEST_TOTP_SECRET)
    return user


# --- Visibility ----------------------------------------------------------------------
@pytest.fixture
def model_only_event(make_event):
    return make_event(visibility="model", title="Geschlossene Fallberatung")


def test_model_only_event_is_hidden_from_network_members(
    client, model_only_event, event, applicant_member
):
    client.force_login(applicant_member)
    for route in ("", "kalender/", "teilnehmende/"):
        assert client.get(model_only_event.url + route).status_code == 404, route
    response = client.post(model_only_event.url + "anmelden/")
    assert response.status_code == 404
    assert not Registration.objects.exists()
    listing = client.get(model_only_event.get_parent().url).content.decode()
    assert event.title in listing and model_only_event.title not in listing


def test_model_only_event_refused_by_the_action_too(model_only_event, applicant_member):
    from django.http import Http404

    with pytest.raises(Http404):
        check_register(applicant_member, model_only_event)
    assert not Registration.objects.exists()


def test_model_only_event_is_open_to_model_members(client, model_only_event, model_member):
    client.force_login(model_member)
    response = client.get(model_only_event.url)
    assert response.status_code == 200 and model_only_event.title in response.content.decode()
    client.post(model_only_event.url + "anmelden/")
    assert Registration.objects.get().user == model_member
    listing = client.get(model_only_event.get_parent().url).content.decode()
    assert model_only_event.title in listing


def test_anonymous_visitors_do_not_see_a_closed_event(client, model_only_event):
    response = client.get(model_only_event.url)
    assert response.status_code in (302, 404)
    assert model_only_event.title not in response.content.decode()
    listing = client.get(model_only_event.get_parent().url).content.decode()
    assert model_only_event.title not in listing


# --- The event page --------------------------------------------------------------------
def test_event_page_for_anonymous_visitors(client, make_event):
    event = make_event(priority_until=timezone.now() + timedelta(days=1))
    html = client.get(event.url).content.decode()
    assert html.count("<h1") == 1
    assert "Führungskräfte und Verwaltungsmitarbeitende" in html
    assert german("Log in to register") in html and "/konto/login/?next=" in html
    assert 'action="' + event.url + 'anmelden/"' not in html
    assert ONLINE_LINK not in html
    assert f'<time datetime="{timezone.localtime(event.start).isoformat()}"' in html
    with translation.override("de"):
        date = local_datetime(event.priority_until)
    notice = german(
        "Prioritised access: until %(date)s, only members of model and applicant "
        "municipalities can register."
    )
    assert notice % {"date": date} in html
    assert event.url + "kalender/" in html


def test_german_date_formatting(client, make_event):
    start = timezone.make_aware(timezone.datetime(2031, 3, 12, 10, 0))
    event = make_event(start=start, end=start + timedelta(hours=2))
    html = client.get(event.url).content.decode()
    assert "12. März 2031 10:00" in html  # German month name and order, Berlin time
    assert 'datetime="2031-03-12T10:00:00+01:00"' in html


def test_online_link_only_for_confirmed_participants(
    client, make_event, model_member, applicant_member, other_member
):
    event = make_event(capacity=1)
    client.force_login(other_member)  # not registered
    html = client.get(event.url).content.decode()
    assert ONLINE_LINK not in html and german("Register") in html

    client.force_login(model_member)
    client.post(event.url + "anmelden/")
    html = client.get(event.url).content.decode()
    assert ONLINE_LINK in html
    assert german("You are registered for this event.") in html
    assert german("Cancel my registration") in html

    client.force_login(applicant_member)
    client.post(event.url + "anmelden/")  # waiting list
    html = client.get(event.url).content.decode()
    assert ONLINE_LINK not in html


def test_full_event_offers_the_waiting_list(client, make_event, model_member, applicant_member):
    event = make_event(capacity=1)
    client.force_login(model_member)
    client.post(event.url + "anmelden/")
    client.force_login(applicant_member)
    html = client.get(event.url).content.decode()
    assert german("Join the waiting list") in html


def test_facilitator_sees_link_and_participant_list_link(client, event, facilitator):
    event.facilitators.add(facilitator)
    event.save()
    client.force_login(facilitator)
    html = client.get(event.url).content.decode()
    assert ONLINE_LINK in html and event.url + "teilnehmende/" in html


# --- Calendar file -------------------------------------------------------------------
def _calendar(client, event) -> tuple[icalendar.Event, bytes]:
    response = client.get(event.url + "kalender/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == 1
    return entries[0], response.content


def test_calendar_file(client, event):
    entry, raw = _calendar(client, event)
    assert str(entry["SUMMARY"]) == event.title
    seconds = {"microsecond": 0}
    assert entry.decoded("DTSTART") == event.start.replace(**seconds)
    assert entry.decoded("DTEND") == event.end.replace(**seconds)
    assert entry.decoded("DTSTART").utcoffset() == timedelta(0)
    assert b"DTSTART:" in raw and b"Z\r\n" in raw  # UTC form, no TZID
    assert str(entry["LOCATION"]) == "Online"
    assert str(entry["UID"]) == f"event-{event.pk}@127.0.0.1"
    assert ONLINE_LINK not in raw.decode()
    # Stable: the same UID after a change of title and slug.
    event.title, event.slug = "Umbenannt", "umbenannt"
    event.save_revision().publish()
    again, _raw = _calendar(client, type(event).objects.get(pk=event.pk))
    assert str(again["UID"]) == str(entry["UID"])


def test_calendar_file_of_an_event_in_person(client, make_event):
    event = make_event(format="in_person", online_link="", place="Rathaus\nMarkt 1\n04109 Leipzig")
    entry, _raw = _calendar(client, event)
    assert str(entry["LOCATION"]) == "Rathaus, Markt 1, 04109 Leipzig"


def test_calendar_link_only_for_confirmed(client, make_event, model_member, applicant_member):
    event = make_event(capacity=1)
    client.force_login(model_member)
    client.post(event.url + "anmelden/")
    _entry, raw = _calendar(client, event)
    assert ONLINE_LINK in raw.decode().replace("\r\n ", "")  # unfolded
    client.force_login(applicant_member)
    client.post(event.url + "anmelden/")  # waiting list
    _entry, raw = _calendar(client, event)
    assert ONLINE_LINK not in raw.decode().replace("\r\n ", "")


# --- Participant list ---------------------------------------------------------------------
@pytest.fixture
def booked_event(client, make_event, xaverius, open_person, model_member):
    event = make_event(capacity=2)
    for user in (xaverius, open_person, model_member):
        client.force_login(user)
        client.post(event.url + "anmelden/")
    client.logout()
    return event


def test_facilitator_sees_participants_by_pseudonym(client, booked_event, facilitator):
    booked_event.facilitators.add(facilitator)
    booked_event.save()
    client.force_login(facilitator)
    response = client.get(booked_event.url + "teilnehmende/")
    assert response.status_code == 200
    html = response.content.decode()
    for pseudonym in ("StilleEule", "OffeneLerche", "ModellFalke"):
        assert pseudonym in html
    assert html.index("ModellFalke") > html.index("waitlist-heading")  # third: waiting list
    assert "Leopoldine" in html  # she shows her name to the network
    assert_absent(html, NEEDLES, "participant list")


def test_editor_sees_participants(client, booked_event, editor):
    client.force_login(editor)
    response = client.get(booked_event.url + "teilnehmende/")
    assert response.status_code == 200
    assert "StilleEule" in response.content.decode()
    assert_absent(response.content.decode(), NEEDLES, "participant list for editors")


@pytest.mark.parametrize("who", ["model_member", "anonymous", "other_facilitator"])
def test_participant_list_is_404_for_others(client, booked_event, facilitator, make_member, who):
    booked_event.facilitators.add(facilitator)
    booked_event.save()
    if who == "model_member":
        client.force_login(Registration.objects.get(user__pseudonym="ModellFalke").user)
    elif who == "other_facilitator":
        other = make_member("FremdeLeitung")
        other.groups.add(Group.objects.get(name=ROLES["facilitator"].group_name))
        client.force_login(other)
    response = client.get(booked_event.url + "teilnehmende/")
    assert response.status_code == 404
    assert "StilleEule" not in response.content.decode()


def test_facilitator_who_lost_the_role_no_longer_sees_the_list(client, booked_event, facilitator):
    booked_event.facilitators.add(facilitator)
    booked_event.save()
    facilitator.groups.clear()
    client.force_login(facilitator)
    assert client.get(booked_event.url + "teilnehmende/").status_code == 404


def test_event_pages_show_no_identity(client, booked_event, open_person):
    client.force_login(open_person)
    for url in (booked_event.url, booked_event.get_parent().url):
        assert_absent(client.get(url).content.decode(), NEEDLES, url)


def test_facilitator_choices_are_limited_to_the_role(facilitator, model_member):
    from django.forms.models import apply_limit_choices_to_to_formfield

    from komma.events.models import EventPage

    field = EventPage._meta.get_field("facilitators").formfield()
    apply_limit_choices_to_to_formfield(field)
    assert list(field.queryset) == [facilitator]
    assert str(facilitator) == facilitator.pseudonym  # the admin shows pseudonyms


def test_admin_edit_view_links_to_the_participants(client, booked_event, editor):
    client.force_login(editor)
    # The explorer view of the event shows its header buttons.
    response = client.get(f"/admin/pages/{booked_event.pk}/")
    assert response.status_code == 200
    assert booked_event.url + "teilnehmende/" in response.content.decode()


# --- Index page ---------------------------------------------------------------------------
def test_index_lists_upcoming_mine_and_past(client, make_event, model_member):
    now = timezone.now()
    soon = make_event(title="Bald", start=now + timedelta(days=3))
    later = make_event(title="Später", start=now + timedelta(days=20))
    past = make_event(
        title="Vorbei",
        start=now - timedelta(days=10),
        registration_deadline=now - timedelta(days=11),
    )
    client.force_login(model_member)
    client.post(later.url + "anmelden/")
    html = client.get(soon.get_parent().url).content.decode()
    mine, upcoming = html.index('id="mine-heading"'), html.index('id="upcoming-heading"')
    past_at = html.index('id="past-heading"')
    assert mine < html.index("Später") < upcoming  # listed among "Ihre Anmeldungen"
    assert upcoming < html.index("Bald", upcoming) < html.index("Später", upcoming) < past_at
    assert html.index(past.title) > past_at


def test_index_paginates_past_events(client, make_event):
    now = timezone.now()
    for n in range(12):
        start = now - timedelta(days=30 + n)
        make_event(title=f"Archiv {n:02d}", start=start, registration_deadline=start)
    index_url = "/fortbildungen/"
    first = client.get(index_url).content.decode()
    assert "Archiv 00" in first and "Archiv 11" not in first
    second = client.get(index_url + "?seite=2").content.decode()
    assert "Archiv 11" in second and "Archiv 00" not in second
    assert client.get(index_url + "?seite=kaputt").status_code == 200  # junk: first page


# --- Validation ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end_offset": -1}, "end", "The end must be after the start."),
        (
            {"registration_deadline_offset": 1},
            "registration_deadline",
            "The registration deadline must be no later than the start.",
        ),
        (
            {"priority_offset": 1},
            "priority_until",
            "The priority period must end no later than the registration deadline.",
        ),
        (
            {"format": "in_person", "online_link": ""},
            "place",
            "Give the address of an event in person or a hybrid event.",
        ),
        (
            {"format": "hybrid", "online_link": "", "place": "Rathaus"},
            "online_link",
            "Give the link to the online session of an online or hybrid event.",
        ),
        ({"capacity": 0}, "capacity", "An event needs at least one seat."),
    ],
)
def test_validation(make_event, fields, field, message):
    start = timezone.now() + timedelta(days=10)
    fields = dict(fields, start=start)
    if "end_offset" in fields:
        fields["end"] = start + timedelta(hours=fields.pop("end_offset"))
    if "registration_deadline_offset" in fields:
        fields["registration_deadline"] = start + timedelta(
            hours=fields.pop("registration_deadline_offset")
        )
    if "priority_offset" in fields:
        fields["registration_deadline"] = start - timedelta(days=1)
        fields["priority_until"] = (
            start - timedelta(days=1) + timedelta(hours=fields.pop("priority_offset"))
        )
    with pytest.raises(ValidationError) as caught:
        make_event(**fields)
    assert german(message) in caught.value.message_dict[field]


# --- GDPR export ---------------------------------------------------------------------------
def test_personal_data_export_lists_own_registrations(client, event, model_member, other_member):
    client.force_login(model_member)
    client.post(event.url + "anmelden/")
    client.post(event.url + "abmelden/")
    client.force_login(other_member)
    client.post(event.url + "anmelden/")
    data = export_personal_data(model_member)
    assert [(r["event"], r["status"]) for r in data["event_registrations"]] == [
        (event.title, "cancelled")
    ]


# --- Previews of pages not saved yet ---------------------------------------------------------
def test_preview_of_unsaved_pages_renders(editor):
    request = RequestFactory().get("/")
    request.user = editor
    now = timezone.now()
    event = EventPage(
        title="Entwurf", slug="entwurf", start=now + timedelta(days=2),
        end=now + timedelta(days=2, hours=1), capacity=5, online_link=ONLINE_LINK,
        registration_deadline=now + timedelta(days=1),
    )  # fmt: skip
    context = event.get_context(request)
    assert context["seats"].free == 5 and context["registration"] is None
    assert not context["may_see_participants"]
    index = EventIndexPage(title="Neu", slug="neu")
    assert index.get_context(request)["upcoming_events"] == []
