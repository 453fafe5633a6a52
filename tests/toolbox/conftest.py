"""Fixtures of the toolbox tests: two municipalities, a cast of every kind of viewer
with distinctive identities, and a factory for published resources of every kind.

Every identity here is unusual enough that any occurrence in a page, JSON, export
or e-mail is a leak (see ``NEEDLES``). Town names are distinctive too: a member's
municipality must not reach other municipalities either.

Use from other toolbox test modules::

    def test_something(cast, make_resource):
        template = make_resource(kind="template", visibility="network")
        client = client_for(cast["member_a"])
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from komma.accounts.models import Membership, Municipality
from toolbox.models import (
    Audience,
    Channel,
    ChecklistItem,
    FaqEntry,
    Format,
    Kind,
    Resource,
    ReviewStatus,
    Situation,
    TemplatePlaceholder,
    TemplateType,
    Visibility,
)

# pseudonym -> (first name, last name, e-mail, office)
IDENTITIES = {
    "KommuneAlpha": ("Winfried", "Sauerampfer-Oyelaran", "winfried.4471@alpha-leak.example",
                     "Pressestelle Goldammer 6613"),
    "KommuneAlphaZwei": ("Hildegard", "Brombeerhag-Takahashi", "hildegard.9026@alpha2-leak.example",
                         "Buergerbuero Neuntoeter 2281"),
    "KommuneBeta": ("Leopold", "Wiesenknopf-Achterberg", "leopold.3358@beta-leak.example",
                    "Ordnungsamt Schwarzspecht 7740"),
    "AllianzPartnerin": ("Mechthild", "Ackerwinde-Okafor", "mechthild.1193@partner-leak.example",
                         "Opferberatung Wendehals 3306"),
    "NetzwerkGast": ("Bartholomaeus", "Hirtentaeschel-Lindqvist", "barth.5582@gast-leak.example",
                     "Gastzugang Bergfink 9917"),
    "ToolboxRedaktion": ("Adelheid", "Storchschnabel-Moreau", "adelheid.6640@red-leak.example",
                         "Redaktion Kernbeisser 4428"),
}  # fmt: skip
TOWN_A = "Stadt Hollerbusch-Quarzfeld"
TOWN_B = "Gemeinde Mispeltal-Oberkrumm"
NEEDLES = [part for identity in IDENTITIES.values() for part in identity]

# The template every ``make_resource(kind="template")`` gets unless told otherwise.
TEMPLATE_TEXT = (
    "Pressemitteilung der {{Kommune}} vom {{Datum}}\n\n"
    "Wir verurteilen den Vorfall „{{Vorfall}}“ entschieden.\n"
    "Ansprechperson für die Presse: {{Ansprechperson}}"
)
TEMPLATE_PLACEHOLDERS = [
    # key, label, kind, required
    ("Kommune", "Name der Kommune", TemplatePlaceholder.Kind.TEXT, True),
    ("Datum", "Datum", TemplatePlaceholder.Kind.DATE, True),
    ("Vorfall", "Kurze Beschreibung des Vorfalls", TemplatePlaceholder.Kind.MULTILINE, True),
    ("Ansprechperson", "Ansprechperson (Funktion)", TemplatePlaceholder.Kind.TEXT, False),
]
CHECKLIST_STEPS = [
    ("Betroffene Person in Sicherheit bringen und betreuen", "in der ersten Stunde"),
    ("Beweise sichern: Screenshots mit Datum und Uhrzeit", "in der ersten Stunde"),
    ("Anzeige bei der Polizei erstatten", "innerhalb von 24 Stunden"),
]
FAQ_ENTRIES = [
    ("Was tut die Stadt nach dem Vorfall?", "<p>Die Stadt hat Anzeige erstattet.</p>"),
    ("Wo finde ich Beratung?", "<p>Bei der örtlichen Opferberatung.</p>"),
]


def client_for(user=None, language: str = "en") -> Client:
    """A client in ``language`` (English: the msgids), logged in as ``user`` (with a
    second factor where the role needs one, so the MFA middleware lets it through)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from komma.accounts.middleware import needs_second_factor
    from tests.conftest import TEST_TOTP_SECRET

    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        if needs_second_factor(user):
            TOTP.activate(user, TEST_TOTP_SECRET)
        client.force_login(user)
    return client


@pytest.fixture
def towns(db):
    """Two municipalities: ``a`` (two members) and ``b`` (one member)."""
    a = Municipality.objects.create(
        name=TOWN_A, kind="kreisfreie_stadt", bundesland="SN", ags="14996000",
        programme_status="model",
    )  # fmt: skip
    b = Municipality.objects.create(
        name=TOWN_B, kind="gemeinde", bundesland="BY", ags="09996999",
        programme_status="applicant",
    )  # fmt: skip
    return {"a": a, "b": b}


@pytest.fixture
def cast(make_member, towns):
    """Viewers keyed by kind (``anonymous`` is None):

    - ``member_a``, ``member_a2``: members of town ``a``;
    - ``member_b``: member of town ``b``;
    - ``partner``: role Allianzpartner, no municipality (public + partner resources);
    - ``network``: logged-in account without municipality or role (network level,
      but no municipal data);
    - ``editor``: role Redaktion, no municipality (admin: resources, playbooks).
    """
    kinds = {
        "member_a": ("KommuneAlpha", "a", None),
        "member_a2": ("KommuneAlphaZwei", "a", None),
        "member_b": ("KommuneBeta", "b", None),
        "partner": ("AllianzPartnerin", None, "Allianzpartner"),
        "network": ("NetzwerkGast", None, None),
        "editor": ("ToolboxRedaktion", None, "Redaktion"),
    }
    people = {"anonymous": None}
    for kind, (pseudonym, town, group) in kinds.items():
        first, last, email, office = IDENTITIES[pseudonym]
        user = make_member(pseudonym, email=email, first_name=first, last_name=last, office=office)
        if town:
            Membership.objects.create(user=user, municipality=towns[town])
        if group:
            user.groups.add(Group.objects.get(name=group))
        people[kind] = user
    return people


def create_resource(
    kind: str = Kind.GUIDE,
    *,
    title: str | None = None,
    slug: str | None = None,
    live: bool = True,
    placeholders=None,
    items=None,
    faq=None,
    **fields,
) -> Resource:
    """A resource of ``kind`` with the parts its kind needs, published through a
    revision (``live=False``: a draft that was never published).

    ``placeholders`` are ``(key, label, kind, required)``; ``items`` are ``(text,
    time_window)``; ``faq`` are ``(question, answer HTML)``. Any model field can be
    given (``visibility``, ``situation``, ``template_text``, ``last_reviewed``, ...).
    """
    from django.utils.text import slugify

    count = Resource.objects.count() + 1
    title = title or f"{Kind(kind).label.capitalize()} Nummer {count}"
    defaults = {
        "summary": f"Zusammenfassung: {title}.",
        "situation": Situation.ACUTE,
        "channel": Channel.PRESS,
        "audience": Audience.PUBLIC,
        "format": {Kind.TEMPLATE: Format.TEXT, Kind.GUIDE: Format.STEPS,
                   Kind.CHECKLIST: Format.LIST, Kind.FAQ: Format.QUESTIONS}[kind],
        "visibility": Visibility.PUBLIC,
        "review_status": ReviewStatus.EDITORIAL,
        "reviewed_by_role": "Redaktion des Programmteams",
        "last_reviewed": timezone.localdate(),
    }  # fmt: skip
    if kind == Kind.TEMPLATE:
        defaults["template_type"] = TemplateType.PRESS_RELEASE
        defaults["template_text"] = TEMPLATE_TEXT
    if kind == Kind.GUIDE:
        defaults["body"] = "<p>Schritt für Schritt: So sichern Sie Beweise.</p>"
    defaults.update(fields)
    resource = Resource(title=title, slug=slug or slugify(title)[:200], kind=kind, **defaults)
    resource.live = False
    resource.save()
    if kind == Kind.TEMPLATE:
        for key, label, input_kind, required in (
            TEMPLATE_PLACEHOLDERS if placeholders is None else placeholders
        ):
            TemplatePlaceholder.objects.create(
                resource=resource, key=key, label=label, kind=input_kind, required=required
            )
    if kind == Kind.CHECKLIST:
        for text, window in CHECKLIST_STEPS if items is None else items:
            ChecklistItem.objects.create(resource=resource, text=text, time_window=window)
    if kind == Kind.FAQ:
        for question, answer in FAQ_ENTRIES if faq is None else faq:
            FaqEntry.objects.create(resource=resource, question=question, answer=answer)
    if live:
        resource.save_revision().publish()
        resource.refresh_from_db()
    return resource


@pytest.fixture
def make_resource(db):
    """The factory ``create_resource`` (see there)."""
    return create_resource


@pytest.fixture
def levelled(db):
    """One published guide per visibility level, and an unpublished (draft) one."""
    return {
        Visibility.PUBLIC: create_resource(title="Leitfaden Öffentlich", visibility="public"),
        Visibility.PARTNERS: create_resource(title="Leitfaden Allianz", visibility="partners"),
        Visibility.NETWORK: create_resource(title="Leitfaden Netzwerk", visibility="network"),
        "draft": create_resource(title="Leitfaden Entwurf", visibility="public", live=False),
    }
