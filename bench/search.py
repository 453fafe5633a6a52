"""Benchmark of the database search backend: prints JSON figures. Run with ``make bench``.

Indexes BENCH_SEARCH_DOCS (default 50,000) mixed documents — knowledge pages,
events, forum threads and posts, toolbox resources and directory entries, with
German text built from the programme's vocabulary, all access levels (public,
network, model, municipality-private, forum categories), topics, module areas and
Bundesländer — into ``search.backends.database.DatabaseBackend`` (about 30 % of
the sentences are on the programme's topics, the rest everyday organisation;
BENCH_SEARCH_DENSITY=1 makes every sentence topical, a worst case where one topic
word matches most documents), then times
BENCH_SEARCH_QUERIES (default 200) representative searches (one word, two words,
a phrase, with facet filters, page 2; as an anonymous reader and as a member of a
model municipality) and BENCH_SEARCH_SUGGESTIONS suggestions.

Reports the p50 and p95 latency (ms) of ``DatabaseBackend().search()`` — the whole
result page: hits, snippets and the facet counts — per query kind and overall.

The issue's goal: p95 under 100 ms at 50,000 documents on PostgreSQL::

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE komma_searchbench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/komma_searchbench \\
        .venv/bin/python bench/search.py

Without DATABASE_URL it runs on a throw-away SQLite database.
"""

import json
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DEBUG", "False")  # no query log: production-like timings

import django
from common import ROOT  # noqa: F401  (first: sets up Django)
from django.core.management import call_command
from django.db import connection

DOCUMENTS = int(os.environ.get("BENCH_SEARCH_DOCS", "50000"))
QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", "200"))
SUGGESTIONS = int(os.environ.get("BENCH_SEARCH_SUGGESTIONS", "100"))
SEED = 2026
DENSITY = float(os.environ.get("BENCH_SEARCH_DENSITY", "0.3"))  # share of topical sentences

# --- Vocabulary (from the programme's call for municipalities) ---------------------

SUBJECTS = [
    "Die Modellkommunen", "Führungskräfte", "Verwaltungsmitarbeitende", "Die Beratungsstellen",
    "Die Sicherheitsbehörden", "Kommunale Spitzen", "Die Teams im Bürgeramt",
    "Integrationsbeauftragte", "Lokale Bündnisse", "Die Koordinierungsstellen", "Betroffene",
    "Dezernentinnen und Dezernenten", "Die Landkreise", "Kreisfreie Städte", "Kleine Gemeinden",
    "Mitarbeitende des Ordnungsamts", "Bürgermeisterinnen und Bürgermeister",
    "Die Projektkoordinatorinnen", "Zivilgesellschaftliche Initiativen", "Lokale Medien",
]  # fmt: skip
VERBS = [
    "entwickeln", "stärken", "dokumentieren", "vereinbaren", "überprüfen", "planen",
    "erproben", "begleiten", "unterstützen", "verbessern", "besprechen", "organisieren",
    "evaluieren", "veröffentlichen", "brauchen", "erarbeiten", "koordinieren", "nutzen",
    "diskutieren", "empfehlen",
]  # fmt: skip
OBJECTS = [
    "ein verbindliches Clearingverfahren", "eine Interventionsstrategie gegen rassistische "
    "Vorfälle", "klare Meldewege bei Anfeindungen", "die Zusammenarbeit mit der Polizei",
    "ein Schutzkonzept für Mandatsträgerinnen", "die kommunale Allianz gegen Rassismus und Hass",
    "regelmäßige Fallkonferenzen", "Schulungen zu Hassrede im Netz",
    "eine Beteiligungsstrategie für Betroffene", "den Austausch mit Beratungsstellen",
    "ein Konzept für die Krisenkommunikation", "die Dokumentation hassbezogener Vorfälle",
    "Coachings für Führungskräfte", "Leitlinien für den Umgang mit Drohschreiben",
    "eine Ansprechperson in der Verwaltung", "Angebote der Opferberatung",
    "Kooperationen mit lokalen Medien", "Workshops zur Resilienz im Team",
    "die Öffentlichkeitsarbeit nach Vorfällen", "ein Monitoring rassistischer Übergriffe",
    "Sicherheitsmaßnahmen für Bürgerbüros", "die Vernetzung mit Wirtschaftsakteuren",
    "Mikroprojekte im Quartier", "eine Toolbox für die Kommunikation",
    "den Wissenstransfer zwischen Modellkommunen", "Beschwerdestellen für Antidiskriminierung",
    "einen Aktionsplan gegen Rassismus", "die Erreichbarkeit der Hilfestellen",
    "kollegiale Beratung unter Führungskräften", "Fortbildungen zur rassismuskritischen "
    "Verwaltung",
]  # fmt: skip
CLAUSES = [
    "", "", "", " im ersten Projektjahr", " gemeinsam mit der Zivilgesellschaft",
    " nach einem rassistischen Angriff", " in enger Abstimmung mit der Verwaltungsspitze",
    " mit Unterstützung der Beratungsstellen", " trotz knapper Ressourcen",
    " für alle Fachbereiche", " auch in ländlichen Regionen", " seit den Drohungen im Wahlkampf",
    " im Rahmen der bundesweiten Plattform", " mit externer Begleitung",
    " in mehreren Sprachen", " auf Grundlage der Erfahrungen anderer Kommunen",
]  # fmt: skip
# What else members write about: meetings, budgets, organisation (no topic words).
EVERYDAY_OBJECTS = [
    "den Haushaltsplan", "die Tagesordnung der nächsten Sitzung", "das Protokoll",
    "die Raumbuchung im Rathaus", "den Zeitplan für das Frühjahr", "die Personalplanung",
    "die Digitalisierung der Akten", "die Barrierefreiheit der Website", "die Zuständigkeiten",
    "die Förderanträge", "die Abstimmung mit dem Kreistag", "einen Termin im Herbst",
    "die Einladung zum Netzwerktreffen", "die Videokonferenz am Donnerstag",
    "eine Vorlage für den Ausschuss", "die Auswertung der Umfrage", "den Jahresbericht",
    "die Reisekosten", "die Vertretungsregelung im Sommer", "das Onboarding neuer Kolleginnen",
    "die Dienstvereinbarung", "eine Vorlage für Pressemitteilungen", "die Telefonliste",
    "die Ablage im Intranet", "den Newsletter", "die Öffnungszeiten", "die Mittagspause",
    "die Arbeitsgruppe Stadtentwicklung", "die Ergebnisse des Workshops", "eine kurze Rückmeldung",
]  # fmt: skip
EVERYDAY_CLAUSES = [
    "", "", "", " bis Ende des Monats", " in der nächsten Woche", " wie besprochen",
    " nach Rücksprache mit der Amtsleitung", " für das kommende Quartal", " noch vor Ostern",
    " im Bürgerhaus", " per E-Mail", " mit allen Beteiligten",
]  # fmt: skip
TITLE_HEADS = [
    "Clearingverfahren", "Meldewege bei Anfeindungen", "Schutzkonzept für Mandatsträger:innen",
    "Allianz gegen Rassismus und Hass", "Krisenkommunikation", "Interventionsstrategie",
    "Beteiligung Betroffener", "Resilienz im Team", "Hassrede im Netz",
    "Sicherheit im Bürgerbüro", "Fallkonferenzen", "Opferberatung", "Drohschreiben",
    "Antidiskriminierungsstelle", "Aktionsplan gegen Rassismus", "Lokale Medien als Partner",
    "Kollegiale Beratung", "Wissenstransfer", "Mikroprojekte", "Monitoring von Vorfällen",
    "Rassismuskritische Verwaltung", "Zusammenarbeit mit der Polizei", "Öffentlichkeitsarbeit",
    "Fortbildung für Führungskräfte", "Coaching für Teams",
]  # fmt: skip
TITLE_TAILS = [
    "im Landkreis", "in der kreisfreien Stadt", "in kleinen Gemeinden", "Schritt für Schritt",
    "Erfahrungen aus der Praxis", "für Führungskräfte", "Fragen und Antworten", "Checkliste",
    "Leitfaden", "ein Praxisbericht", "nach dem ersten Jahr", "im ländlichen Raum",
    "was wirklich hilft", "Grundlagen", "für die Verwaltungsspitze",
]  # fmt: skip
STATES = ["BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST",
          "SH", "TH"]  # fmt: skip
TOPICS = ["clearingverfahren", "interventionsstrategie", "beteiligungsstrategie", "allianzaufbau",
          "schutz-von-mandatstragerinnen", "kommunikation-nach-vorfallen"]  # fmt: skip
AREAS = ["1", "2", "3", "1a", "2a", "3a"]
# doc_type, plugin, share of the documents
KINDS = [
    ("pages.goodpracticepage", "core", 10), ("pages.recommendationpage", "core", 5),
    ("pages.articlepage", "core", 10), ("events.eventpage", "core", 5),
    ("forum.thread", "forum", 20), ("forum.post", "forum", 35),
    ("toolbox.resource", "toolbox", 10), ("directory.entry", "directory", 5),
]  # fmt: skip
WITH_STATE = ("pages.goodpracticepage", "directory.entry")
PLUGINS = frozenset(plugin for _, plugin, _ in KINDS)

# --- Queries ----------------------------------------------------------------------

ONE_WORD = [
    "Clearingverfahren", "Rassismus", "Beratungsstellen", "Allianz", "Hass", "Führungskräfte",
    "Meldewege", "Polizei", "Resilienz", "Drohschreiben", "Krisenkommunikation",
    "Fortbildungen", "Bürgermeisterinnen", "Schutzkonzept", "rassistische", "Wahlkampf",
    "Quartier", "Medien", "Antidiskriminierung", "Zivilgesellschaft", "Sprachen",
    "Fallkonferenz", "Opferberatung", "Photovoltaik",
]  # fmt: skip
TWO_WORDS = [
    "Clearingverfahren Landkreis", "Hassrede Netz", "Schutzkonzept Mandatsträgerinnen",
    "Beratungsstellen Polizei", "rassistische Vorfälle", "Allianz Medien",
    "Führungskräfte Coaching", "kollegiale Beratung", "Meldewege Anfeindungen",
    "Aktionsplan Rassismus", "Resilienz Team", "Sicherheit Bürgerbüro",
]  # fmt: skip
PHRASES = ['"kommunale Allianz"', '"rassistischer Übergriffe"', "Drohschreiben -Polizei"]

ANONYMOUS = frozenset({"public"})
MODEL_MEMBER = frozenset(
    {"public", "network", "model", "municipality:3", "forum-category:1", "forum-category:2"}
)


def sentences(rng: random.Random, objects: list[str], clauses: list[str],
              count: int) -> list[str]:  # fmt: skip
    pool = set()
    while len(pool) < count:
        clause = rng.choice(clauses)
        pool.add(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(objects)}{clause}.")
    return sorted(pool)


def body(rng: random.Random, topical: list[str], everyday: list[str], length: int) -> str:
    """``length`` sentences, about a third of them on the programme's topics (DENSITY)."""
    return " ".join(
        rng.choice(topical if rng.random() < DENSITY else everyday) for _ in range(length)
    )


def access_tokens(rng: random.Random, doc_type: str) -> tuple[str, ...]:
    roll = rng.random()
    if doc_type.startswith("forum."):
        return (f"forum-category:{rng.randint(1, 8)}",) if roll < 0.3 else ("network",)
    if roll < 0.45:
        return ("public",)
    if roll < 0.75:
        return ("network",)
    if roll < 0.9:
        return ("model",)
    return (f"municipality:{rng.randint(1, 40)}",)


def documents(count: int):
    """``count`` reproducible documents."""
    from search.documents import IndexedDocument

    rng = random.Random(SEED)
    topical = sentences(rng, OBJECTS, CLAUSES, 600)
    everyday = sentences(rng, EVERYDAY_OBJECTS, EVERYDAY_CLAUSES, 900)
    kinds = [doc_type for doc_type, _, share in KINDS for _ in range(share)]
    plugin_of = {doc_type: plugin for doc_type, plugin, _ in KINDS}
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for number in range(count):
        doc_type = rng.choice(kinds)
        length = rng.randint(40, 80) if rng.random() < 0.05 else rng.randint(3, 14)
        title = f"{rng.choice(TITLE_HEADS)} – {rng.choice(TITLE_TAILS)}"
        if doc_type == "forum.post":
            title = f"Antwort: {title}"
        extra = {}
        if doc_type == "events.eventpage":
            extra["start"] = (start + timedelta(days=rng.randint(0, 900))).isoformat()
        yield IndexedDocument(
            doc_type=doc_type,
            object_id=str(number),
            title=title,
            body=body(rng, topical, everyday, length),
            url=f"/bench/{doc_type.replace('.', '/')}/{number}/",
            access=access_tokens(rng, doc_type),
            updated_at=start + timedelta(minutes=rng.randint(0, 900 * 24 * 60)),
            plugin=plugin_of[doc_type],
            module_areas=tuple(rng.sample(AREAS, rng.randint(0, 2))),
            topics=tuple(rng.sample(TOPICS, rng.randint(0, 2))),
            bundesland=rng.choice(STATES) if doc_type in WITH_STATE else "",
            extra=extra,
        )


def queries(count: int):
    """``count`` (kind, SearchQuery) pairs, half anonymous, half a model member."""
    from search.query import SearchQuery

    rng = random.Random(SEED + 1)
    facet_values = {
        "type": [doc_type for doc_type, _, _ in KINDS],
        "topic": TOPICS,
        "module_area": AREAS,
        "bundesland": STATES,
    }
    made = []
    for number in range(count):
        tokens, who = (ANONYMOUS, "anonymous") if number % 2 else (MODEL_MEMBER, "member")
        roll = number % 10
        filters, page = {}, 1
        if roll < 4:
            kind, text = "one_word", rng.choice(ONE_WORD)
        elif roll < 6:
            kind, text = "two_words", rng.choice(TWO_WORDS)
        elif roll < 7:
            kind, text = "phrase_or_exclusion", rng.choice(PHRASES)
        elif roll < 9:
            kind, text = "with_facet_filter", rng.choice(ONE_WORD[:12])
            facet = rng.choice(list(facet_values))
            filters = {facet: (rng.choice(facet_values[facet]),)}
            if rng.random() < 0.3:
                second = rng.choice([f for f in facet_values if f != facet])
                filters[second] = (rng.choice(facet_values[second]),)
        else:
            kind, text, page = "page_2", rng.choice(ONE_WORD[:8]), 2
        query = SearchQuery(text=text, tokens=tokens, plugins=PLUGINS, filters=filters, page=page)
        made.append((kind, who, query))
    return made


def percentiles(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        "max_ms": round(samples[-1], 1),
        "n": len(samples),
    }


def timed_ms(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def main():
    call_command("migrate", verbosity=0)
    from search.backends.database import DatabaseBackend

    backend = DatabaseBackend()
    seconds, written = timed_ms(lambda: backend.rebuild(documents(DOCUMENTS)))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load

    planned = queries(QUERIES)
    for _kind, _who, query in planned[:20]:  # warm caches and plans first
        backend.search(query)
    overall, by_kind, by_who, totals = [], {}, {}, []
    for kind, who, query in planned:
        elapsed, results = timed_ms(lambda q=query: backend.search(q))
        overall.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
        by_who.setdefault(who, []).append(elapsed)
        totals.append(results.total)

    rng = random.Random(SEED + 2)
    prefixes = [rng.choice(TITLE_HEADS)[: rng.randint(3, 8)] for _ in range(SUGGESTIONS)]
    suggest = [timed_ms(lambda p=p: backend.suggest(p, MODEL_MEMBER, PLUGINS))[0] for p in prefixes]

    figures = overall and percentiles(overall)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "documents": backend.count(),
                "indexed": written,
                "index_seconds": round(seconds / 1000, 1),
                "queries": len(overall),
                "p50_ms": figures["p50_ms"],
                "p95_ms": figures["p95_ms"],
                "max_ms": figures["max_ms"],
                "goal_p95_ms": 100,
                "by_kind": {kind: percentiles(s) for kind, s in sorted(by_kind.items())},
                "by_viewer": {who: percentiles(s) for who, s in sorted(by_who.items())},
                "topical_density": DENSITY,
                "median_hits_total": statistics.median(totals),
                "suggest": percentiles(suggest) if suggest else {},
                "django": django.get_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
