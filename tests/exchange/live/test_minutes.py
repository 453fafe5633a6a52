"""Minutes of an ended session: content, formats, who gets them."""

import pytest
from django.urls import reverse
from django.utils import translation

from exchange.live.minutes import build_minutes, render_minutes
from exchange.live.models import State

from .web_fixtures import *  # noqa: F403  (the fixtures)
from .web_fixtures import ALL_NEEDLES, login, make_session

pytestmark = pytest.mark.django_db


def minutes_url(session, **query):
    target = reverse("live:minutes", kwargs={"public_id": session.public_id})
    if query:
        target += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return target


def test_markdown_minutes_without_chat_by_default(client, web_cast, ended_session):
    login(client, web_cast["case_giver"])
    page = client.get(minutes_url(ended_session))
    assert page.status_code == 200
    response = client.get(minutes_url(ended_session, format="md"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"].startswith('attachment; filename="protokoll-')
    assert response["Content-Disposition"].endswith('.md"')
    text = response.content.decode()
    assert text.startswith("# ")
    assert ended_session.title in text
    assert "Drohschreiben im Bürgerbüro" in text  # the notes
    for label in ("Casting", "Spontanerzählung", "Schlüsselfrage", "Methodenwahl", "Beratung",
                  "Abschluss"):  # fmt: skip
        assert label in text
    # Phases in the order they happened.
    assert text.index("Spontanerzählung") < text.index("Methodenwahl") < text.index("Abschluss")
    assert "Erste Nachricht" not in text  # no chat unless asked for


def test_minutes_with_chat_by_pseudonym_without_deleted_messages(client, web_cast, ended_session):
    login(client, web_cast["case_giver"])
    text = client.get(minutes_url(ended_session, format="md", chat="on")).content.decode()
    assert "Erste Nachricht der fallgebenden Person" in text
    assert "**" in text and "FallGeberLive:**" in text
    assert "BeraterEins:** Ein Rat" in text
    assert "XYZZY" not in text  # deleted
    assert text.index("Erste Nachricht") < text.index("Ein Rat") < text.index("Ich notiere")


def test_plain_text_minutes(client, web_cast, ended_session):
    login(client, web_cast["secretary"])
    response = client.get(minutes_url(ended_session, format="txt", chat="on"))
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "FallGeberLive:**" not in text
    assert "FallGeberLive: Erste Nachricht" in text
    assert ended_session.title in text.splitlines()[0]
    assert set(text.splitlines()[1]) == {"="}


def test_minutes_in_english(web_cast, ended_session):
    with translation.override("en"):
        text = render_minutes(build_minutes(ended_session), "md")
    assert "## Phases" in text and "## Notes" in text and "## Chat history" not in text


@pytest.mark.parametrize("key, status", [
    ("case_giver", 200), ("facilitator", 200), ("secretary", 200), ("consultant", 404),
    ("outsider", 404), ("removed", 404), ("stand_in", 404),
])  # fmt: skip
def test_who_gets_the_minutes(client, web_cast, ended_session, key, status):
    login(client, web_cast[key])
    assert client.get(minutes_url(ended_session)).status_code == status
    assert client.get(minutes_url(ended_session, format="md")).status_code == status


def test_no_minutes_before_the_end(client, web_cast):
    session = make_session(web_cast, State.LIVE)
    login(client, web_cast["case_giver"])
    assert client.get(minutes_url(session, format="md")).status_code == 404


def test_bad_format_is_refused(client, web_cast, ended_session):
    login(client, web_cast["case_giver"])
    response = client.get(minutes_url(ended_session, format="pdf"))
    assert response.status_code == 400
    assert "format" in response.context["form"].errors


def test_minutes_name_nobody_by_real_name(client, web_cast, ended_session):
    login(client, web_cast["case_giver"])
    text = client.get(minutes_url(ended_session, format="md", chat="on")).content.decode()
    for needle in ALL_NEEDLES:
        if needle == "Modellstadt Schwarzdornhausen":
            continue  # the secretary wrote the town into the notes; minutes keep them as written
        assert needle not in text
