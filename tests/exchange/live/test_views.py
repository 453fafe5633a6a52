"""The live sessions' pages: who sees what, scheduling and its bad input, edit,
cancel, open the lobby, the room page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from exchange.live.models import LiveSession, LogAction, Participant, Role, SessionLog, State

from .web_fixtures import *  # noqa: F403  (the fixtures)
from .web_fixtures import login, make_session

pytestmark = pytest.mark.django_db


def url(name, session=None, **kwargs):
    if session is not None:
        kwargs["public_id"] = session.public_id
    return reverse(f"live:{name}", kwargs=kwargs or None)


# --- Index -----------------------------------------------------------------------------
def test_index_lists_own_sessions_by_state(client, web_cast):
    upcoming = make_session(web_cast, State.SCHEDULED, title="Kommende Beratung Alpha")
    live = make_session(web_cast, State.LIVE, title="Laufende Beratung Beta")
    ended = make_session(web_cast, State.ENDED, title="Vergangene Beratung Gamma")
    ended.ended_at = timezone.now()
    ended.save()
    cancelled = make_session(web_cast, State.CANCELLED, title="Abgesagte Beratung Delta")
    login(client, web_cast["consultant"])
    page = client.get(url("index")).content.decode()
    for session in (upcoming, live, ended):
        assert session.title in page
    assert cancelled.title not in page
    assert url("room", live) in page  # open sessions offer the room
    assert url("room", upcoming) not in page
    # The order of the sections: open now, upcoming, past.
    assert page.index(live.title) < page.index(upcoming.title) < page.index(ended.title)


def test_index_hides_sessions_of_others(client, web_cast):
    session = make_session(web_cast, State.SCHEDULED, title="Geheime Runde Epsilon")
    for key in ("outsider", "removed"):
        login(client, web_cast[key])
        assert session.title not in client.get(url("index")).content.decode()
    # Members of the role see every session (they may stand in).
    login(client, web_cast["stand_in"])
    assert session.title in client.get(url("index")).content.decode()


def test_pages_require_login(client, web_cast):
    session = make_session(web_cast, State.SCHEDULED)
    for target in (url("index"), url("session", session), url("schedule"), url("room", session)):
        response = client.get(target)
        assert response.status_code == 302
        assert "/login" in response["Location"] or "login" in response["Location"]


# --- Session page -------------------------------------------------------------------------
def test_session_page_shows_people_by_pseudonym_to_participants(client, web_cast):
    session = make_session(web_cast, State.SCHEDULED)
    login(client, web_cast["consultant"])
    page = client.get(url("session", session)).content.decode()
    for key in ("facilitator", "case_giver", "consultant2", "secretary"):
        assert web_cast[key].pseudonym in page
    assert web_cast["removed"].pseudonym not in page  # removed people are not listed
    assert url("ics", session) in page
    assert url("edit", session) not in page  # not a facilitator
    assert url("open_lobby", session) not in page


def test_session_page_for_facilitators_offers_management(client, web_cast):
    session = make_session(web_cast, State.SCHEDULED)
    for key in ("facilitator", "stand_in"):
        login(client, web_cast[key])
        page = client.get(url("session", session)).content.decode()
        assert url("edit", session) in page
        assert url("open_lobby", session) in page
        assert url("cancel", session) in page


@pytest.mark.parametrize("name", ["session", "room", "ics", "minutes", "draft", "edit", "cancel"])
def test_outsiders_and_unknown_ids_get_404(client, web_cast, name):
    session = make_session(web_cast, State.ENDED)
    login(client, web_cast["outsider"])
    assert client.get(url(name, session)).status_code == 404
    login(client, web_cast["consultant"])
    assert (
        client.get(
            reverse(f"live:{name}", kwargs={"public_id": "1f0e7d8c-0000-4000-8000-000000000000"})
        ).status_code
        == 404
    )
    assert client.get(f"/live/not-a-uuid/{'' if name == 'session' else 'raum/'}").status_code == 404


def test_member_who_left_the_audience_gets_404(client, web_cast):
    session = make_session(web_cast, State.LIVE)
    web_cast["consultant"].memberships.all().delete()
    login(client, web_cast["consultant"])
    assert client.get(url("session", session)).status_code == 404
    assert client.get(url("room", session)).status_code == 404


def test_removed_participant_sees_a_page_saying_so(client, web_cast):
    session = make_session(web_cast, State.LIVE)
    login(client, web_cast["removed"])
    for name in ("session", "room"):
        response = client.get(url(name, session))
        assert response.status_code == 403
        assert "live/removed.html" in [t.name for t in response.templates]
        assert web_cast["case_giver"].pseudonym not in response.content.decode()


# --- Room page ----------------------------------------------------------------------------
def test_room_page_context(client, web_cast):
    session = make_session(web_cast, State.LOBBY)
    login(client, web_cast["consultant"])
    response = client.get(url("room", session))
    assert response.status_code == 200
    assert "live/room.html" in [t.name for t in response.templates]
    context = response.context
    assert context["session"] == session
    assert context["me"] == web_cast["consultant"]
    assert context["participant"].role == Role.CONSULTANT
    assert context["is_facilitator"] is False
    assert context["ws_path"] == f"/ws/live/{session.public_id}/"
    assert next(key for key, _label, _minutes in context["phases"]) == "casting"
    assert len(context["phases"]) == 6
    assert context["minutes_url"] == url("minutes", session)
    assert context["session_url"] == url("session", session)
    login(client, web_cast["facilitator"])
    assert client.get(url("room", session)).context["is_facilitator"] is True


def test_room_of_a_cancelled_session_leads_back(client, web_cast):
    session = make_session(web_cast, State.CANCELLED)
    login(client, web_cast["consultant"])
    response = client.get(url("room", session))
    assert response.status_code == 302
    assert response["Location"] == url("session", session)


# --- Scheduling --------------------------------------------------------------------------
def form_data(**overrides):
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    data = {
        "title": "Fallberatung: Hasskommentare nach dem Stadtfest",
        "description": "Wie reagieren wir?",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "90",
        "audience": "model",
        "capacity": "9",
        "case_giver": "FallGeberLive",
        "invitees": "BeraterEins, @beraterzwei\nSchriftFuehrung",
    }
    data.update(overrides)
    return data


def test_only_facilitators_may_schedule(client, web_cast):
    login(client, web_cast["consultant"])
    assert client.get(url("schedule")).status_code == 403
    assert client.post(url("schedule"), form_data()).status_code == 403
    assert not LiveSession.objects.exists()
    assert url("schedule") not in client.get(url("index")).content.decode()


def test_schedule_creates_session_and_mails_invitees(client, web_cast, on_commit):
    login(client, web_cast["stand_in"])
    assert client.get(url("schedule")).status_code == 200
    with on_commit(execute=True):
        response = client.post(url("schedule"), form_data())
    session = LiveSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("session", session)
    assert session.created_by == web_cast["stand_in"]
    assert session.case_giver == web_cast["case_giver"]
    assert session.state == State.SCHEDULED
    roles = dict(Participant.objects.filter(session=session).values_list("user__pseudonym", "role"))
    assert roles == {
        "VertretungLive": Role.FACILITATOR, "FallGeberLive": Role.CASE_GIVER,
        "BeraterEins": Role.CONSULTANT, "BeraterZwei": Role.CONSULTANT,
        "SchriftFuehrung": Role.CONSULTANT,
    }  # fmt: skip
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(
        web_cast[key].email for key in ("case_giver", "consultant", "consultant2", "secretary")
    )
    assert all(len(message.to) == 1 for message in mail.outbox)
    body = mail.outbox[0].body
    assert session.title in body
    assert url("session", session) in body


def bad_post(client, web_cast, **overrides):
    login(client, web_cast["stand_in"])
    with translation.override("en"):
        response = client.post(url("schedule"), form_data(**overrides))
    assert response.status_code == 400
    assert not LiveSession.objects.exists()
    assert not Participant.objects.exists()
    assert mail.outbox == []
    return response


def test_start_in_the_past_is_refused(client, web_cast):
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = bad_post(client, web_cast, starts_at=past)
    assert "starts_at" in response.context["form"].errors


def test_case_giver_outside_the_audience_is_refused(client, web_cast):
    response = bad_post(client, web_cast, case_giver="AntragLive")
    errors = response.context["form"].errors["case_giver"]
    assert "AntragLive" in errors[0]
    # Unknown and ineligible pseudonyms get the same message (no hint where someone works).
    unknown = bad_post(client, web_cast, case_giver="GibtEsNicht")
    assert unknown.context["form"].errors["case_giver"][0] == errors[0].replace(
        "AntragLive", "GibtEsNicht"
    )


def test_applicant_members_may_be_invited_to_sessions_for_all_members(client, web_cast):
    login(client, web_cast["stand_in"])
    response = client.post(url("schedule"), form_data(audience="members", invitees="AntragLive"))
    assert response.status_code == 302
    session = LiveSession.objects.get()
    assert session.participants.filter(user=web_cast["applicant"]).exists()


def test_too_many_invitees_are_refused(client, web_cast):
    response = bad_post(client, web_cast, capacity="3")  # case giver + 3 invitees = 4
    assert "4" in response.context["form"].errors["invitees"][0]


def test_unknown_pseudonyms_are_named(client, web_cast):
    response = bad_post(client, web_cast, invitees="BeraterEins, Niemand123, AuchNiemand")
    message = response.context["form"].errors["invitees"][0]
    assert "Niemand123" in message and "AuchNiemand" in message
    assert "BeraterEins" not in message
    assert 'href="#id_invitees"' in response.content.decode()  # the summary links the field


def test_facilitator_cannot_be_the_case_giver(client, web_cast):
    web_cast["stand_in"].memberships.create(
        municipality=web_cast["consultant"].memberships.get().municipality
    )
    response = bad_post(client, web_cast, case_giver="VertretungLive")
    assert "case_giver" in response.context["form"].errors


@pytest.mark.parametrize(
    "field, value",
    [("title", ""), ("duration_minutes", "5"), ("capacity", "0"), ("audience", "everyone"),
     ("starts_at", "morgen"), ("duration_minutes", "abc")],
)  # fmt: skip
def test_other_bad_input_is_refused(client, web_cast, field, value):
    response = bad_post(client, web_cast, **{field: value})
    assert field in response.context["form"].errors


# --- Edit, cancel, open ------------------------------------------------------------------
def test_edit_changes_people_and_mails_only_the_new(client, web_cast, on_commit):
    session = make_session(web_cast, State.SCHEDULED)
    session.participants.filter(user=web_cast["removed"]).delete()
    login(client, web_cast["consultant"])
    assert client.get(url("edit", session)).status_code == 404
    login(client, web_cast["facilitator"])
    page = client.get(url("edit", session)).content.decode()
    assert "BeraterEins" in page  # the current invitees are prefilled
    data = form_data(
        starts_at=timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        case_giver="FallGeberLive", invitees="BeraterEins, SchriftFuehrung, NichtEingeladen",
        title="Neuer Titel der Beratung",
    )  # fmt: skip
    data["duration_minutes"] = str(session.duration_minutes)
    session.starts_at = timezone.localtime(session.starts_at).replace(second=0, microsecond=0)
    session.save()
    with on_commit(execute=True):
        response = client.post(url("edit", session), data)
    assert response.status_code == 302, response.context["form"].errors
    session.refresh_from_db()
    assert session.title == "Neuer Titel der Beratung"
    invited = set(session.participants.values_list("user__pseudonym", flat=True))
    assert invited == {"LeitungLive", "FallGeberLive", "BeraterEins", "SchriftFuehrung",
                       "NichtEingeladen"}  # fmt: skip
    to = sorted(address for message in mail.outbox for address in message.to)
    # New: the outsider (invitation); off the list: consultant2 (note). Time unchanged.
    assert to == sorted([web_cast["outsider"].email, web_cast["consultant2"].email])


def test_edit_is_closed_once_the_lobby_is_open(client, web_cast):
    session = make_session(web_cast, State.LOBBY)
    login(client, web_cast["facilitator"])
    response = client.post(url("edit", session), form_data())
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title != form_data()["title"]


def test_cancel_asks_then_cancels_and_tells_the_invitees(client, web_cast, on_commit):
    session = make_session(web_cast, State.SCHEDULED)
    login(client, web_cast["consultant"])
    assert client.post(url("cancel", session)).status_code == 404
    login(client, web_cast["facilitator"])
    page = client.get(url("cancel", session))
    assert page.status_code == 200
    session.refresh_from_db()
    assert session.state == State.SCHEDULED  # GET only asks
    with on_commit(execute=True):
        response = client.post(url("cancel", session), {"reason": "Fallgeberin erkrankt"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == State.CANCELLED
    log = SessionLog.objects.get(session=session, action=LogAction.CANCEL)
    assert log.actor == web_cast["facilitator"] and log.reason == "Fallgeberin erkrankt"
    assert len(mail.outbox) == 5  # case giver, 2 consultants, secretary, the removed one
    assert all("erkrankt" not in message.body for message in mail.outbox)
    # Cancelling again changes nothing.
    assert client.post(url("cancel", session)).status_code == 400
    assert SessionLog.objects.filter(session=session, action=LogAction.CANCEL).count() == 1


def test_cancel_refuses_an_overlong_reason(client, web_cast):
    session = make_session(web_cast, State.SCHEDULED)
    login(client, web_cast["facilitator"])
    assert client.post(url("cancel", session), {"reason": "x" * 501}).status_code == 400
    session.refresh_from_db()
    assert session.state == State.SCHEDULED


def test_open_lobby(client, web_cast):
    session = make_session(web_cast, State.SCHEDULED)
    login(client, web_cast["consultant"])
    assert client.post(url("open_lobby", session)).status_code == 404
    login(client, web_cast["facilitator"])
    assert client.get(url("open_lobby", session)).status_code == 405
    assert client.post(url("open_lobby", session)).status_code == 302
    session.refresh_from_db()
    assert session.state == State.LOBBY and session.opened_at is not None
    assert SessionLog.objects.filter(session=session, action=LogAction.OPEN).count() == 1
    client.post(url("open_lobby", session))  # again: a message, nothing changes
    assert SessionLog.objects.filter(session=session, action=LogAction.OPEN).count() == 1


# --- Admin -----------------------------------------------------------------------------------
def test_admin_lists_sessions_and_log_read_only(admin_client, web_cast):
    from komma.accounts.actions import sync_roles

    sync_roles()  # the role grants of the plugins (as after migrate)
    session = make_session(web_cast, State.SCHEDULED, title="Sitzung im Adminbereich")
    SessionLog.objects.create(session=session, actor=web_cast["facilitator"],
                              action=LogAction.OPEN)  # fmt: skip
    listing = admin_client.get("/admin/live_sessions/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Sitzung im Adminbereich" in text
    assert "LeitungLive" in text and web_cast["facilitator"].email not in text
    assert "/admin/live_sessions/new/" not in text
    log = admin_client.get("/admin/live_session_log/")
    assert log.status_code == 200 and "LeitungLive" in log.content.decode()
    inspect = admin_client.get(f"/admin/live_sessions/inspect/{session.pk}/")
    assert inspect.status_code == 200
    # Nobody changes sessions or the log here.
    assert admin_client.get("/admin/live_sessions/new/").status_code in (302, 403)
    assert admin_client.get(f"/admin/live_sessions/edit/{session.pk}/").status_code in (302, 403)
    assert admin_client.post(f"/admin/live_sessions/delete/{session.pk}/").status_code in (302, 403)
    assert LiveSession.objects.filter(pk=session.pk, title="Sitzung im Adminbereich").exists()


def test_members_do_not_reach_the_admin_lists(client, web_cast):
    login(client, web_cast["stand_in"])
    assert client.get("/admin/live_sessions/").status_code in (302, 403)


def test_moving_a_session_tells_the_invitees(client, web_cast, on_commit):
    session = make_session(web_cast, State.SCHEDULED)
    session.participants.filter(user=web_cast["removed"]).delete()
    login(client, web_cast["facilitator"])
    later = timezone.localtime(session.starts_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = form_data(starts_at=later, invitees="BeraterEins, BeraterZwei, SchriftFuehrung")
    with on_commit(execute=True):
        assert client.post(url("edit", session), data).status_code == 302
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted(
        web_cast[key].email for key in ("case_giver", "consultant", "consultant2", "secretary")
    )
    assert all(url("ics", session) in message.body for message in mail.outbox)


def test_nav_entry_for_members_only(client, web_cast):
    assert url("index") not in client.get("/").content.decode()
    login(client, web_cast["consultant"])
    assert f'href="{url("index")}"' in client.get("/").content.decode()
