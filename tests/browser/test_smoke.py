"""Smoke test in a real browser: the pages load with their own CSS and nothing from
other hosts, a member logs in through the real allauth form, sees only their
pseudonym, and logs out again; the skip link works from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "mitglied@demo.komma.invalid"
PASSWORD = "KomMA-Demo-2026"  # the documented demo login
PSEUDONYM = "MutigeEiche"
REAL_NAME_PARTS = ["Katrin", "Vogelsang"]

LOGIN_LINK = re.compile(r"^\s*(Anmelden|Log in)\s*$")
LOGOUT_BUTTON = re.compile(r"^\s*(Abmelden|Log out|Sign out)\s*$")
STYLESHEET = "/static/komma/css/site.css"


def login_link(page):
    return page.get_by_role("banner").get_by_role("link", name=LOGIN_LINK)


def assert_no_identity_leak(page):
    """Neither the visible text nor the HTML carries the real name or e-mail."""
    text = page.locator("body").inner_text()
    html = page.content()
    for secret in [*REAL_NAME_PARTS, EMAIL]:
        assert secret not in text, f"{secret!r} is shown on {page.url}"
        assert secret not in html, f"{secret!r} is in the HTML of {page.url}"


def test_login_shows_pseudonym_only_and_logout(page, live_server, demo, traffic):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert (live_server.url + STYLESHEET, 200) in traffic.responses, traffic.responses
    # The stylesheet is applied, not only fetched.
    assert page.evaluate(
        """path => [...document.styleSheets].some(
            sheet => sheet.href && sheet.href.endsWith(path) && sheet.cssRules.length > 0)""",
        STYLESHEET,
    )

    login_link(page).click()
    page.wait_for_url(re.compile(r"/konto/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(EMAIL)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit], input[type=submit]").click()

    page.wait_for_url(live_server.url + "/")
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text(PSEUDONYM)
    expect(login_link(page)).to_have_count(0)
    assert_no_identity_leak(page)

    menu = banner.locator("details.account-menu")
    menu.locator("summary").click()
    expect(menu).to_have_attribute("open", "")
    logout = menu.get_by_role("button", name=LOGOUT_BUTTON)
    expect(logout).to_be_visible()
    assert_no_identity_leak(page)
    logout.click()
    page.wait_for_load_state()
    if "/konto/logout/" in page.url:  # allauth's confirmation page (logout by GET)
        page.get_by_role("main").get_by_role("button", name=LOGOUT_BUTTON).click()
        page.wait_for_load_state()

    expect(login_link(page)).to_be_visible()
    expect(page.get_by_role("banner")).not_to_contain_text(PSEUDONYM)
    # Really logged out on the server, not only in this page: a member page asks to log in.
    page.goto(live_server.url + "/konto/profil/")
    page.wait_for_url(re.compile(r"/konto/login/\?next="))
    assert traffic.foreign() == []


def test_skip_link_is_first_tab_stop_and_moves_focus(page, live_server, demo, traffic):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= viewport["width"], (box, viewport)
    assert box["y"] + box["height"] <= viewport["height"], (box, viewport)

    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    assert traffic.foreign() == []


def test_account_menu_closes_with_escape(page, live_server, demo, traffic):
    page.goto(live_server.url + "/konto/login/")
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(EMAIL)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    menu = page.get_by_role("banner").locator("details.account-menu")
    summary = menu.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")  # into the menu
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    summary.click()
    expect(menu).to_have_attribute("open", "")
    page.locator("h1").click()  # a click elsewhere closes it too
    expect(menu).not_to_have_attribute("open", "")
    assert traffic.foreign() == []
