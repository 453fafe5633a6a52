"""Benchmarks of the forums: prints JSON figures. Run with ``python bench/forums.py``.

Seeds the demo content, then adds a category with a thread of BENCH_POSTS posts
(default 200; Markdown rendered once, at write time, as the forum does) and a
category of BENCH_THREADS threads (default 50), and measures in-process with
Django's test client, after warm-up, as a logged-in member of a model municipality:

- the thread page (first page of the long thread, the page size of the settings);
- the thread list of the category with many threads;
- posting a reply (a POST through the reply view, answered with a redirect).

Each with median and p95 server time and the number of queries of one request
(the site's frame included). SQLite by default; PostgreSQL when DATABASE_URL says so.
"""

import json
import os
import statistics
import time
import uuid

import django
from common import ROUNDS, timed  # first: sets up Django
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

POSTS = int(os.environ.get("BENCH_POSTS", "200"))
THREADS = int(os.environ.get("BENCH_THREADS", "50"))

BODY = """Wir haben in unserer Verwaltung ein **Clearingverfahren** eingeführt:

- jede Anfeindung wird dokumentiert (Screenshot, Datum, Kanal);
- die Beauftragte prüft, ob eine Anzeige sinnvoll ist;
- Betroffene bekommen innerhalb von 24 Stunden eine Rückmeldung.

> Was hat bei euch funktioniert, um Kolleginnen im Bürgeramt zu schützen?

Mehr dazu im [Leitfaden](https://example.org/leitfaden). Antwort Nummer {n}.
"""


def seed():
    """The bench category, thread and thread list (idempotent on a re-run)."""
    from exchange.forums import actions
    from exchange.forums.models import Access, Category, ForumProfile, Post, State, Thread
    from exchange.forums.rendering import render_markdown
    from komma.accounts.models import User

    demo = User.objects.filter(email__endswith="@demo.komma.invalid", memberships__isnull=False)
    writers = list(demo.distinct().order_by("pk")[:5])
    for writer in writers:
        ForumProfile.objects.update_or_create(user=writer, defaults={"approved_posts": 100})
    member = User.objects.get(email="mitglied@demo.komma.invalid")
    long_category, _ = Category.objects.get_or_create(
        slug="bench-lang", defaults={"name": "Bench: langes Thema", "access": Access.MEMBERS}
    )
    list_category, _ = Category.objects.get_or_create(
        slug="bench-liste", defaults={"name": "Bench: viele Themen", "access": Access.MEMBERS}
    )
    thread = Thread.objects.filter(category=long_category, title="Ein langes Thema").first()
    if thread is None:
        thread = actions.check_create_thread(
            writers[1], long_category, title="Ein langes Thema", body=BODY.format(n=1)
        )
        first = thread.posts.get()
        Post.objects.bulk_create(
            Post(
                thread=thread, number=n, author=writers[n % len(writers)],
                body=BODY.format(n=n), body_html=render_markdown(BODY.format(n=n), {}),
                state=State.PUBLISHED, helpful_count=n % 4,
                quoted=first if n % 9 == 0 else None,
            )
            for n in range(2, POSTS + 1)
        )  # fmt: skip
        Thread.objects.filter(pk=thread.pk).update(last_number=POSTS)
        actions.refresh_thread_stats(thread.pk)
    for index in range(list_category.threads.count(), THREADS):
        made = actions.check_create_thread(
            writers[index % len(writers)], list_category, title=f"Thema Nummer {index:03d}",
            body=BODY.format(n=index),
        )  # fmt: skip
        if index % 4 == 0:
            actions.check_reply(writers[(index + 1) % len(writers)], made, body="Eine Antwort.")
    reply_thread = Thread.objects.filter(category=list_category).order_by("pk").first()
    return member, thread, list_category, reply_thread


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def timed_status(fn, status, rounds=ROUNDS):
    """``common.timed`` for requests that answer ``status`` (a POST's redirect)."""
    for _ in range(10):
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = fn()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != status:
            raise SystemExit(f"benchmark request failed: {response.status_code}")
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "rounds": rounds,
    }


def main():
    call_command("migrate", verbosity=0)
    from django.urls import reverse

    from exchange.forums import actions
    from komma.core.demo import seed_demo

    seed_demo()
    member, thread, list_category, reply_thread = seed()
    # A member writing 200 replies in a row would hit the hourly limit; the limit's
    # check (a cache increment) still runs on every request.
    actions.POSTS_PER_HOUR = 10**9

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member)
    thread_url = reverse("forums:thread", args=[thread.pk])
    list_url = reverse("forums:category", args=[list_category.slug])
    reply_url = reverse("forums:reply", args=[reply_thread.pk])

    def get_thread():
        return client.get(thread_url)

    def get_list():
        return client.get(list_url)

    def post_reply():
        return client.post(
            reply_url, {"body": "Danke, das hilft uns weiter.", "client_token": str(uuid.uuid4())}
        )

    results = {"posts_in_thread": thread.posts.count()}
    results["thread_page"] = timed(get_thread)
    results["thread_page"]["queries"] = count_queries(get_thread)
    results["thread_page"]["posts_shown"] = (
        get_thread().content.decode().count('<article class="forum-post')
    )
    results["thread_list"] = timed(get_list)
    results["thread_list"]["queries"] = count_queries(get_list)
    results["thread_list"]["threads_in_category"] = list_category.threads.count()
    results["reply"] = timed_status(post_reply, 302)
    results["reply"]["queries"] = count_queries(post_reply)
    results["database"] = django.db.connection.vendor
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
