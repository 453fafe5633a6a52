"""The knowledge hub and a training in a real browser: filtering by keyboard gives a
shareable URL, a closed page asks to log in, print hides the chrome, and a member
registers for a training."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "antrag@demo.komma.invalid"  # HelleQuelle, of an applicant municipality
PASSWORD = "KomMA-Demo-2026"  # the documented demo login


def result_count(page) -> int:
    """The number in the results heading ("6 Einträge")."""
    region = page.get_by_role("region", name=re.compile("Einträge|Eintrag"))
    return int(re.search(r"\d+", region.get_by_role("heading").first.inner_text()).group())


def test_filter_by_keyboard_and_share_the_url(page, live_server, demo, traffic):
    page.goto(live_server.url + "/wissen/")
    total = result_count(page)
    filters = page.locator("form.filters")
    filters.locator("summary", has_text="Thema").click()
    checkbox = filters.get_by_label("Clearingverfahren")
    checkbox.focus()
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    filters.get_by_role("button", name="Filter anwenden").press("Enter")
    page.wait_for_url(re.compile(r"\?thema=clearingverfahren$"))
    filtered = result_count(page)
    assert 0 < filtered < total
    # The same URL in a fresh page shows the same result: the view is shareable.
    shared = page.context.new_page()
    shared.goto(page.url)
    expect(shared.locator("article.entry")).to_have_count(filtered)
    # Network-only pages are not listed for the public.
    expect(page.get_by_text("Nur im Netzwerk")).to_have_count(0)
    assert traffic.foreign() == []


def test_closed_page_asks_to_log_in_and_print_hides_the_chrome(page, live_server, demo):
    from komma.pages.models import KnowledgePage

    closed = KnowledgePage.objects.filter(visibility="network").first()
    page.goto(live_server.url + closed.url)
    page.wait_for_url(re.compile(r"/konto/login/\?next="))
    expect(page.get_by_text(closed.title)).to_have_count(0)
    public = KnowledgePage.objects.filter(visibility="public").first()
    page.goto(live_server.url + public.url)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_member_registers_for_a_training(page, live_server, demo):
    page.goto(live_server.url + "/konto/login/?next=/fortbildungen/online-fortbildung-hassrede/")
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(EMAIL)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/fortbildungen/online-fortbildung-hassrede/$"))
    page.get_by_role("button", name="Jetzt anmelden").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("stornieren"))).to_be_visible()
    # Confirmed participants see the online link.
    expect(page.get_by_role("link", name=re.compile("konferenz.example.org"))).to_be_visible()
