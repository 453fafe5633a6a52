"""Markup rules of the knowledge pages: the content's language is marked on the content
only, and an ignored filter is explained once instead of marking every checkbox."""

from komma.pages.models import GoodPracticePage


def test_english_ui_marks_only_the_german_content(client, make_page, municipality):
    page = make_page(GoodPracticePage, "Clearingstelle", municipality=municipality)
    client.cookies["django_language"] = "en"
    body = client.get(page.url).content.decode()
    assert '<html lang="en">' in body
    assert '<article class="prose knowledge">' in body  # UI labels inside are English
    assert '<h1 lang="de">Clearingstelle</h1>' in body
    assert "<dt>From</dt>" in body


def test_an_ignored_filter_is_explained_once(client, hub, make_page):
    make_page(GoodPracticePage, "Beispiel")
    body = client.get(hub.url + "?land=XX").content.decode()
    assert 'aria-invalid="true"' not in body
    assert 'aria-describedby="filter-problems"' in body and 'id="filter-problems"' in body
    assert "Bundesland (1)" not in body  # nothing valid is chosen
    assert "Alle Filter zurücksetzen" in body
