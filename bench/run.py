"""Benchmarks of the core: prints JSON figures. Run with ``make bench``.

Creates a throw-away SQLite database (or uses DATABASE_URL), seeds the demo
content plus N extra members, then measures with Django's test client:

- median and p95 latency of the home page (anonymous, member) and /healthz;
- members rendered per second through the one person-rendering path;
- peak Python memory while rendering 1,000 person cards (tracemalloc).
"""

import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komma.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
EXTRA_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "1000"))


def timed(fn, rounds=ROUNDS):
    for _ in range(10):  # warm caches (site, plugin states, templates) first
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = fn()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:  # a fast error page is no result
            raise SystemExit(f"benchmark request failed: {response.status_code}")
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "rounds": rounds,
    }


def main():
    call_command("migrate", verbosity=0)
    from komma.accounts.models import Membership, Municipality, User
    from komma.accounts.presentation import PEOPLE_PREFETCH, present_person
    from komma.core.demo import seed_demo

    seed_demo()
    town = Municipality.objects.first()
    if User.objects.count() < EXTRA_MEMBERS:
        users = User.objects.bulk_create(
            User(
                email=f"bench{i}@example.org",
                pseudonym=f"Bench{i:05d}",
                first_name="B",
                real_name_visibility="network",
            )
            for i in range(EXTRA_MEMBERS)
        )
        Membership.objects.bulk_create(Membership(user=u, municipality=town) for u in users)
    member = User.objects.get(email="mitglied@demo.komma.invalid")

    anonymous = Client(HTTP_HOST="127.0.0.1")
    logged_in = Client(HTTP_HOST="127.0.0.1")
    logged_in.force_login(member)
    results = {
        "home_anonymous": timed(lambda: anonymous.get("/")),
        "home_member": timed(lambda: logged_in.get("/")),
        "healthz": timed(lambda: anonymous.get("/healthz")),
    }

    people = list(User.objects.prefetch_related(*PEOPLE_PREFETCH)[:EXTRA_MEMBERS])
    tracemalloc.start()
    start = time.perf_counter()
    for person in people:
        present_person(person, member)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["person_cards"] = {
        "count": len(people),
        "per_second": round(len(people) / elapsed),
        "peak_kib": round(peak / 1024),
    }
    results["database"] = django.db.connection.vendor
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
