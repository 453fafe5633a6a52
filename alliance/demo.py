"""Demo content of the alliance directory (hook ``demo_data``, ``manage.py seed_demo``).

A few hundred fictitious organisations of every category in all 16 Bundesländer,
generated combinatorially from German name parts: towns are invented (the city
states keep their real names), coordinates lie inside each Land's rough bounding
box, phone numbers come from the ranges the Bundesnetzagentur keeps free for films
and fiction (030 23125 xxx, 069 90009 xxx, ...), e-mail addresses and websites use
the reserved top-level domain ``.example``. Channels have mixed visibility; some
entries are inactive or temporarily closed, some not verified for over a year.

Plus: coordinates for the demo municipalities, one local alliance (Stadt
Rheinfeld, a model municipality with public naming consent) with participating
organisations, and the demo partner account linked to (and verified for) one
counselling service.

Idempotent: organisations are keyed by slug (the generator is seeded, so the same
slugs come out every time); existing ones are left as they are.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from komma.accounts.choices import Bundesland

from .models import (
    AllianceParticipation,
    Category,
    ChannelKind,
    ChannelVisibility,
    ContactChannel,
    LocalAlliance,
    Location,
    Organization,
    ParticipationRole,
    PartnerLink,
    ServiceArea,
    ServiceAreaScope,
    Status,
    Topic,
    VerifierRole,
    encode_languages,
)

SEED = 20260701
PER_LAND = 20

TOPICS = [
    ("rassismus", "Rassismus"),
    ("antisemitismus", "Antisemitismus"),
    ("antimuslimischer-rassismus", "Antimuslimischer Rassismus"),
    ("antiziganismus", "Antiziganismus"),
    ("hass-im-netz", "Hass im Netz"),
    ("rechtsextremismus", "Rechtsextremismus"),
    ("bedrohung-amtstraeger", "Bedrohung von Amts- und Mandatsträger:innen"),
    ("opferberatung", "Opferberatung"),
    ("demokratiefoerderung", "Demokratieförderung"),
    ("diskriminierung", "Diskriminierung"),
    ("krisenkommunikation", "Krisenkommunikation"),
    ("praevention", "Prävention"),
    ("queerfeindlichkeit", "Queerfeindlichkeit"),
    ("medienkompetenz", "Medienkompetenz"),
]

# Rough bounding boxes ((lat min, lat max), (lon min, lon max)), postal code prefixes
# (space-separated) and the AGS prefix.
LAENDER = {
    Bundesland.SH: ((53.95, 54.75), (8.8, 10.9), "24 25 23", "01"),
    Bundesland.HH: ((53.48, 53.63), (9.85, 10.15), "20 21 22", "02"),
    Bundesland.NI: ((51.7, 53.5), (7.2, 11.2), "26 27 29 30 31 37 38 49", "03"),
    Bundesland.HB: ((53.05, 53.17), (8.7, 8.95), "28", "04"),
    Bundesland.NW: ((50.5, 52.3), (6.1, 9.2), "32 33 40 41 44 45 48 50 52 57 59", "05"),
    Bundesland.HE: ((49.6, 51.5), (8.1, 10.1), "34 35 36 60 61 63 64 65", "06"),
    Bundesland.RP: ((49.2, 50.8), (6.3, 8.3), "54 55 56 67", "07"),
    Bundesland.BW: ((47.7, 49.6), (7.7, 10.3), "68 69 70 71 72 73 74 76 77 78 79 88 89", "08"),
    Bundesland.BY: ((47.6, 50.4), (9.1, 13.6), "80 81 83 84 85 86 87 90 91 93 94 95 96 97", "09"),
    Bundesland.SL: ((49.2, 49.55), (6.5, 7.25), "66", "10"),
    Bundesland.BE: ((52.38, 52.63), (13.15, 13.7), "10 12 13", "11"),
    Bundesland.BB: ((51.5, 53.4), (11.4, 14.6), "14 15 16 03 19", "12"),
    Bundesland.MV: ((53.2, 54.5), (10.7, 14.2), "17 18 19", "13"),
    Bundesland.SN: ((50.3, 51.5), (12.1, 14.9), "01 02 04 08 09", "14"),
    Bundesland.ST: ((51.1, 52.9), (10.7, 13.1), "06 38 39", "15"),
    Bundesland.TH: ((50.3, 51.5), (10.0, 12.5), "07 36 37 98 99", "16"),
}  # fmt: skip
CITY_STATES = {Bundesland.HH: "Hamburg", Bundesland.BE: "Berlin", Bundesland.HB: "Bremen"}
NORTH = {Bundesland.SH, Bundesland.HH, Bundesland.NI, Bundesland.HB, Bundesland.MV}
EAST = {Bundesland.BB, Bundesland.SN, Bundesland.ST, Bundesland.TH, Bundesland.BE}

ROOTS = ["Linden", "Birken", "Eichen", "Wiesen", "Heide", "Tannen", "Buchen", "Erlen", "Mühl",
         "Stein", "Rosen", "Falken", "Kranich", "Auen", "Espen", "Ulmen", "Weiden", "Hasel",
         "Sonnen", "Lerchen", "Fichten", "Wald", "Moor", "Hohen"]  # fmt: skip
SUFFIXES = {
    "north": ["stedt", "büttel", "hagen", "feld", "hude", "wedel", "horst", "brook"],
    "east": ["au", "witz", "ow", "walde", "rode", "hain", "dorf", "stadt"],
    "west": ["hausen", "heim", "feld", "berg", "bach", "scheid", "kirchen", "ingen"],
}
STREETS = ["Hauptstraße", "Bahnhofstraße", "Marktplatz", "Schulstraße", "Lindenallee",
           "Rathausplatz", "Goethestraße", "Gartenweg", "Kirchplatz", "Am Stadtpark",
           "Mühlenweg", "Friedensstraße", "Schillerstraße", "Am Anger", "Poststraße"]  # fmt: skip
# Bundesnetzagentur: numbers reserved for films and fiction.
PHONE_BLOCKS = ["+49 30 23125", "+49 69 90009", "+49 40 66969", "+49 221 4710", "+49 89 99998"]

# category -> (name patterns, description, topics, extra languages pool, how many per Land)
PROFILES = {
    Category.COUNSELLING: (
        ["Opferberatung {region}", "Beratungsstelle für Betroffene rechter Gewalt {region}",
         "Antidiskriminierungsberatung {city}", "Mobile Beratung gegen Rechtsextremismus {region}",
         "Psychosoziales Zentrum {city}", "Beratungsnetz Hass im Netz {region}"],
        "Vertrauliche und kostenlose Beratung für Betroffene von rassistischer, antisemitischer "
        "und rechter Gewalt sowie für Angehörige und Zeug:innen – auf Wunsch anonym und ohne "
        "Anzeige. Begleitung zu Polizei, Gericht und Ämtern.",
        ["opferberatung", "rassismus", "antisemitismus", "hass-im-netz", "diskriminierung",
         "bedrohung-amtstraeger"],
        ["tr", "ar", "ru", "uk", "en", "fa", "ku", "dgs"], 4,
    ),
    Category.SECURITY_AUTHORITY: (
        ["Polizeiinspektion {city}", "Polizeipräsidium {region}",
         "Staatsschutzkommissariat {city}", "Zentralstelle Hasskriminalität {region}",
         "Opferschutzbeauftragte der Polizei {region}"],
        "Ansprechstelle für Anzeigen von Hasskriminalität, Bedrohungen gegen Amts- und "
        "Mandatsträger:innen und politisch motivierte Straftaten. Gefährdungsbewertung und "
        "Beratung zu Schutzmaßnahmen.",
        ["bedrohung-amtstraeger", "rechtsextremismus", "hass-im-netz", "praevention"],
        ["en"], 3,
    ),
    Category.ADMINISTRATION: (
        ["Kommunales Integrationszentrum {city}", "Integrationsbüro der Stadt {city}",
         "Antidiskriminierungsstelle {city}", "Landeskoordinierungsstelle Demokratie {land}",
         "Büro für Chancengleichheit {region}"],
        "Kommunale Anlaufstelle für Integration, Vielfalt und Schutz vor Diskriminierung; "
        "koordiniert die lokale Allianz gegen Rassismus und Hass und vermittelt Kontakte in "
        "die Verwaltung.",
        ["diskriminierung", "demokratiefoerderung", "rassismus", "krisenkommunikation"],
        ["en", "tr", "ar", "uk"], 3,
    ),
    Category.CIVIL_SOCIETY: (
        ["Bündnis für Demokratie und Toleranz {city}", "{city} ist bunt e. V.",
         "Runder Tisch gegen Rassismus {city}", "Netzwerk für Demokratie und Courage {region}",
         "Migrantenselbstorganisation Brücke {city} e. V.", "Jugendforum Vielfalt {region}"],
        "Zivilgesellschaftliches Bündnis aus Vereinen, Initiativen, Religionsgemeinschaften und "
        "engagierten Bürger:innen. Organisiert Solidarität mit Betroffenen, Gegenrede und "
        "Veranstaltungen für ein demokratisches Miteinander.",
        ["demokratiefoerderung", "rassismus", "antimuslimischer-rassismus", "antiziganismus",
         "queerfeindlichkeit", "rechtsextremismus"],
        ["tr", "ar", "ru", "pl", "ro", "bg", "en", "fa", "ti"], 5,
    ),
    Category.LOCAL_MEDIA: (
        ["{city}er Rundschau", "Radio {region}", "{region}-Kurier", "Lokal-TV {city}",
         "Stadtmagazin {city}"],
        "Lokale Redaktion mit Berichterstattung aus der Region. Ansprechpartnerin für "
        "Pressemitteilungen und öffentliche Stellungnahmen der Kommune und der Allianz.",
        ["krisenkommunikation", "medienkompetenz", "hass-im-netz"],
        ["en"], 2,
    ),
    Category.BUSINESS: (
        ["Unternehmerverband {region}", "Wirtschaftsförderung {city}",
         "Handwerkerschaft {region}", "Stadtwerke {city}",
         "Initiative Wirtschaft für Vielfalt {city}"],
        "Wirtschaftsakteure, die sich für Vielfalt im Betrieb und ein weltoffenes Klima im Ort "
        "einsetzen – als Arbeitgeber, Ausbilder und Partner der lokalen Allianz.",
        ["diskriminierung", "demokratiefoerderung", "praevention"],
        ["en", "tr", "pl"], 2,
    ),
    Category.OTHER: (
        ["Volkshochschule {city}", "Evangelische Kirchengemeinde {city}",
         "Kreissportbund {region}", "Stadtbibliothek {city}"],
        "Bildungs-, Kultur- und Begegnungsort mit Angeboten zu Demokratie, Vielfalt und "
        "Medienkompetenz.",
        ["demokratiefoerderung", "medienkompetenz", "praevention"],
        ["en", "tr", "ar", "uk"], 1,
    ),
}  # fmt: skip

NATIONWIDE = [
    # name, alternate name, category, topics
    ("Bundesweites Beratungstelefon gegen Hass im Netz", "Hilfetelefon Hass", Category.COUNSELLING,
     ["hass-im-netz", "opferberatung", "bedrohung-amtstraeger"]),
    ("Bundesverband der Opferberatungsstellen (Demo)", "BVO-Demo", Category.COUNSELLING,
     ["opferberatung", "rassismus", "antisemitismus"]),
    ("Netzwerk Kommunen gegen Hass (Demo)", "", Category.CIVIL_SOCIETY,
     ["bedrohung-amtstraeger", "demokratiefoerderung"]),
    ("Zentrale Meldestelle für antisemitische Vorfälle (Demo)", "ZMA-Demo", Category.COUNSELLING,
     ["antisemitismus"]),
    ("Fachverband Krisenkommunikation für Kommunen (Demo)", "", Category.OTHER,
     ["krisenkommunikation", "medienkompetenz"]),
    ("Bundesnetzwerk Wirtschaft für Vielfalt (Demo)", "", Category.BUSINESS,
     ["diskriminierung", "demokratiefoerderung"]),
]  # fmt: skip

# Coordinates of the demo municipalities (fictitious towns, plausible places).
MUNICIPALITY_COORDINATES = {
    "14629": (51.12, 14.55),  # Landkreis Elbtal-Heide, SN
    "05199000": (51.24, 6.80),  # Stadt Rheinfeld, NW
    "12069399": (52.33, 13.05),  # Stadt Auenbrück, BB
    "09188199": (47.95, 11.25),  # Gemeinde Lindenau am See, BY
    "03299": (52.10, 9.30),  # Landkreis Weserbergen, NI
    "15099000": (51.45, 11.95),  # Stadt Saalhafen, ST
    "16099099": (51.38, 11.10),  # Stadt Kirchberg an der Wipper, TH
    "13099099": (53.90, 13.40),  # Gemeinde Ostwiesen, MV
    "06499": (49.75, 8.95),  # Landkreis Odenhain, HE
    "08199099": (49.10, 9.20),  # Stadt Neckarsteig, BW
    "07399000": (49.95, 7.05),  # Stadt Moselbach, RP
    "01099099": (54.30, 9.70),  # Gemeinde Holmstedt, SH
    "10099": (49.40, 6.90),  # Landkreis Saarwald, SL
}
ALLIANCE_AGS = "05199000"  # Stadt Rheinfeld
RHEINFELD = ("Rheinfeld", "40", 51.24, 6.80)
RHEINFELD_ORGS = [
    ("Kommunales Integrationszentrum Rheinfeld", Category.ADMINISTRATION,
     ParticipationRole.COORDINATION),
    ("Opferberatung Rheinland (Demo)", Category.COUNSELLING, ParticipationRole.MEMBER),
    ("Polizeipräsidium Rheinfeld – Kriminalprävention", Category.SECURITY_AUTHORITY,
     ParticipationRole.ADVISOR),
    ("Rheinfelder Rundschau", Category.LOCAL_MEDIA, ParticipationRole.SUPPORTER),
    ("Rheinfeld ist bunt e. V.", Category.CIVIL_SOCIETY, ParticipationRole.MEMBER),
    ("Unternehmerverband Rheinfeld", Category.BUSINESS, ParticipationRole.SUPPORTER),
    ("Migrantenselbstorganisation Brücke Rheinfeld e. V.", Category.CIVIL_SOCIETY,
     ParticipationRole.MEMBER),
    ("Volkshochschule Rheinfeld", Category.OTHER, None),
]  # fmt: skip
PARTNER_PSEUDONYM = "FesteHarfe"
PARTNER_ORG = "Opferberatung Rheinland (Demo)"
EDITOR_PSEUDONYM = "KlareFeder"


def _region_kind(land) -> str:
    if land in NORTH:
        return "north"
    if land in EAST:
        return "east"
    return "west"


class _Generator:
    """Deterministic: the same seed gives the same organisations (idempotent slugs)."""

    def __init__(self):
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        self.counter = 0
        self.now = timezone.now()

    def towns(self, land) -> list[tuple[str, str, float, float]]:
        """Five fictitious towns (name, postal prefix, lat, lon) of the Land."""
        (lat0, lat1), (lon0, lon1), prefixes, _ags = LAENDER[land]
        rng = self.rng
        if land in CITY_STATES:
            names = [CITY_STATES[land]] * 5
        else:
            suffixes = SUFFIXES[_region_kind(land)]
            names = []
            while len(names) < 5:
                name = rng.choice(ROOTS) + rng.choice(suffixes)
                if name not in names:
                    names.append(name)
        return [
            (name, rng.choice(prefixes.split()), rng.uniform(lat0, lat1), rng.uniform(lon0, lon1))
            for name in names
        ]

    def phone(self) -> str:
        self.counter += 1
        block = PHONE_BLOCKS[self.counter % len(PHONE_BLOCKS)]
        return f"{block} {self.counter % 1000:03d}"

    def verified(self, index):
        """Mostly within the last year; every fifth older than 12 months; some never."""
        if index % 13 == 0:
            return None, ""
        days = self.rng.randint(380, 800) if index % 5 == 0 else self.rng.randint(3, 330)
        role = VerifierRole.PARTNER if index % 3 == 0 else VerifierRole.EDITOR
        return self.now - timedelta(days=days), role


def _domain(name: str) -> str:
    return slugify(name.replace("ß", "ss"))[:40].strip("-") + ".example"


def _channels(gen: _Generator, org_name: str, category: str, index: int, city: str):
    """Mixed visibility: hotline and e-mail public, direct lines for partners, contact
    persons for the network or partners, an emergency line hidden (editors only)."""
    domain = _domain(org_name)
    rng = gen.rng
    channels = [
        (
            ChannelKind.PHONE,
            gen.phone(),
            "Zentrale" if category != Category.COUNSELLING else "Beratungstelefon (Mo–Fr 9–17 Uhr)",
            ChannelVisibility.PUBLIC,
        ),
        (ChannelKind.EMAIL, f"kontakt@{domain}", "", ChannelVisibility.PUBLIC),
    ]
    if index % 2 == 0:
        first = rng.choice(
            [
                "Anna",
                "Murat",
                "Katharina",
                "Jonas",
                "Leyla",
                "Thomas",
                "Olga",
                "Samuel",
                "Fatma",
                "Jens",
                "Mira",
                "Dariusz",
            ]
        )
        last = rng.choice(
            [
                "Becker",
                "Yıldız",
                "Hoffmann",
                "Nowak",
                "Schulte",
                "Haddad",
                "Krüger",
                "Petrenko",
                "Wagner",
                "Okafor",
                "Lehmann",
                "Demir",
            ]
        )
        channels.append(
            (
                ChannelKind.CONTACT_PERSON,
                f"{first} {last}",
                "Ansprechperson Allianz",
                rng.choice([ChannelVisibility.NETWORK, ChannelVisibility.PARTNERS]),
            )
        )
    if index % 3 == 0:
        channels.append(
            (ChannelKind.PHONE, gen.phone(), "Durchwahl für Partner", ChannelVisibility.PARTNERS)
        )
    if index % 4 == 0:
        channels.append(
            (
                ChannelKind.PHONE,
                gen.phone(),
                "Notfallnummer Leitung (intern)",
                ChannelVisibility.HIDDEN,
            )
        )
    if index % 5 == 1:
        channels.append(
            (
                ChannelKind.POSTAL_ADDRESS,
                f"Postfach {100 + index}\n{city}",
                "",
                ChannelVisibility.NETWORK,
            )
        )
    if category == Category.COUNSELLING and index % 2 == 1:
        channels.append(
            (
                ChannelKind.MESSENGER,
                f"Signal: {gen.phone()}",
                "Chatberatung",
                ChannelVisibility.PUBLIC,
            )
        )
    if index % 7 == 0:
        channels.append((ChannelKind.FAX, gen.phone(), "", ChannelVisibility.NETWORK))
    return channels


def _plan(gen: _Generator) -> list[dict]:
    """Every demo organisation as plain data (before looking at the database)."""
    plans = []
    index = 0
    for land in Bundesland.values:
        towns = gen.towns(land)
        land_name = dict(Bundesland.choices)[land]
        region_names = [f"{land_name}-{d}" for d in ("Nord", "Süd", "Ost", "West", "Mitte")]
        for category, (patterns, description, topics, languages, count) in PROFILES.items():
            for n in range(count):
                index += 1
                town, plz_prefix, lat, lon = towns[(n + index) % len(towns)]
                region = region_names[(n + index) % len(region_names)]
                pattern = patterns[(n + index) % len(patterns)]
                name = pattern.format(city=town, region=region, land=land_name)
                plans.append(
                    _org_plan(
                        gen,
                        index,
                        name,
                        category,
                        description,
                        topics,
                        languages,
                        land,
                        town,
                        plz_prefix,
                        lat,
                        lon,
                    )
                )
    for name, alt, category, topics in NATIONWIDE:
        index += 1
        plans.append(
            {
                **_org_plan(
                    gen,
                    index,
                    name,
                    category,
                    PROFILES[category][1],
                    topics,
                    ["en", "tr", "ar"],
                    Bundesland.BE,
                    "Berlin",
                    "10",
                    52.52,
                    13.40,
                ),
                "alternate_name": alt,
                "nationwide": True,
            }
        )
    town, plz, lat, lon = RHEINFELD
    for name, category, _role in RHEINFELD_ORGS:
        index += 1
        profile = PROFILES[category]
        plans.append(
            _org_plan(
                gen,
                index,
                name,
                category,
                profile[1],
                profile[2],
                profile[3],
                Bundesland.NW,
                town,
                plz,
                lat,
                lon,
                status=Status.ACTIVE,
            )
        )
    return plans


def _org_plan(
    gen,
    index,
    name,
    category,
    description,
    topics,
    languages,
    land,
    town,
    plz_prefix,
    lat,
    lon,
    status=None,
):
    rng = gen.rng
    if status is None:
        if index % 17 == 0:
            status = Status.INACTIVE
        elif index % 11 == 0:
            status = Status.TEMPORARILY_CLOSED
        else:
            status = Status.ACTIVE
    verified_at, role = gen.verified(index)
    chosen_topics = rng.sample(topics, k=min(len(topics), rng.randint(1, 3)))
    extra = rng.sample(languages, k=rng.randint(0, min(3, len(languages))))
    ags_prefix = LAENDER[land][3]
    kreis = f"{ags_prefix}{rng.randint(1, 9)}{rng.randint(10, 99)}"
    return {
        "name": name,
        "alternate_name": "",
        "slug": slugify(name.replace("ß", "ss"))[:200] + f"-{index}",
        "category": category,
        "description": description,
        "website": f"https://www.{_domain(name)}",
        "topics": chosen_topics,
        "languages": ["de", *extra],
        "accessibility": "Barrierefreier Zugang über den Seiteneingang; Beratung auch per "
        "Video möglich."
        if index % 3 == 0
        else "",
        "status": status,
        "verified_at": verified_at,
        "verified_role": role,
        "land": land,
        "town": town,
        "postal_code": f"{plz_prefix}{rng.randint(100, 999)}",
        "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
        "lat": round(lat + rng.uniform(-0.02, 0.02), 6),
        "lon": round(lon + rng.uniform(-0.02, 0.02), 6),
        "kreis": kreis,
        "channels": _channels(gen, name, category, index, town),
        "index": index,
        "nationwide": False,
    }


def _service_area(plan) -> ServiceArea:
    if plan["nationwide"]:
        return ServiceArea(scope=ServiceAreaScope.NATIONWIDE)
    index = plan["index"]
    if plan["category"] in (Category.SECURITY_AUTHORITY, Category.LOCAL_MEDIA) or index % 4 == 0:
        return ServiceArea(
            scope=ServiceAreaScope.KREIS, ags=plan["kreis"], name=f"Landkreis {plan['town']}"
        )
    if plan["category"] == Category.COUNSELLING:
        return ServiceArea(scope=ServiceAreaScope.BUNDESLAND, bundesland=plan["land"])
    return ServiceArea(
        scope=ServiceAreaScope.MUNICIPALITY,
        ags=f"{plan['kreis']}{index % 1000:03d}",
        name=plan["town"],
    )


def seed_alliance(ctx) -> None:
    """Seed the directory (idempotent)."""
    with transaction.atomic():
        _seed_municipality_coordinates(ctx)
        created = _seed_organizations()
        _seed_local_alliance(ctx)
        _seed_partner_link(ctx)
    ctx.log(
        f"alliance directory: {created} new organisations, {Organization.objects.count()} in all"
    )


def _seed_municipality_coordinates(ctx) -> None:
    for ags, (lat, lon) in MUNICIPALITY_COORDINATES.items():
        municipality = ctx.municipalities.get(ags)
        if municipality is not None and municipality.latitude is None:
            municipality.latitude, municipality.longitude = lat, lon
            municipality.save(update_fields=["latitude", "longitude"])


def _seed_organizations() -> int:
    from .search import reindex_organization

    gen = _Generator()
    plans = _plan(gen)
    topics = {}
    for position, (slug, name) in enumerate(TOPICS):
        topics[slug], _ = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    existing = set(
        Organization.objects.filter(slug__in=[p["slug"] for p in plans]).values_list(
            "slug", flat=True
        )
    )
    todo = [p for p in plans if p["slug"] not in existing]
    if not todo:
        return 0
    orgs = []
    for plan in todo:
        org = Organization(
            name=plan["name"],
            alternate_name=plan["alternate_name"],
            slug=plan["slug"],
            category=plan["category"],
            description=plan["description"],
            website=plan["website"],
            languages=encode_languages(plan["languages"]),
            accessibility=plan["accessibility"],
            status=plan["status"],
            last_verified_at=plan["verified_at"],
            verified_by_role=plan["verified_role"],
        )
        org.search_text = org.build_search_text(
            topic_names=[topics[t].name for t in plan["topics"]], city=plan["town"]
        )
        orgs.append(org)
    Organization.objects.bulk_create(orgs)
    locations, channels, areas, links = [], [], [], []
    through = Organization.topics.through
    for org, plan in zip(orgs, todo, strict=True):
        locations.append(
            Location(
                organization=org,
                address_1=plan["street"],
                postal_code=plan["postal_code"],
                city=plan["town"],
                bundesland=plan["land"],
                latitude=plan["lat"],
                longitude=plan["lon"],
            )
        )
        for position, (kind, value, label, visibility) in enumerate(plan["channels"]):
            channels.append(
                ContactChannel(
                    organization=org,
                    kind=kind,
                    value=value,
                    label=label,
                    visibility=visibility,
                    position=position,
                )
            )
        area = _service_area(plan)
        area.organization = org
        areas.append(area)
        links.extend(through(organization_id=org.pk, topic_id=topics[t].pk) for t in plan["topics"])
    Location.objects.bulk_create(locations)
    ContactChannel.objects.bulk_create(channels)
    ServiceArea.objects.bulk_create(areas)
    through.objects.bulk_create(links)
    for org in orgs:
        reindex_organization(org.pk)
    return len(orgs)


def _seed_local_alliance(ctx) -> None:
    municipality = ctx.municipalities.get(ALLIANCE_AGS)
    if municipality is None:
        return
    alliance, created = LocalAlliance.objects.get_or_create(
        municipality=municipality,
        defaults={
            "name": "Allianz gegen Rassismus und Hass Rheinfeld",
            "description": (
                "Verwaltung, Beratungs- und Hilfestellen und Sicherheitsbehörden arbeiten in "
                "Rheinfeld seit 2023 gemeinsam gegen Rassismus und Hass. Seit 2025 gehören "
                "auch lokale Medien, zivilgesellschaftliche Bündnisse und Wirtschaftsakteure "
                "zur erweiterten Allianz."
            ),
            "is_published": True,
        },
    )
    if not created:
        return
    names = [name for name, _category, role in RHEINFELD_ORGS if role]
    orgs = {o.name: o for o in Organization.objects.filter(name__in=names)}
    start = date(2023, 6, 1)
    for i, (name, _category, role) in enumerate(RHEINFELD_ORGS):
        if role and name in orgs:
            AllianceParticipation.objects.get_or_create(
                local_alliance=alliance,
                organization=orgs[name],
                defaults={"role": role, "since": start + timedelta(days=120 * i)},
            )


def _seed_partner_link(ctx) -> None:
    partner = ctx.people.get(PARTNER_PSEUDONYM)
    org = Organization.objects.filter(name=PARTNER_ORG).first()
    if partner is None or org is None:
        return
    editor = ctx.people.get(EDITOR_PSEUDONYM)
    PartnerLink.objects.get_or_create(
        user=partner,
        organization=org,
        defaults={"verified": True, "verified_by": editor, "verified_at": timezone.now()},
    )
