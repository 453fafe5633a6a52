"""Real-browser fixtures: Debian's chromium driven by Playwright's sync API.

No browser is ever downloaded: chromium is launched from ``/usr/bin/chromium``.
When it is missing the browser tests are skipped, or fail with
KOMMA_REQUIRE_SERVICES=1 (CI), like every other service (``need_service``).

Each test gets its own chromium, started after the database is set up and the
demo content seeded, and stopped before the database is emptied (see ``browser``).
"""

import json
import os
from urllib.parse import urlsplit

import pytest

from tests.conftest import need_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}


def chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="module", autouse=True)
def _start_from_the_migrated_content_types(django_db_setup, django_db_blocker):
    """Make ``serialized_rollback`` work whatever ran before this module.

    The browser tests run with ``serialized_rollback`` (test_smoke's
    ``pytestmark``): each starts from the rows migrations created (Wagtail's root
    page, locale and workflow, content types, roles, plugin rows, the core pages)
    and ends with an empty database. Two things break the restore:

    - a transactional test without ``serialized_rollback`` that ran earlier left
      rows that post_migrate re-created under new ids: the restored rows then
      clash with them (unique constraints), so the module starts from empty;
    - while the rows are restored, Wagtail's page and task models look up their
      content type (``ContentType.objects.get_for_model``); on a cache miss that
      creates the row under a new id, and the restored one clashes. So the
      content types are put back under their migrated ids and cached first.
    """
    need_service("chromium", chromium_available(), f"{CHROMIUM} is not installed")
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        call_command(
            "flush",
            interactive=False,
            verbosity=0,
            inhibit_post_migrate=True,
            reset_sequences=False,  # restored rows keep their ids; new rows get higher ones
        )
        ContentType.objects.clear_cache()
        migrated = json.loads(getattr(connection, "_test_serialized_contents", "[]"))
        ContentType.objects.bulk_create(
            ContentType(pk=row["pk"], **row["fields"])
            for row in migrated
            if row["model"] == "contenttypes.contenttype"
        )
        for content_type_id in ContentType.objects.values_list("pk", flat=True):
            ContentType.objects.get_for_id(content_type_id)  # fills the cache


@pytest.fixture
def demo(live_server):
    """The demo content, seeded inside the test's database (emptied afterwards)."""
    from komma.core.demo import seed_demo

    return seed_demo()


@pytest.fixture
def browser(demo):
    """Chromium, for one test, started after the database is set up and seeded and
    stopped before it is emptied.

    While Playwright's sync API runs, an asyncio loop counts as running in this
    thread. Django then refuses ORM calls (hence ``DJANGO_ALLOW_ASYNC_UNSAFE``,
    set only meanwhile, so that the rest of the suite keeps Django's check), and
    asgiref hands out *other* connection objects than the test's: they lack the
    serialized rows of ``serialized_rollback``, and on PostgreSQL each would stay
    open and block dropping the test database. So the database is set up, seeded
    and flushed outside this fixture, and connections opened inside are closed.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
                connections.close_all()


class Traffic:
    """Every request the page makes and every response it gets."""

    def __init__(self, origin: str):
        self.origin = urlsplit(origin).netloc
        self.requests: list[str] = []
        self.responses: list[tuple[str, int]] = []

    def foreign(self) -> list[str]:
        """Requests to any host but the live server (data:/blob: URLs stay local)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(url).netloc != self.origin
        ]


@pytest.fixture
def traffic(live_server):
    return Traffic(live_server.url)


@pytest.fixture
def page(browser, live_server, traffic):
    """A fresh browser context (no cookies) with a German browser, desktop size."""
    context = browser.new_context(locale="de-DE", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    context.on("request", lambda request: traffic.requests.append(request.url))
    context.on(
        "response", lambda response: traffic.responses.append((response.url, response.status))
    )
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    # After the context is closed no more requests can come in.
    assert traffic.foreign() == [], "pages must not make third-party requests"
