"""Fixtures of the partner self-service, review, local-alliance and freshness tests
(helper module of tests/alliance; imported by those test modules).

Every identity is distinctive: any occurrence in a page or e-mail to someone else is
a leak (``NEEDLES``). Organisations are directory data and may appear.
"""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.utils import timezone

from alliance.models import (
    ChannelVisibility,
    ContactChannel,
    Location,
    Organization,
    PartnerLink,
    ServiceArea,
    Topic,
)
from komma.accounts.actions import do_set_roles
from komma.accounts.models import Membership, Municipality
from tests.conftest import TEST_TOTP_SECRET

# pseudonym -> (first name, last name, e-mail, office)
IDENTITIES = {
    "LindenPartner": ("Hildegard", "Birkenfeld-Oyelowo", "hildegard.4821@partner-leak.example",
                      "Geschaeftsfuehrung Gimpel 6612"),
    "WartePartner": ("Theobald", "Sumpfkresse-Lindqvist", "theobald.3307@wartet-leak.example",
                     "Vorstand Kiebitz 2290"),
    "FremdPartner": ("Adelheid", "Mohnblume-Achterberg", "adelheid.7755@fremd-leak.example",
                     "Redaktion Stieglitz 4410"),
    "RedaktionEule": ("Kunigunde", "Farnwedel-Okafor", "kunigunde.5518@redaktion-leak.example",
                      "Programmteam Uhu 9931"),
    "KommunalFalke": ("Bartholomaeus", "Eibenhain-Tanaka", "bartho.6643@rathaus-leak.example",
                      "Integrationsbuero Milan 3378"),
    "KommunalSpecht": ("Walburga", "Ginsterbusch-Ndiaye", "walburga.2219@amt-leak.example",
                       "Buergeramt Wendehals 1186"),
    "AussenMeise": ("Ludolf", "Brombeerhag-Silva", "ludolf.8874@anders-leak.example",
                    "Ordnungsamt Rotmilan 5523"),
    "NetzGast": ("Reinhild", "Holunderweg-Costa", "reinhild.1142@gast-leak.example",
                 "Gast Zilpzalp 7719"),
}  # fmt: skip
HOME_TOWN = "Kommune Wacholderbrunn"
OTHER_TOWN = "Kommune Sanddornhausen"
NEEDLES = [part for identity in IDENTITIES.values() for part in identity]
NEEDLES += [HOME_TOWN, OTHER_TOWN]
HIDDEN_PHONE = "0341 98765 4321"
PARTNERS_MAIL = "team@partnerkanal.example"


def logged_in(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"  # the msgids, whatever the catalogue holds
    client.force_login(user)
    return client


def assert_no_identity(text: str, where: str, needles=NEEDLES) -> None:
    found = [needle for needle in needles if needle.lower() in text.lower()]
    assert not found, f"{where} shows {found}"


@pytest.fixture
def towns(db):
    home = Municipality.objects.create(
        name=HOME_TOWN, kind="kreisangehoerige_stadt", bundesland="SN", ags="14998123",
        programme_status="model",
    )  # fmt: skip
    other = Municipality.objects.create(
        name=OTHER_TOWN, kind="gemeinde", bundesland="BY", ags="09998123",
        programme_status="applicant",
    )  # fmt: skip
    return {"home": home, "other": other}


@pytest.fixture
def orgs(db):
    """Two organisations with seat, channels of every visibility, one service area."""
    topic = Topic.objects.create(slug="hass-im-netz", name="Hass im Netz")
    Topic.objects.create(slug="antisemitismus", name="Antisemitismus")
    made = {}
    for key, name, category in (
        ("linden", "Beratungsnetz Lindenau", "counselling"),
        ("elster", "Lokalzeitung Elsterblick", "local_media"),
    ):
        org = Organization.objects.create(
            name=name, slug=name.lower().replace(" ", "-"), category=category,
            description="Beratung für Betroffene rechter Gewalt.", status="active",
            last_verified_at=timezone.now() - timedelta(days=30), verified_by_role="editor",
        )  # fmt: skip
        org.topics.add(topic)
        Location.objects.create(
            organization=org, address_1="Lindenstraße 5", postal_code="04177", city="Leipzig",
            bundesland="SN", latitude=51.34, longitude=12.33,
        )  # fmt: skip
        ContactChannel.objects.create(
            organization=org, kind="phone", value="0341 1111 222",
            visibility=ChannelVisibility.PUBLIC, position=0,
        )  # fmt: skip
        ContactChannel.objects.create(
            organization=org, kind="email", value=PARTNERS_MAIL,
            visibility=ChannelVisibility.PARTNERS, position=1,
        )  # fmt: skip
        ContactChannel.objects.create(
            organization=org, kind="phone", value=HIDDEN_PHONE, label="Notfall",
            visibility=ChannelVisibility.HIDDEN, position=2,
        )  # fmt: skip
        ServiceArea.objects.create(organization=org, scope="bundesland", bundesland="SN")
        made[key] = org
    return made


@pytest.fixture
def people(make_member, towns, orgs):
    """The cast, keyed by role:

    - ``partner``: Allianzpartner, verified link to "linden";
    - ``waiting``: Allianzpartner, link to "linden" not verified yet;
    - ``foreign``: Allianzpartner, verified link to "elster" only;
    - ``editor``: Redaktion, with a second factor (admin access);
    - ``coordinator`` / ``member``: members of the home town (coordinator or not);
    - ``outsider``: member of the other town;
    - ``guest``: logged-in account without municipality or role.
    """

    def person(pseudonym, roles=(), town=None, coordinator=False):
        first, last, email, office = IDENTITIES[pseudonym]
        user = make_member(pseudonym, email=email, first_name=first, last_name=last,
                           office=office)  # fmt: skip
        if roles:
            do_set_roles(user, list(roles), by=None, reason="")
        if town:
            Membership.objects.create(user=user, municipality=towns[town],
                                      is_coordinator=coordinator)  # fmt: skip
        return user

    cast = {
        "partner": person("LindenPartner", ["alliance_partner"]),
        "waiting": person("WartePartner", ["alliance_partner"]),
        "foreign": person("FremdPartner", ["alliance_partner"]),
        "editor": person("RedaktionEule", ["editor"]),
        "coordinator": person("KommunalFalke", town="home", coordinator=True),
        "member": person("KommunalSpecht", town="home"),
        "outsider": person("AussenMeise", town="other"),
        "guest": person("NetzGast"),
    }
    TOTP.activate(cast["editor"], TEST_TOTP_SECRET)
    now = timezone.now()
    PartnerLink.objects.create(user=cast["partner"], organization=orgs["linden"], verified=True,
                               verified_at=now)  # fmt: skip
    PartnerLink.objects.create(user=cast["waiting"], organization=orgs["linden"])
    PartnerLink.objects.create(user=cast["foreign"], organization=orgs["elster"], verified=True,
                               verified_at=now)  # fmt: skip
    return cast


def entry_post_data(payload: dict) -> dict:
    """The POST data of the entry form (``forms_partner.EntryForms``) for ``payload``."""
    location = payload["location"]
    data = {
        "entry-name": payload["name"], "entry-alternate_name": payload["alternate_name"],
        "entry-category": payload["category"], "entry-description": payload["description"],
        "entry-website": payload["website"], "entry-status": payload["status"],
        "entry-accessibility": payload["accessibility"],
        "entry-location_name": location["name"], "entry-address_1": location["address_1"],
        "entry-postal_code": location["postal_code"], "entry-city": location["city"],
        "entry-bundesland": location["bundesland"],
        "entry-latitude": "" if location["latitude"] is None else str(location["latitude"]),
        "entry-longitude": "" if location["longitude"] is None else str(location["longitude"]),
    }  # fmt: skip
    data["entry-topics"] = list(payload["topics"])
    data["entry-languages"] = list(payload["languages"])
    for prefix, rows, fields in (
        ("channels", payload["channels"], ("kind", "value", "label", "visibility")),
        ("areas", payload["service_areas"], ("scope", "bundesland", "ags", "name")),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(rows):
            for name in fields:
                data[f"{prefix}-{index}-{name}"] = row.get(name) or ""
    return data
