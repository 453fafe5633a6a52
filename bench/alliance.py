"""Benchmark of the alliance directory: prints JSON figures. Run with
``python bench/alliance.py``.

Fills a throw-away database with BENCH_ORGS organisations (default 10,000; three
channels each, one to three topics, one to four languages, a location inside its
Land) and measures in-process with Django's test client, after warm-up, the median
and p95 server time and the queries of one request of:

- the directory page without filters (count, page and all four facets over all entries);
- a full-text search; a search with three facets ticked;
- "near my municipality" (a member, sorted by distance within 100 km);
- the faceting alone (``selectors._facets``: the four grouped counts), without a page.

Runs on SQLite and on PostgreSQL: each in a child process; for PostgreSQL a
temporary database is created on the server of BENCH_POSTGRES_URL (default
``postgres://postgres@127.0.0.1:5432/postgres``) and dropped afterwards. Without a
reachable server the PostgreSQL part reports the error instead of figures.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ORGS = int(os.environ.get("BENCH_ORGS", "10000"))


def seed(count: int):
    """``count`` organisations and a member of a municipality near Leipzig; returns
    the member. Needs Django set up (``common``) and a migrated database."""
    import random

    from django.db import connection

    from alliance.demo import LAENDER, PROFILES, TOPICS
    from alliance.models import (
        LANGUAGES,
        ChannelKind,
        ChannelVisibility,
        ContactChannel,
        Location,
        Organization,
        Topic,
        encode_languages,
    )
    from komma.accounts.models import Membership, Municipality, User

    rng = random.Random(7)  # benchmark data, not security
    topics = [
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in TOPICS
    ]
    town = Municipality.objects.create(
        name="Benchstadt", kind="gemeinde", bundesland="SN", ags="14999999",
        latitude=51.34, longitude=12.37,
    )  # fmt: skip
    member = User.objects.create_user(email="bench@example.org", pseudonym="BenchMitglied")
    Membership.objects.create(user=member, municipality=town)

    lands = list(LAENDER)
    categories = list(PROFILES)
    languages = [c for c in LANGUAGES if c != "de"]
    orgs, extra = [], []
    for i in range(count):
        land = lands[i % len(lands)]
        category = categories[i % len(categories)]
        patterns, description, _t, _l, _n = PROFILES[category]
        name = patterns[i % len(patterns)].format(city=f"Ort{i}", region=f"Region {i % 97}",
                                                  land=land)  # fmt: skip
        chosen = rng.sample(topics, rng.randint(1, 3))
        codes = ["de", *rng.sample(languages, rng.randint(0, 3))]
        org = Organization(name=name, slug=f"bench-{i}", category=category,
                           description=description, languages=encode_languages(codes))  # fmt: skip
        org.search_text = org.build_search_text(
            topic_names=[t.name for t in chosen], city=f"Ort{i}"
        )
        orgs.append(org)
        (lat0, lat1), (lon0, lon1), _plz, _ags = LAENDER[land]
        extra.append((chosen, land, rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)))
    Organization.objects.bulk_create(orgs, batch_size=1000)
    Location.objects.bulk_create(
        (Location(organization=o, city=f"Ort{i}", postal_code=f"{10000 + i % 89999}",
                  bundesland=land, latitude=lat, longitude=lon)
         for i, (o, (_c, land, lat, lon)) in enumerate(zip(orgs, extra, strict=True))),
        batch_size=1000,
    )  # fmt: skip
    visibilities = list(ChannelVisibility.values)
    ContactChannel.objects.bulk_create(
        (ContactChannel(organization=o, kind=kind, value=f"{kind}-{o.pk}",
                        visibility=visibilities[(o.pk + n) % 4], position=n)
         for o in orgs
         for n, kind in enumerate((ChannelKind.PHONE, ChannelKind.EMAIL, ChannelKind.PHONE))),
        batch_size=2000,
    )  # fmt: skip
    through = Organization.topics.through
    through.objects.bulk_create(
        (through(organization_id=o.pk, topic_id=t.pk)
         for o, (chosen, *_rest) in zip(orgs, extra, strict=True) for t in chosen),
        batch_size=2000,
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return member


def child():
    import statistics
    import time

    from common import ROUNDS, timed  # sets up Django
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from alliance import selectors
    from alliance.models import Organization

    member = seed(ORGS)

    anonymous = Client(HTTP_HOST="127.0.0.1")
    logged_in = Client(HTTP_HOST="127.0.0.1")
    logged_in.force_login(member)
    rounds = min(ROUNDS, int(os.environ.get("BENCH_ALLIANCE_ROUNDS", "100")))
    cases = {
        "directory_all": (anonymous, "/allianz/"),
        "full_text": (anonymous, "/allianz/?q=beratung+opfer"),
        "three_facets": (anonymous, "/allianz/?kategorie=beratung&land=sn&land=by&sprache=tr"),
        "near_my_municipality": (logged_in, "/allianz/?sortierung=entfernung&umkreis=100"),
    }
    results = {"organisations": Organization.objects.count(), "database": connection.vendor}
    for key, (client, url) in cases.items():
        figures = timed(lambda client=client, url=url: client.get(url), rounds=rounds)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        figures["queries"] = len(queries)
        figures["results"] = int(
            response.content.decode().split('id="results-title" aria-live="polite">')[1]
            .split(" ")[0]
        )  # fmt: skip
        results[key] = figures

    def facets_only():
        query, _problems = selectors.parse_directory_query({}, topic_slugs=[])
        base = Organization.objects.filter(status__in=("active", "temporarily_closed"))
        selectors._facets(base, query, None)

    samples = []
    for n in range(10 + rounds):
        start = time.perf_counter()
        facets_only()
        if n >= 10:
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    results["facets_only"] = {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "rounds": rounds,
        "queries": 4,
    }
    print(json.dumps(results))


def run_child(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "BENCH_ALLIANCE_CHILD": "1"}
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(Path(__file__).resolve())], env=env, capture_output=True, text=True,
        cwd=str(HERE), check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    import tempfile

    results = {"sqlite": run_child(f"sqlite:///{tempfile.mkdtemp()}/bench-alliance.sqlite3")}
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"bench_alliance_{uuid.uuid4().hex[:8]}"
    try:
        import psycopg

        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except Exception as err:  # noqa: BLE001 - reported, not raised
        results["postgresql"] = {"error": f"no PostgreSQL server: {err}"}
    else:
        try:
            admin.execute(f'CREATE DATABASE "{name}"')
            parts = urlsplit(server)
            results["postgresql"] = run_child(urlunsplit(parts._replace(path=f"/{name}")))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    if os.environ.get("BENCH_ALLIANCE_CHILD") == "1":
        sys.path.insert(0, str(HERE))
        child()
    else:
        main()
