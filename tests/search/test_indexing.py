"""Keeping the index current: saves, publishing, unpublishing and deletes of indexed
pages reach the database index after the transaction commits, as one task."""

import logging
from types import SimpleNamespace

import pytest
from django.db import transaction
from wagtail.models import PageViewRestriction

from komma.pages.models import ArticlePage, HomePage, KnowledgeHubPage
from search import indexing
from search.backends.database import DatabaseBackend
from search.models import SearchEntry

from .conftest import make_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(db, django_capture_on_commit_callbacks):
    hub = KnowledgeHubPage(title="Wissensplattform", slug="wissen")
    with django_capture_on_commit_callbacks(execute=True):
        HomePage.objects.get().add_child(instance=hub)
        hub.save_revision().publish()
    return hub


@pytest.fixture
def publish(hub, django_capture_on_commit_callbacks):
    def make(title, *, visibility="public", lead="Ein Anriss", commit=True):
        page = ArticlePage(title=title, visibility=visibility, lead=lead)
        if commit:
            with django_capture_on_commit_callbacks(execute=True):
                hub.add_child(instance=page)
                page.save_revision().publish()
        else:
            hub.add_child(instance=page)
            page.save_revision().publish()
        return page

    return make


def entry(page):
    return SearchEntry.objects.filter(key=f"pages.articlepage:{page.pk}").first()


def test_publishing_indexes_the_page_on_commit(publish):
    page = publish("Teilhabe im Sportverein", lead="Wie Vereine Vielfalt leben")
    found = entry(page)
    assert found is not None
    assert found.title == "Teilhabe im Sportverein"
    assert "Vielfalt" in found.body
    assert set(found.tokens.values_list("token", flat=True)) == {"public"}
    results = DatabaseBackend().search(make_query("Sportverein"))
    assert [hit.object_id for hit in results.hits] == [str(page.pk)]


def test_nothing_is_indexed_before_the_commit(publish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = publish("Noch nicht committet", commit=False)
    assert entry(page) is None
    # One index batch for the whole transaction (other callbacks, e.g. the menu
    # cache's, are not the index's).
    batches = [callback for callback in callbacks if isinstance(callback, indexing._Batch)]
    assert len(batches) == 1
    batches[0]()
    assert entry(page) is not None


def test_one_task_per_transaction(publish, monkeypatch, django_capture_on_commit_callbacks):
    from search import tasks

    calls = []
    fake = SimpleNamespace(enqueue=calls.append)
    monkeypatch.setattr(tasks, "index_objects", fake)
    with django_capture_on_commit_callbacks(execute=True):
        one = publish("Eins", commit=False)
        two = publish("Zwei", commit=False)
        one.title = "Eins geändert"
        one.save_revision().publish()
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(
        [["pages.articlepage", str(one.pk)], ["pages.articlepage", str(two.pk)]]
    )


def test_a_draft_does_not_change_the_index(publish, django_capture_on_commit_callbacks):
    page = publish("Veröffentlichter Titel")
    page.title = "Entwurfstitel"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()
    assert entry(page).title == "Veröffentlichter Titel"
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()
    assert entry(page).title == "Entwurfstitel"


def test_unpublishing_removes_the_page(publish, django_capture_on_commit_callbacks):
    page = publish("Bald offline")
    assert entry(page) is not None
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert entry(page) is None


def test_deleting_removes_the_page(publish, django_capture_on_commit_callbacks):
    page = publish("Bald gelöscht")
    key = f"pages.articlepage:{page.pk}"
    assert SearchEntry.objects.filter(key=key).exists()
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert not SearchEntry.objects.filter(key=key).exists()


def test_deleting_a_parent_removes_its_descendants(
    hub, publish, django_capture_on_commit_callbacks
):
    pages = [publish("Kind eins"), publish("Kind zwei")]
    with django_capture_on_commit_callbacks(execute=True):
        hub.delete()
    assert not any(entry(page) for page in pages)


def test_visibility_change_updates_the_tokens(publish, django_capture_on_commit_callbacks):
    page = publish("Interne Notizen", visibility="network")
    assert set(entry(page).tokens.values_list("token", flat=True)) == {"network"}
    page.visibility = "model"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert set(entry(page).tokens.values_list("token", flat=True)) == {"model"}
    results = DatabaseBackend().search(make_query("Notizen", tokens={"public", "network"}))
    assert results.total == 0


def test_closing_a_parent_closes_the_indexed_children(
    hub, publish, django_capture_on_commit_callbacks
):
    page = publish("Offenes Kind")
    hub.visibility = "model"
    with django_capture_on_commit_callbacks(execute=True):
        hub.save_revision().publish()
    assert set(entry(page).tokens.values_list("token", flat=True)) == {"model"}


def test_a_password_on_a_parent_removes_the_children(
    hub, publish, django_capture_on_commit_callbacks
):
    page = publish("Hinter Passwort")
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=hub, restriction_type="password", password="geheim"
        )
    assert entry(page) is None
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert entry(page) is not None


def test_moving_updates_the_url(hub, publish, django_capture_on_commit_callbacks):
    page = publish("Umzug")
    other = KnowledgeHubPage(title="Anderer Bereich", slug="anders")
    with django_capture_on_commit_callbacks(execute=True):
        HomePage.objects.get().add_child(instance=other)
        other.save_revision().publish()
        page.move(other, pos="last-child")
    assert entry(page).url.startswith("/anders/")


def test_a_rolled_back_savepoint_does_not_lose_later_work(
    publish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                publish("Zurückgerollt", commit=False)
                raise RuntimeError
        except RuntimeError:
            pass
        kept = publish("Behalten", commit=False)
    assert entry(kept) is not None
    assert not SearchEntry.objects.filter(title="Zurückgerollt").exists()


class FailingBackend:
    name = "elasticsearch"

    def index(self, documents):
        raise ConnectionError("Elasticsearch is down")

    def delete(self, keys):
        raise ConnectionError("Elasticsearch is down")


def test_a_failing_elasticsearch_write_does_not_break_the_save(
    publish, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from search import service

    monkeypatch.setattr(
        service, "backends_for_writing", lambda: [FailingBackend(), DatabaseBackend()]
    )
    with caplog.at_level(logging.WARNING, logger="search.indexing"):
        page = publish("Trotzdem gespeichert")
    assert ArticlePage.objects.filter(pk=page.pk, live=True).exists()
    assert entry(page) is not None  # the database index is still written
    assert "writing to elasticsearch failed" in caplog.text


def test_index_objects_reports_failures_and_skips_unknown_models(publish, monkeypatch):
    from search import service

    page = publish("Bericht")
    monkeypatch.setattr(service, "backends_for_writing", lambda: [FailingBackend()])
    result = indexing.index_objects(
        [["pages.articlepage", str(page.pk)], ["auth.user", "1"], ["nope.model", "1"]]
    )
    assert result == {"indexed": 1, "deleted": 0, "failed": ["elasticsearch"]}


def test_raw_saves_are_not_indexed(hub, monkeypatch):
    scheduled = []
    monkeypatch.setattr(indexing, "schedule", lambda *args: scheduled.append(args))
    indexing._saved(ArticlePage, ArticlePage(pk=999), raw=True)
    assert scheduled == []
