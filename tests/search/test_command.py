"""``manage.py search_index rebuild|update|status``."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from komma.pages.models import ArticlePage, HomePage, KnowledgeHubPage
from search import service
from search.backends.database import DatabaseBackend
from search.models import SearchEntry

from .conftest import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(db):
    """A hub with three published articles and a draft; indexed only by the command (the
    test transaction never commits, so the signals' on-commit work does not run)."""
    hub = KnowledgeHubPage(title="Wissensplattform", slug="wissen")
    HomePage.objects.get().add_child(instance=hub)
    hub.save_revision().publish()
    published = []
    for title in ("Erster Artikel", "Zweiter Artikel", "Dritter Artikel"):
        page = ArticlePage(title=title, lead="Ein Anriss")
        hub.add_child(instance=page)
        page.save_revision().publish()
        published.append(page)
    draft = ArticlePage(title="Entwurf", lead="Noch nicht", live=False)
    hub.add_child(instance=draft)
    return published


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("search_index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rebuild_indexes_what_prepare_allows_and_is_repeatable(pages):
    DatabaseBackend().index([make_document(999, "Verwaist")])  # gone from the site
    out, err = run("rebuild")
    assert SearchEntry.objects.count() == 3
    assert set(SearchEntry.objects.values_list("title", flat=True)) == {
        "Erster Artikel",
        "Zweiter Artikel",
        "Dritter Artikel",
    }
    assert "database: 3 documents" in out
    # A plain-text progress bar on stderr, ending full.
    assert re.search(r"database \[#{30}\] 3/3", err)  # the live articles
    run("rebuild")
    assert SearchEntry.objects.count() == 3


def test_update_adds_missing_and_removes_stale_without_dropping(pages):
    backend = DatabaseBackend()
    backend.index([make_document(999, "Verwaist")])
    out, _err = run("update")
    assert "updated 3 documents, removed 1" in out
    assert SearchEntry.objects.count() == 3
    assert not SearchEntry.objects.filter(title="Verwaist").exists()


def test_update_keeps_documents_of_other_types(pages):
    DatabaseBackend().index([make_document(5, "Fremd", doc_type="other.kind")])
    run("update")
    assert SearchEntry.objects.filter(doc_type="other.kind").exists()


def test_status_reports_backend_and_counts(pages):
    run("rebuild")
    out, _err = run("status")
    lines = out.splitlines()
    assert lines[0] == "serving: database (ok)"
    assert "database: 3 documents" in lines
    assert "  pages.articlepage: 3" in lines
    assert "elasticsearch: not configured" in lines


class FakeElastic:
    name = "elasticsearch"

    def __init__(self, fail=False):
        self.fail = fail
        self.rebuilt = None
        self.written = []

    def rebuild(self, documents, progress=None):
        if self.fail:
            raise ConnectionError("no cluster")
        self.rebuilt = list(documents)
        progress(len(self.rebuilt))
        return len(self.rebuilt)

    def index(self, documents):
        self.written.extend(documents)
        return len(documents)

    def delete(self, keys):
        return 0

    def count(self):
        return len(self.rebuilt or [])


def test_rebuild_also_rebuilds_elasticsearch_when_configured(pages, monkeypatch):
    fake = FakeElastic()
    monkeypatch.setattr(service, "elasticsearch_backend", lambda: fake)
    from search.management.commands import search_index

    monkeypatch.setattr(search_index, "elasticsearch_backend", lambda: fake)
    out, err = run("rebuild")
    assert sorted(doc.title for doc in fake.rebuilt) == [
        "Dritter Artikel",
        "Erster Artikel",
        "Zweiter Artikel",
    ]
    assert "elasticsearch: 3 documents" in out
    assert re.search(r"elasticsearch \[#{30}\] 3/3", err)


def test_a_failing_elasticsearch_rebuild_is_an_error_but_the_database_is_rebuilt(
    pages, monkeypatch
):
    from search.management.commands import search_index

    monkeypatch.setattr(search_index, "elasticsearch_backend", lambda: FakeElastic(fail=True))
    with pytest.raises(CommandError, match="Elasticsearch rebuild failed"):
        run("rebuild")
    assert SearchEntry.objects.count() == 3


def test_update_writes_to_elasticsearch_too(pages, monkeypatch):
    from search.management.commands import search_index

    fake = FakeElastic()
    monkeypatch.setattr(search_index, "elasticsearch_backend", lambda: fake)
    run("update")
    assert len(fake.written) == 3


def test_status_with_elasticsearch_down(pages, monkeypatch):
    from search.management.commands import search_index

    class Down(FakeElastic):
        def count(self):
            raise ConnectionError("down")

    monkeypatch.setattr(search_index, "elasticsearch_backend", lambda: Down())
    monkeypatch.setattr(
        search_index,
        "search_status",
        lambda: {"backend": "database", "ok": False, "configured": "elasticsearch"},
    )
    out, _err = run("status")
    assert out.splitlines()[0] == "serving: database (NOT OK); configured: elasticsearch"
    assert "elasticsearch: unavailable (ConnectionError)" in out
