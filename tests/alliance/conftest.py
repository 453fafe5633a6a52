"""Fixtures of the alliance directory tests: a viewer of every kind, municipalities
with coordinates, and organisations with one channel of every visibility.

Every channel value is distinctive, so any occurrence in a page, export, JSON, hook
answer or search document is a leak (see ``CHANNELS``). Identities of the cast are
distinctive too (``NEEDLES``): the directory never shows members at all.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from alliance.models import (
    Category,
    ChannelKind,
    ChannelVisibility,
    ContactChannel,
    Location,
    Organization,
    PartnerLink,
    ServiceArea,
    ServiceAreaScope,
    Status,
    Topic,
    encode_languages,
)
from komma.accounts.models import Membership, Municipality

# One channel per visibility level on the "home" organisation; distinctive digits.
PUBLIC_PHONE = "+49 30 23125 417"
NETWORK_MAIL = "netzkanal.5531@verzeichnis-test.example"
PARTNERS_PHONE = "+49 69 90009 763"
HIDDEN_PHONE = "+49 40 66969 8642"
HIDDEN_DIGITS = "66969 8642"
# The same levels on the partner's own organisation.
OWN_HIDDEN_PHONE = "+49 221 4710 9173"
CHANNELS = {
    ChannelVisibility.PUBLIC: PUBLIC_PHONE,
    ChannelVisibility.NETWORK: NETWORK_MAIL,
    ChannelVisibility.PARTNERS: PARTNERS_PHONE,
    ChannelVisibility.HIDDEN: HIDDEN_PHONE,
}

# pseudonym -> (first name, last name, e-mail, office)
IDENTITIES = {
    "VerzeichnisGast": ("Irmtraud", "Quellwasser-Bankole", "irmtraud.6124@gast-dir.example",
                        "Gastzugang Wiedehopf 3371"),
    "VerzeichnisKommune": ("Gottfried", "Heckenrose-Nakashima", "gottfried.8830@kom-dir.example",
                           "Ordnungsamt Blaumeise 5510"),
    "VerzeichnisPartner": ("Swantje", "Lavendelhof-Mbeki", "swantje.2295@partner-dir.example",
                           "Beratung Rohrweihe 1184"),
    "UngeprueftPartner": ("Wenzel", "Kornblume-Haraldsen", "wenzel.7716@unverified-dir.example",
                          "Verein Zaunammer 6629"),
    "VerzeichnisRedaktion": ("Elfriede", "Moosbeere-Castellano", "elfriede.3357@red-dir.example",
                             "Redaktion Seeadler 4402"),
}  # fmt: skip
NEEDLES = [part for identity in IDENTITIES.values() for part in identity]

# (lat, lon) of the test municipalities and places.
LEIPZIG_AREA = (51.34, 12.37)
DRESDEN_AREA = (51.05, 13.74)


def client_for(user=None) -> Client:
    """A client in English (the msgids); logged in as ``user`` (with a second factor
    where the role needs one)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from komma.accounts.middleware import needs_second_factor
    from tests.conftest import TEST_TOTP_SECRET

    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        if needs_second_factor(user):
            TOTP.activate(user, TEST_TOTP_SECRET)
        client.force_login(user)
    return client


def make_org(name, *, category=Category.COUNSELLING, land="SN", city="Leipzig", plz="04109",
             lat=None, lon=None, status=Status.ACTIVE, topics=(), languages=("de",),
             description="", channels=(), areas=(), verified_at="now"):  # fmt: skip
    """An organisation with a location, channels ``(kind, value, visibility)``, service
    areas ``(scope, bundesland, ags)`` and topics (``Topic`` objects)."""
    from django.utils.text import slugify

    org = Organization.objects.create(
        name=name, slug=slugify(name)[:200], category=category, status=status,
        description=description, languages=encode_languages(languages),
        last_verified_at=timezone.now() if verified_at == "now" else verified_at,
        verified_by_role="editor" if verified_at else "",
    )  # fmt: skip
    Location.objects.create(organization=org, postal_code=plz, city=city, bundesland=land,
                            latitude=lat, longitude=lon, address_1="Teststraße 1")  # fmt: skip
    for position, (kind, value, visibility) in enumerate(channels):
        ContactChannel.objects.create(organization=org, kind=kind, value=value,
                                      visibility=visibility, position=position)  # fmt: skip
    for scope, bundesland, ags in areas:
        ServiceArea.objects.create(organization=org, scope=scope, bundesland=bundesland, ags=ags)
    if topics:
        org.topics.add(*topics)
    org.refresh_from_db()
    return org


@pytest.fixture
def directory_towns(db):
    """A municipality near Leipzig (with coordinates) and one without coordinates."""
    near = Municipality.objects.create(
        name="Kommune Quendelau", kind="kreisangehoerige_stadt", bundesland="SN", ags="14997001",
        programme_status="model", latitude=LEIPZIG_AREA[0], longitude=LEIPZIG_AREA[1],
    )  # fmt: skip
    nowhere = Municipality.objects.create(
        name="Kommune Ohneort", kind="gemeinde", bundesland="BY", ags="09997001",
        programme_status="applicant",
    )  # fmt: skip
    return {"near": near, "nowhere": nowhere}


@pytest.fixture
def topics(db):
    return {
        slug: Topic.objects.create(slug=slug, name=name, position=i)
        for i, (slug, name) in enumerate(
            [("hass-im-netz", "Hass im Netz"), ("antisemitismus", "Antisemitismus"),
             ("opferberatung", "Opferberatung")]
        )
    }  # fmt: skip


@pytest.fixture
def directory_orgs(db, topics):
    """``home``: one channel of every visibility; ``own``: the verified partner's own
    organisation (its hidden channel too); ``inactive``: an inactive entry."""
    home = make_org(
        "Opferberatung Quendelau", lat=51.35, lon=12.40, topics=[topics["opferberatung"]],
        languages=("de", "tr"),
        channels=[(ChannelKind.PHONE, PUBLIC_PHONE, ChannelVisibility.PUBLIC),
                  (ChannelKind.EMAIL, NETWORK_MAIL, ChannelVisibility.NETWORK),
                  (ChannelKind.PHONE, PARTNERS_PHONE, ChannelVisibility.PARTNERS),
                  (ChannelKind.PHONE, HIDDEN_PHONE, ChannelVisibility.HIDDEN)],
        areas=[(ServiceAreaScope.BUNDESLAND, "SN", "")],
    )  # fmt: skip
    own = make_org(
        "Bündnis Weltoffenes Quendelau", category=Category.CIVIL_SOCIETY, lat=51.30, lon=12.30,
        topics=[topics["hass-im-netz"]],
        channels=[(ChannelKind.PHONE, OWN_HIDDEN_PHONE, ChannelVisibility.HIDDEN)],
    )  # fmt: skip
    inactive = make_org(
        "Ehemalige Beratungsstelle Quendelau", status=Status.INACTIVE, lat=51.3, lon=12.3
    )
    return {"home": home, "own": own, "inactive": inactive}


@pytest.fixture
def directory_cast(make_member, directory_towns, directory_orgs):
    """Viewers by kind:

    - ``network``: a logged-in account without municipality or role;
    - ``member``: member of a municipality (sees "verified partners" channels);
    - ``partner``: role Allianzpartner, link to ``own`` verified by an editor;
    - ``unverified``: role Allianzpartner, link to ``own`` not verified (= network);
    - ``editor``: role Redaktion (sees hidden channels).
    """
    people = {}
    kinds = {
        "network": ("VerzeichnisGast", None, None),
        "member": ("VerzeichnisKommune", "near", None),
        "partner": ("VerzeichnisPartner", None, "Allianzpartner"),
        "unverified": ("UngeprueftPartner", None, "Allianzpartner"),
        "editor": ("VerzeichnisRedaktion", None, "Redaktion"),
    }
    for kind, (pseudonym, town, group) in kinds.items():
        first, last, email, office = IDENTITIES[pseudonym]
        user = make_member(pseudonym, email=email, first_name=first, last_name=last, office=office)
        if town:
            Membership.objects.create(user=user, municipality=directory_towns[town])
        if group:
            user.groups.add(Group.objects.get(name=group))
        people[kind] = user
    PartnerLink.objects.create(
        user=people["partner"], organization=directory_orgs["own"], verified=True,
        verified_by=people["editor"], verified_at=timezone.now(),
    )  # fmt: skip
    PartnerLink.objects.create(user=people["unverified"], organization=directory_orgs["own"])
    return people
