"""Benchmarks of the core: prints JSON figures. Run with ``make bench``.

Creates a throw-away SQLite database (or uses DATABASE_URL), seeds the demo
content plus N extra members, then measures with Django's test client:

- median and p95 latency of the home page (anonymous, member) and /healthz;
- members rendered per second through the one person-rendering path;
- peak Python memory while rendering 1,000 person cards (tracemalloc).
"""

import json
import os
import time
import tracemalloc

import django
from common import timed  # first: sets up Django
from django.core.management import call_command
from django.test import Client

EXTRA_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "1000"))


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
