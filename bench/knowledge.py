"""Benchmarks of the knowledge platform: prints JSON figures. Run with ``make bench``.

Seeds the demo content, then fills the knowledge hub up to BENCH_PAGES pages
(default 500; a mix of good practice, recommendations and articles at all three
visibility levels, with topics and module areas), and measures the server time
(median and p95, Django test client) of:

- the home page (anonymous);
- the hub's listing filtered by topic and type (anonymous and a model member);
- a good-practice detail page with related content (model member).
"""

import json
import os
import random

import django
from common import timed  # first: sets up Django
from django.core.management import call_command
from django.test import Client

PAGES = int(os.environ.get("BENCH_PAGES", "500"))


def fill(hub) -> None:
    """Add knowledge pages below ``hub`` until it holds ``PAGES``."""
    from komma.accounts.models import Municipality
    from komma.pages.models import (
        ArticlePage,
        GoodPracticePage,
        KnowledgePage,
        ModuleArea,
        RecommendationPage,
        Topic,
    )

    rng = random.Random(2026)  # the same tree on every run
    topics, areas = list(Topic.objects.all()), list(ModuleArea.objects.all())
    towns = list(Municipality.objects.all())
    existing = KnowledgePage.objects.descendant_of(hub).count()
    for number in range(existing, PAGES):
        kind = (GoodPracticePage, RecommendationPage, ArticlePage)[number % 3]
        fields = {"municipality": rng.choice(towns)} if kind is GoodPracticePage else {}
        page = kind(
            title=f"Beispielseite {number:04d}",
            slug=f"bench-{number:04d}",
            lead="Wie eine Kommune ein Clearingverfahren aufgebaut hat.",
            visibility=rng.choice(["public", "public", "network", "model"]),
            body=[("paragraph", "<p>" + "Text eines Praxisbeispiels. " * 40 + "</p>")],
            **fields,
        )
        hub.add_child(instance=page)
        page.topics.set(rng.sample(topics, 2))
        page.module_areas.set(rng.sample(areas, 1))
        page.save_revision().publish()


def main():
    call_command("migrate", verbosity=0)
    from komma.accounts.models import User
    from komma.core.demo import seed_demo
    from komma.pages.models import GoodPracticePage, KnowledgeHubPage, KnowledgePage

    seed_demo()
    hub = KnowledgeHubPage.objects.get(slug="wissen")
    fill(hub)
    member = User.objects.get(email="mitglied@demo.komma.invalid")  # of a model municipality
    detail = GoodPracticePage.objects.live().filter(visibility="public").last()

    anonymous = Client(HTTP_HOST="127.0.0.1")
    logged_in = Client(HTTP_HOST="127.0.0.1")
    logged_in.force_login(member)
    listing = f"{hub.url}?thema=clearingverfahren&typ=gute-praxis&typ=empfehlung"
    results = {
        "pages_in_hub": KnowledgePage.objects.descendant_of(hub).count(),
        "home_anonymous": timed(lambda: anonymous.get("/")),
        "listing_filtered_anonymous": timed(lambda: anonymous.get(listing)),
        "listing_filtered_member": timed(lambda: logged_in.get(listing)),
        "detail_member": timed(lambda: logged_in.get(detail.url)),
        "database": django.db.connection.vendor,
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
