"""Fixtures of the event tests: a page tree with an event index, and members of
model, applicant and other municipalities."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from komma.accounts.models import Municipality
from komma.accounts.roles import ROLES
from komma.events.models import EventIndexPage, EventPage
from komma.pages.models import HomePage

ONLINE_LINK = "https://konferenz.example.org/raum-geheim-5931"


def german(msgid: str) -> str:
    """The German text of a UI string, whether or not it is translated yet."""
    with translation.override("de"):
        return translation.gettext(msgid)


def messages_of(response) -> list[str]:
    """The Django messages a (non-followed) response queued."""
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def index(db):
    home = HomePage.objects.first()
    return home.add_child(instance=EventIndexPage(title="Fortbildungen", slug="fortbildungen"))


@pytest.fixture
def make_event(index):
    """An online event in ten days (capacity 2) unless fields say otherwise."""
    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        now = timezone.now()
        start = fields.pop("start", now + timedelta(days=10))
        values = {
            "title": f"Workshop Bedrohungslagen {counter['n']}",
            "slug": f"workshop-{counter['n']}",
            "start": start,
            "end": start + timedelta(hours=3),
            "format": "online",
            "online_link": ONLINE_LINK,
            "audience": "Führungskräfte und Verwaltungsmitarbeitende",
            "capacity": 2,
            "registration_deadline": min(now + timedelta(days=5), start),
            **fields,
        }
        return index.add_child(instance=EventPage(**values))

    return make


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def other_town(db):
    """A municipality that is neither a model nor an applicant municipality."""
    return Municipality.objects.create(
        name="Gemeinde Irgendwo", kind="gemeinde", bundesland="HE", ags="06999999",
        programme_status="other",
    )  # fmt: skip


@pytest.fixture
def model_member(make_member, municipality):
    return make_member("ModellFalke", municipality=municipality)


@pytest.fixture
def applicant_member(make_member, other_municipality):
    return make_member("BewerbungsMoewe", municipality=other_municipality)


@pytest.fixture
def other_member(make_member, other_town):
    return make_member("AndereKraehe", municipality=other_town)


@pytest.fixture
def facilitator(make_member):
    user = make_member("LeitungsReiher")
    user.groups.add(Group.objects.get(name=ROLES["facilitator"].group_name))
    return user


def post(client, user, url, data=None):
    """POST as ``user``; messages left over from earlier requests are dropped first."""
    client.cookies.pop("messages", None)
    client.force_login(user)
    return client.post(url, data or {})
