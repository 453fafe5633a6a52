"""Fixtures of the template-filling, draft, search and export tests (helper T1b).

Import them with ``from tests.toolbox.filling_fixtures import *  # noqa`` (a
non-root conftest may not use ``pytest_plugins``). Every identity here is unusual
enough that any occurrence in a page, download or export shown to someone else is
a leak (``NEEDLES``).
"""

import pytest
from django.contrib.auth.models import Group

from komma.accounts.models import Membership, Municipality
from toolbox.models import Kind, Resource, TemplatePlaceholder, Visibility

__all__ = [
    "FILL_IDENTITIES",
    "FILL_NEEDLES",
    "PRESS_TEXT",
    "TOWN_A",
    "TOWN_B",
    "client_for",
    "fill_cast",
    "fill_towns",
    "make_template",
    "press_template",
]

# pseudonym -> (first name, last name, e-mail, office)
FILL_IDENTITIES = {
    "VorlagenEule": ("Wendelin", "Quastenflosser-Abara", "wendelin.4471@vorlage-leak.example",
                     "Pressestelle Kiebitz 5512"),
    "VorlagenFuchs": ("Hedwig", "Spitzwegerich-Oyelaran", "hedwig.8823@vorlage-leak.example",
                      "Hauptamt Zilpzalp 6613"),
    "AndereAmsel": ("Baldur", "Krummholz-Tanaka", "baldur.3390@anders-leak.example",
                    "Buergeramt Wendehals 2207"),
    "DoppelDachs": ("Ermentrude", "Holunderbusch-Nwosu", "ermentrude.1164@doppel-leak.example",
                    "Stabsstelle Gimpel 9981"),
    "PartnerStorch": ("Kunigunde", "Brombeerhecke-Lindqvist", "kunigunde.7718@partner-leak.example",
                      "Beratung Rotkehlchen 4420"),
    "RedaktionKranich": ("Theobald", "Sauerampfer-Mwangi", "theobald.5547@redaktion-leak.example",
                         "Redaktion Dompfaff 3318"),
}  # fmt: skip
TOWN_A = "Vorlagenstadt Quappenbrück"
TOWN_B = "Entwurfsdorf Ellerbeck-Süd"
FILL_NEEDLES = [part for identity in FILL_IDENTITIES.values() for part in identity]

PRESS_TEXT = (
    "Pressemitteilung der {{Kommune}}\n"
    "\n"
    "Am {{Datum}} kam es zu folgendem Vorfall: {{Vorfall}}\n"
    "\n"
    "Wir verurteilen Rassismus und Hass entschieden.\n"
    "Ansprechperson: {{ Ansprechperson }}"
)


@pytest.fixture
def fill_towns(db):
    a = Municipality.objects.create(
        name=TOWN_A, kind="kreisfreie_stadt", bundesland="NI", ags="03459901",
        programme_status="model",
    )  # fmt: skip
    b = Municipality.objects.create(
        name=TOWN_B, kind="gemeinde", bundesland="SH", ags="01059902",
        programme_status="applicant",
    )  # fmt: skip
    return {"a": a, "b": b}


@pytest.fixture
def fill_cast(make_member, fill_towns):
    """``member_a`` and ``member_a2`` (town A), ``member_b`` (town B), ``member_ab``
    (both towns), ``partner`` (Allianzpartner, no town), ``editor`` (Redaktion with
    TOTP, no town)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import TEST_TOTP_SECRET

    roles = {
        "member_a": ("VorlagenEule", ("a",), None),
        "member_a2": ("VorlagenFuchs", ("a",), None),
        "member_b": ("AndereAmsel", ("b",), None),
        "member_ab": ("DoppelDachs", ("a", "b"), None),
        "partner": ("PartnerStorch", (), "Allianzpartner"),
        "editor": ("RedaktionKranich", (), "Redaktion"),
    }
    people = {}
    for role, (pseudonym, towns, group) in roles.items():
        first, last, email, office = FILL_IDENTITIES[pseudonym]
        user = make_member(pseudonym, email=email, first_name=first, last_name=last, office=office)
        for town in towns:
            Membership.objects.create(user=user, municipality=fill_towns[town])
        if group:
            user.groups.add(Group.objects.get(name=group))
            if group == "Redaktion":
                TOTP.activate(user, TEST_TOTP_SECRET)
        people[role] = user
    return people


@pytest.fixture
def make_template(db):
    """Create a published template resource with placeholders
    ``[(key, label, kind, required, max_length), ...]``."""
    counter = {"n": 0}

    def make(text=PRESS_TEXT, placeholders=None, *, visibility=Visibility.NETWORK, live=True,
             title="Pressemitteilung nach einem Vorfall", slug=None, kind=Kind.TEMPLATE,
             language="de"):  # fmt: skip
        counter["n"] += 1
        resource = Resource.objects.create(
            title=title,
            slug=slug or f"vorlage-{counter['n']}",
            kind=kind,
            template_type="press_release" if kind == Kind.TEMPLATE else "",
            summary="Eine Vorlage für die Pressestelle.",
            template_text=text,
            situation="acute",
            channel="press",
            audience="media",
            format="text",
            language=language,
            visibility=visibility,
            live=live,
        )
        if placeholders is None:
            placeholders = [
                ("Kommune", "Name der Kommune", "text", True, 120),
                ("Datum", "Datum des Vorfalls", "date", True, 200),
                ("Vorfall", "Was ist passiert?", "multiline", True, 1000),
                ("Ansprechperson", "Ansprechperson", "text", False, 100),
            ]
        for order, (key, label, kind_, required, max_length) in enumerate(placeholders):
            TemplatePlaceholder.objects.create(
                resource=resource, sort_order=order, key=key, label=label, kind=kind_,
                required=required, max_length=max_length,
            )  # fmt: skip
        return resource

    return make


@pytest.fixture
def press_template(make_template):
    return make_template()


def client_for(user=None, language: str = "en"):
    """A test client in ``language`` (English: the msgids), logged in as ``user``."""
    from django.test import Client

    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client
