"""Demo content for the embedded default setup (``manage.py seed_demo``).

Municipalities are fictitious (no real Kommune is shown as threatened); the
texts use the programme's own words. Everything is created with get-or-create
keys, so seeding twice changes nothing.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from wagtail.models import Site

from komma.accounts.actions import do_set_roles
from komma.accounts.choices import Bundesland, MunicipalityKind, ProgrammeStatus, Visibility
from komma.accounts.models import Membership, Municipality, User
from komma.core.models import SiteChrome
from komma.events.demo import seed_events
from komma.pages.demo import seed_knowledge
from komma.pages.models import HomePage, StandardPage
from komma.pages.setup import ensure_core_pages, stream
from plugins.hooks import demo_data

DEMO_PASSWORD = "KomMA-Demo-2026"  # noqa: S105 - documented demo login, dev only
# Base32 TOTP secret of the demo accounts whose role requires MFA (README).
DEMO_TOTP_SECRET = "KOMMADEMOKOMMADEMOKOMMADEMO23456"  # noqa: S105

MUNICIPALITIES = [
    # name, kind, state, AGS, programme status, may be named publicly
    ("Landkreis Elbtal-Heide", MunicipalityKind.LANDKREIS, Bundesland.SN, "14629", ProgrammeStatus.MODEL, False),
    ("Stadt Rheinfeld", MunicipalityKind.KREISFREIE_STADT, Bundesland.NW, "05199000", ProgrammeStatus.MODEL, True),
    ("Stadt Auenbrück", MunicipalityKind.KREISANGEHOERIGE_STADT, Bundesland.BB, "12069399", ProgrammeStatus.MODEL, False),
    ("Gemeinde Lindenau am See", MunicipalityKind.GEMEINDE, Bundesland.BY, "09188199", ProgrammeStatus.MODEL, True),
    ("Landkreis Weserbergen", MunicipalityKind.LANDKREIS, Bundesland.NI, "03299", ProgrammeStatus.MODEL, False),
    ("Stadt Saalhafen", MunicipalityKind.KREISFREIE_STADT, Bundesland.ST, "15099000", ProgrammeStatus.MODEL, False),
    ("Stadt Kirchberg an der Wipper", MunicipalityKind.KREISANGEHOERIGE_STADT, Bundesland.TH, "16099099", ProgrammeStatus.MODEL, True),
    ("Gemeinde Ostwiesen", MunicipalityKind.GEMEINDE, Bundesland.MV, "13099099", ProgrammeStatus.MODEL, False),
    ("Landkreis Odenhain", MunicipalityKind.LANDKREIS, Bundesland.HE, "06499", ProgrammeStatus.MODEL, False),
    ("Stadt Neckarsteig", MunicipalityKind.KREISANGEHOERIGE_STADT, Bundesland.BW, "08199099", ProgrammeStatus.MODEL, True),
    ("Stadt Moselbach", MunicipalityKind.KREISFREIE_STADT, Bundesland.RP, "07399000", ProgrammeStatus.APPLICANT, False),
    ("Gemeinde Holmstedt", MunicipalityKind.GEMEINDE, Bundesland.SH, "01099099", ProgrammeStatus.APPLICANT, False),
    ("Landkreis Saarwald", MunicipalityKind.LANDKREIS, Bundesland.SL, "10099", ProgrammeStatus.OTHER, False),
]  # fmt: skip

# email, pseudonym, first, last, office, roles, municipality AGS, coordinator, privacy
PEOPLE = [
    ("admin@demo.komma.invalid", "Netzwerkpflege", "Jana", "Albrecht",
     "Programmteam", ["admin"], None, False, {}, True),
    ("redaktion@demo.komma.invalid", "KlareFeder", "Tobias", "Reinhardt",
     "Redaktion Wissensplattform", ["editor"], None, False, {}, False),
    ("freigabe@demo.komma.invalid", "GenauePruefung", "Sabine", "Hartmann",
     "Redaktion Freigabe", ["reviewer"], None, False, {}, False),
    ("moderation@demo.komma.invalid", "RuhigeBruecke", "Miriam", "Osterkamp",
     "Moderation kollegiale Beratung", ["moderator"], None, False, {}, False),
    ("fazilitation@demo.komma.invalid", "WacheLerche", "Deniz", "Yilmaz",
     "Fazilitation Live-Beratung", ["facilitator"], "05199000", False, {}, False),
    ("mitglied@demo.komma.invalid", "MutigeEiche", "Katrin", "Vogelsang",
     "Integrationsbeauftragte", [], "14629", False,
     {"municipality_visibility": Visibility.NETWORK}, False),
    ("koordination@demo.komma.invalid", "StarkeLinde", "Holger", "Brandstetter",
     "Stab des Bürgermeisters", [], "05199000", True,
     {"real_name_visibility": Visibility.MUNICIPALITY, "office_visibility": Visibility.NETWORK}, False),
    ("kollegin@demo.komma.invalid", "OffeneWeide", "Aylin", "Kaya",
     "Gleichstellungsbeauftragte", [], "05199000", False, {}, False),
    ("antrag@demo.komma.invalid", "HelleQuelle", "Bernd", "Lüdecke",
     "Ordnungsamt", [], "07399000", False, {}, False),
    ("partner@demo.komma.invalid", "FesteHarfe", "Sophie", "Grünwald",
     "Beratungsstelle für Betroffene rechter Gewalt", ["alliance_partner"], None, False, {}, False),
]  # fmt: skip

HOME_INTRO = (
    "<p>Hass und Anfeindungen gehören für Bürgermeister:innen und Verwaltungsmitarbeitende "
    "mittlerweile leider zum Alltag. Im KomMA Netzwerk tauschen sich Kommunen aus, die "
    "Entscheidungsträger:innen und Mitarbeitende gegen Anfeindungen, Rassismus und Hass "
    "schützen wollen – geschützt durch Pseudonyme.</p>"
)
HOME_BODY = [
    ("heading", "Was das Netzwerk bietet"),
    ("callout", {"heading": "Modul 1 – Kommunale Allianzen",
                 "text": "<p>Aufbau einer kommunalen Allianz zwischen Verwaltung, Beratungs- und "
                         "Hilfestellen sowie Sicherheitsbehörden gegen Rassismus und Hass. "
                         "Zusatzmodul 1a erweitert sie um lokale Medien, zivilgesellschaftliche "
                         "Bündnisse und Wirtschaftsakteure.</p>"}),
    ("callout", {"heading": "Modul 2 – Strategiekonzepte",
                 "text": "<p>Antirassistische Strategiekonzepte, u.&nbsp;a. zu Clearingverfahren "
                         "sowie Interventions- und Beteiligungsstrategien. Zusatzmodul 2a: eine "
                         "Toolbox für öffentlichkeitswirksame Kommunikation.</p>"}),
    ("callout", {"heading": "Modul 3 – Trainings und Coachings",
                 "text": "<p>Bedarfsorientierte Trainings und Coachings für Führungskräfte und "
                         "Teams. Zusatzmodul 3a: Austausch, Vernetzung und kollegiale Beratung "
                         "der Modellkommunen.</p>"}),
    ("paragraph", "<p>Alle Kommunen, die sich beworben haben, erhalten priorisierten Zugang "
                  "zu Fortbildungen und zum Transferprogramm – unabhängig vom "
                  "Bewerbungsausgang.</p>"),
]  # fmt: skip


IMPRINT_BODY = [
    ("paragraph", "<p><b>Umsetzung des Programms KomMA</b><br>IMAP GmbH<br>Cantadorstraße 3<br>"
                  "40211 Düsseldorf<br>Telefon +49 (0)211 513 69 73-0<br>"
                  "E-Mail: komma@imap-institut.de</p>"),
    ("paragraph", "<p>Standort Berlin: Dresdener Straße 15, 10999 Berlin</p>"),
    ("heading", "Förderung"),
    ("paragraph", "<p>Gefördert von der Beauftragten der Bundesregierung für Migration, "
                  "Flüchtlinge und Integration und Beauftragten der Bundesregierung für "
                  "Antirassismus.</p>"),
    ("callout", {"heading": "Demo-Inhalt",
                 "text": "<p>Dieses Impressum ist Beispielinhalt der Entwicklungsumgebung. "
                         "Die Redaktion ersetzt es vor dem Betrieb.</p>"}),
]  # fmt: skip

PRIVACY_BODY = [
    ("paragraph", "<p>Im KomMA Netzwerk treten Sie unter einem Pseudonym auf. Ihr Name, Ihre "
                  "E-Mail-Adresse, Ihr Amt und Ihre Kommune sind für andere nur sichtbar, wenn "
                  "Sie es in Ihren Einstellungen zur Privatsphäre erlauben.</p>"),
    ("heading", "Welche Daten wir verarbeiten"),
    ("paragraph", "<ul><li>Konto: E-Mail-Adresse, Passwort (nur als Hash), Pseudonym, "
                  "freiwillig Name, Amt und Kurzvorstellung</li><li>Zugehörigkeit zu einer "
                  "Kommune und Rollen im Netzwerk</li><li>Sicherheit: zweite Faktoren, aktive "
                  "Sitzungen mit IP-Adresse und Browser</li></ul>"),
    ("heading", "Keine Dritten"),
    ("paragraph", "<p>Die Seiten laden keine Inhalte von fremden Servern, nutzen keine "
                  "Tracker und setzen nur die technisch nötigen Cookies (Sitzung, "
                  "CSRF-Schutz, gewählte Sprache).</p>"),
    ("heading", "Ihre Rechte"),
    ("paragraph", "<p>Unter „Meine Daten“ laden Sie alle gespeicherten Daten herunter und "
                  "löschen Ihr Konto selbst. Jede Einsicht der Administration in Ihre "
                  "Identität wird Ihnen mit Begründung angezeigt.</p>"),
    ("callout", {"heading": "Demo-Inhalt",
                 "text": "<p>Diese Datenschutzerklärung ist Beispielinhalt der "
                         "Entwicklungsumgebung.</p>"}),
]  # fmt: skip


@dataclass
class DemoContext:
    """What plugins get in the ``demo_data`` hook: the seeded core objects."""

    municipalities: dict[str, Municipality] = field(default_factory=dict)  # by AGS
    people: dict[str, User] = field(default_factory=dict)  # by pseudonym
    home: HomePage | None = None
    messages: list[str] = field(default_factory=list)

    def log(self, message: str) -> None:
        self.messages.append(message)


def seed_municipalities(ctx: DemoContext) -> None:
    for name, kind, state, ags, status, consent in MUNICIPALITIES:
        municipality, _created = Municipality.objects.get_or_create(
            ags=ags,
            defaults={"name": name, "kind": kind, "bundesland": state,
                      "programme_status": status, "public_naming_consent": consent},
        )  # fmt: skip
        ctx.municipalities[ags] = municipality
    ctx.log(f"{len(ctx.municipalities)} municipalities")


def seed_people(ctx: DemoContext) -> None:
    for (email, pseudonym, first, last, office, roles, ags, coordinator, privacy,
         superuser) in PEOPLE:  # fmt: skip
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, pseudonym=pseudonym, first_name=first,
                last_name=last, office=office, is_superuser=superuser, is_staff=superuser,
                **privacy,
            )  # fmt: skip
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            do_set_roles(user, roles, by=None, reason="")
            if ags:
                Membership.objects.create(
                    user=user, municipality=ctx.municipalities[ags], is_coordinator=coordinator
                )
            needs_mfa = superuser or {"admin", "editor", "moderator"} & set(roles)
            has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
            if needs_mfa and not has_totp.exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
        ctx.people[user.pseudonym] = user
    ctx.log(f"{len(ctx.people)} members")


def seed_home(ctx: DemoContext) -> None:
    ensure_core_pages()
    home = HomePage.objects.get()
    if not home.intro:
        home.intro = HOME_INTRO
        home.body = stream(HOME_BODY)
        home.save_revision().publish()
    ctx.home = home
    chrome = SiteChrome.for_site(Site.objects.get(is_default_site=True))
    for link_field, slug, title, body in (
        ("imprint_page", "impressum", "Impressum", IMPRINT_BODY),
        ("privacy_page", "datenschutz", "Datenschutzerklärung", PRIVACY_BODY),
    ):
        page = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = home.add_child(instance=StandardPage(title=title, slug=slug, body=stream(body)))
        if getattr(chrome, f"{link_field}_id") is None:
            setattr(chrome, link_field, page)
    chrome.contact_email = chrome.contact_email or "komma@imap-institut.de"
    chrome.save()


@transaction.atomic
def seed_demo() -> DemoContext:
    """Seed core demo content, then let every switched-on plugin add its own."""
    ctx = DemoContext()
    seed_municipalities(ctx)
    seed_people(ctx)
    seed_home(ctx)
    seed_knowledge(ctx)
    seed_events(ctx)
    demo_data.send(sender=None, context=ctx)
    return ctx
