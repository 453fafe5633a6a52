"""Search in a real browser: typing into the header's search box shows suggestions
(a WAI-ARIA combobox), the arrow keys move through them, Escape closes them, Enter
opens the chosen one; without a chosen suggestion Enter searches, and the results
page is filtered by keyboard into a shareable URL."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

database = pytest.importorskip(
    "search.backends.database", reason="the database backend is not written yet"
)


@pytest.fixture
def indexed(demo):
    """The demo content in the database index (before the browser starts)."""
    from search.registry import document_classes

    documents = []
    for cls in document_classes():
        document_class = cls()
        for obj in document_class.queryset():
            prepared = document_class.prepare(obj)
            if prepared is not None:
                documents.append(prepared)
    database.DatabaseBackend().index(documents)
    return documents


def public_title_prefix(indexed) -> str:
    """The first letters of a word of a public knowledge page's title."""
    public = [d for d in indexed if "public" in d.access and d.doc_type.startswith("pages.")]
    assert public, "the demo has public knowledge pages"
    return next(w for w in public[0].title.split() if len(w) >= 4)[:4]


def test_suggestions_by_keyboard(indexed, page, live_server, traffic):
    prefix = public_title_prefix(indexed)
    page.goto(live_server.url + "/")
    box = page.get_by_role("banner").get_by_role("combobox")
    expect(box).to_have_attribute("aria-expanded", "false")
    listbox_id = box.get_attribute("aria-controls")
    listbox = page.locator(f"#{listbox_id}")
    expect(listbox).to_have_attribute("role", "listbox")

    box.focus()
    page.keyboard.type(prefix, delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_be_visible()
    count = options.count()
    assert count >= 1
    expect(
        page.get_by_role("status").filter(has_text=re.compile(r"\d|[Ss]uggestion"))
    ).to_have_count(1)

    # ArrowDown: the first option is active; focus stays in the box.
    page.keyboard.press("ArrowDown")
    first = options.nth(0)
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(box).to_be_focused()
    if count > 1:
        page.keyboard.press("ArrowDown")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
        expect(first).to_have_attribute("aria-selected", "false")
        page.keyboard.press("ArrowUp")
    expect(first).to_have_attribute("aria-selected", "true")

    # Escape closes the list and keeps the text; ArrowDown opens it again.
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile("."))
    expect(box).to_have_value(prefix)
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(first).to_have_attribute("aria-selected", "true")

    # Enter opens the active suggestion.
    title = first.locator(".suggest-title").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert "/suche/" not in page.url
    assert traffic.foreign() == []


def test_enter_without_a_suggestion_searches_and_filters_by_keyboard(
    indexed, page, live_server, traffic
):
    page.goto(live_server.url + "/")
    box = page.get_by_role("banner").get_by_role("combobox")
    box.fill("Allianz")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/suche/\?q=Allianz$"))
    expect(page.locator("h1")).to_have_count(1)
    results = page.locator("section.results")
    expect(results.locator("li.hit").first).to_be_visible()
    expect(results.locator("mark").first).to_be_visible()
    total = results.locator("li.hit").count()

    # The page's own box replaces the header's, and suggests too.
    expect(page.get_by_role("search")).to_have_count(1)
    expect(page.get_by_role("combobox")).to_have_value("Allianz")

    # A type filter, chosen by keyboard, gives a shareable URL.
    filters = page.locator("form.filters")
    filters.locator("details").first.locator("summary").click()
    checkbox = filters.locator("input[name=typ]").first
    checkbox.focus()
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    filters.locator("button[type=submit]").press("Enter")
    page.wait_for_url(re.compile(r"/suche/\?q=Allianz&typ=[\w.]+$"))
    filtered = results.locator("li.hit").count()
    assert 0 < filtered <= total
    shared = page.context.new_page()
    shared.goto(page.url)
    expect(shared.locator("li.hit")).to_have_count(filtered)
    # The chosen filter can be removed on its own.
    page.locator(".active-filters a").first.click()
    page.wait_for_url(re.compile(r"/suche/\?q=Allianz$"))
    assert traffic.foreign() == []


def test_without_javascript_the_box_is_a_plain_form(indexed, browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        box = page.get_by_role("banner").locator("input[name=q]")
        expect(box).not_to_have_attribute("role", "combobox")
        box.fill("Allianz")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/suche/\?q=Allianz$"))
        expect(page.locator("li.hit").first).to_be_visible()
    finally:
        context.close()
