"""Distinctive real names, e-mails, offices and municipalities of the cast appear on
no live page, calendar file, e-mail, minutes, draft or export seen by others."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from exchange.live.export import personal_data
from exchange.live.models import State

from .test_views import form_data
from .web_fixtures import *  # noqa: F403  (the fixtures)
from .web_fixtures import ALL_NEEDLES, login, make_session

pytestmark = pytest.mark.django_db


def assert_clean(text, allowed=()):
    for needle in ALL_NEEDLES:
        if needle in allowed:
            continue
        assert needle not in text, needle


def own(person):
    """What a person may see of themselves (the account menu may show their e-mail)."""
    return (person.first_name, person.last_name, person.email, person.office)


def test_pages_show_no_identity(client, web_cast, ended_session):
    scheduled = make_session(web_cast, State.SCHEDULED)
    live = make_session(web_cast, State.LIVE)
    ended_session.notes = "Notizen ohne Ortsnamen, BeraterEins und FallGeberLive waren dabei."
    ended_session.save()
    pages = []
    for key in ("case_giver", "consultant", "secretary", "facilitator", "stand_in"):
        person = web_cast[key]
        login(client, person)
        for session in (scheduled, live, ended_session):
            for name in ("session", "room", "ics", "minutes", "draft"):
                response = client.get(
                    reverse(f"live:{name}", kwargs={"public_id": session.public_id})
                )
                if response.status_code == 200:
                    pages.append(name)
                    assert_clean(response.content.decode(), own(person))
        for query in ("?format=md&chat=on", "?format=txt&chat=on"):
            response = client.get(
                reverse("live:minutes", kwargs={"public_id": ended_session.public_id}) + query
            )
            if response.status_code == 200:
                assert_clean(response.content.decode(), own(person))
        assert_clean(client.get(reverse("live:index")).content.decode(), own(person))
    for name in ("session", "room", "ics", "minutes", "draft"):
        assert name in pages  # every page was looked at by someone


def test_emails_name_nobody(client, web_cast, on_commit):
    login(client, web_cast["stand_in"])
    with on_commit(execute=True):
        response = client.post(reverse("live:schedule"), form_data())
    assert response.status_code == 302, response.context["form"].errors
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        text = message.subject + message.body
        recipient = message.to[0]
        assert_clean(text.replace(recipient, ""))
        for person in web_cast.values():
            assert person.pseudonym not in text  # not even the pseudonyms of the others
    from exchange.live.models import LiveSession

    session = LiveSession.objects.get()
    mail.outbox.clear()
    login(client, web_cast["stand_in"])
    with on_commit(execute=True):
        client.post(reverse("live:cancel", kwargs={"public_id": session.public_id}))
    assert mail.outbox
    for message in mail.outbox:
        assert_clean(message.body)


def test_export_holds_own_data_only(web_cast, ended_session):
    data = personal_data(web_cast["consultant"])
    text = json.dumps(data, ensure_ascii=False)
    assert "Ein Rat von BeraterEins" in text  # own message
    assert "Erste Nachricht" not in text  # someone else's
    assert_clean(text)
    assert data["sessions"][0]["role"] == "consultant"
    secretary = personal_data(web_cast["secretary"])
    assert secretary["notes_kept_in"] == [ended_session.title]
    assert "Drohschreiben im Bürgerbüro" not in json.dumps(secretary, ensure_ascii=False)
    assert timezone.now()
