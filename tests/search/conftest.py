"""Shared fixtures of the search tests: documents made directly (no pages needed),
the database backend, and a query helper."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from search.documents import IndexedDocument
from search.query import SearchQuery
from tests.conftest import need_service

BASE_TIME = datetime(2026, 1, 1, 12, tzinfo=UTC)
MEMBER_TOKENS = frozenset({"public", "network"})
ALL_PLUGINS = frozenset({"core", "sample"})


def make_document(object_id, title, body="", **fields) -> IndexedDocument:
    """An ``IndexedDocument`` with sensible defaults (public, core, a knowledge article)."""
    fields.setdefault("doc_type", "pages.articlepage")
    fields.setdefault("url", f"/wissen/{object_id}/")
    fields.setdefault("access", ("public",))
    fields.setdefault("updated_at", BASE_TIME + timedelta(minutes=int(object_id)))
    return IndexedDocument(object_id=str(object_id), title=title, body=body, **fields)


def make_query(text="", tokens=MEMBER_TOKENS, plugins=ALL_PLUGINS, **fields) -> SearchQuery:
    return SearchQuery(text=text, tokens=frozenset(tokens), plugins=frozenset(plugins), **fields)


@pytest.fixture
def make_doc():
    return make_document


@pytest.fixture
def db_backend(db):
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


@pytest.fixture
def postgres(db):
    """Only on PostgreSQL (skipped locally on SQLite, a failure in CI)."""
    need_service("PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL is not PostgreSQL")
