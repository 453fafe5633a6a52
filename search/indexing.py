"""Keeping the index current: saves and deletes of indexed models are re-indexed
after the transaction commits, as background work (``search.tasks``).

What is scheduled is only "model label + primary key"; the task reads the object
again from the database and lets its document class ``prepare`` it, so what gets
indexed is always the committed state (for a Wagtail page: the live version, never
a draft being saved), and ``prepare`` returning ``None`` (unpublished, restricted,
deleted) removes the document. Everything scheduled in one transaction becomes one
task; the same object is prepared once however often it was saved.

Signals: ``post_save``/``post_delete`` per indexed model (and its concrete
subclasses), and Wagtail's ``page_published``/``page_unpublished``/
``post_page_move``, which also re-index the page's indexed descendants (their URL
or visibility may have changed by queryset updates that send no signal). The core's
models are connected in ``SearchConfig.ready``; plugins connect their receivers in
their own ``ready()``, after the search app's, so their models are connected on
the first request, task or ``search_index`` command (``ensure_connected``).

A document's key is ``"<doc_type>:<pk>"``: document classes use ``str(obj.pk)`` as
``object_id``, so a deleted object's document can be removed without it.
"""

import logging
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.core.signals import request_started
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from .documents import IndexedDocument

logger = logging.getLogger(__name__)

_connected: set[type] = set()
_plugins_connected = False


# --- which models ---------------------------------------------------------------


def all_document_classes(include_plugins: bool = True) -> list[type]:
    """The document classes of the core and of every installed plugin, switched on or
    off (signals stay connected; the task skips switched-off plugins' documents)."""
    from django.utils.module_loading import import_string

    from plugins.hooks import collect, search_documents

    from .registry import core_document_classes

    classes = list(core_document_classes())
    if include_plugins:
        try:
            items = collect(search_documents.send_to_all(sender=None))
        except Exception:
            logger.exception("search: collecting plugin document classes failed")
            items = []
        for item in items:
            try:
                cls = import_string(item) if isinstance(item, str) else item
            except ImportError:
                logger.exception("search: document class %r not importable", item)
                continue
            if cls not in classes:
                classes.append(cls)
    return classes


def models_of(classes: Iterable[type]) -> set[type]:
    """The models the classes index, with their concrete subclasses (signals are sent
    with the instance's own class)."""
    bases = tuple(cls.model for cls in classes if getattr(cls, "model", None) is not None)
    if not bases:
        return set()
    return {
        model for model in apps.get_models() if issubclass(model, bases) and not model._meta.proxy
    } | set(bases)


def connect_signals(include_plugins: bool = False) -> None:
    """Connect the receivers for the indexed models (idempotent)."""
    for model in models_of(all_document_classes(include_plugins)):
        if model in _connected:
            continue
        label = model._meta.label_lower
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{label}")
        _connected.add(model)


def ensure_connected() -> None:
    """Also connect the plugins' models (their receivers exist once every app is ready)."""
    global _plugins_connected
    if _plugins_connected:
        return
    connect_signals(include_plugins=True)
    _plugins_connected = True


def setup() -> None:
    """Called from ``SearchConfig.ready``."""
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    connect_signals(include_plugins=False)
    page_published.connect(_page_published, dispatch_uid="search-page-published")
    page_unpublished.connect(_page_only, dispatch_uid="search-page-unpublished")
    post_page_move.connect(_page_subtree, dispatch_uid="search-page-moved")
    page_slug_changed.connect(_page_subtree, dispatch_uid="search-page-slug")
    post_save.connect(_restriction_changed, sender=PageViewRestriction,
                      dispatch_uid="search-restriction-saved")  # fmt: skip
    post_delete.connect(_restriction_changed, sender=PageViewRestriction,
                        dispatch_uid="search-restriction-deleted")  # fmt: skip
    request_started.connect(_on_request, dispatch_uid="search-ensure-connected")


def _on_request(sender, **kwargs):
    ensure_connected()


# --- receivers ----------------------------------------------------------------------


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule(type(instance), instance.pk)


def _deleted(sender, instance, **kwargs):
    schedule(type(instance), instance.pk)


def _page_only(sender, instance, **kwargs):
    """Unpublished: the page itself (Wagtail signals each unpublished descendant)."""
    model = getattr(instance, "specific_class", None) or type(instance)  # moves send a Page
    if model in _connected:
        schedule(model, instance.pk)


def _page_published(sender, instance, **kwargs):
    """Published: the page, and its descendants when the page is not public (publishing
    may have closed them to its level, ``komma.pages.signals.tighten_descendants``)."""
    _page_only(sender, instance)
    if getattr(instance, "visibility", "public") != "public":
        schedule_descendants(instance)


def _page_subtree(sender, instance, **kwargs):
    """Moved or renamed: the URLs of the page and of every descendant changed."""
    _page_only(sender, instance)
    schedule_descendants(instance)


def _restriction_changed(sender, instance, **kwargs):
    """A Wagtail view restriction applies to the page and everything below it."""
    try:
        page = instance.page.specific_deferred
    except ObjectDoesNotExist:
        return  # the page is being deleted with it
    _page_only(sender, page)
    schedule_descendants(page)


def schedule_descendants(page) -> None:
    """Schedule the indexed pages below ``page``."""
    from wagtail.models import Page

    indexed = [model for model in _connected if issubclass(model, Page)]
    if not indexed or not isinstance(page, Page):
        return
    from django.contrib.contenttypes.models import ContentType

    types = ContentType.objects.get_for_models(*indexed, for_concrete_models=False)
    labels = {content_type.pk: model._meta.label_lower for model, content_type in types.items()}
    descendants = (
        Page.objects.descendant_of(page)
        .filter(content_type_id__in=list(labels))
        .values_list("pk", "content_type_id")
    )
    for pk, content_type_id in descendants:
        schedule(labels[content_type_id], pk)


# --- scheduling ------------------------------------------------------------------------


class _Batch:
    """What one transaction scheduled; runs once, on commit."""

    def __init__(self):
        self.items: dict[tuple[str, str], None] = {}
        self.done = False

    def __call__(self):
        self.done = True
        enqueue([list(item) for item in self.items])


def schedule(model, pk) -> None:
    """Re-index ``model`` (class or label) ``pk`` once the transaction commits."""
    if pk is None:
        return
    label = model if isinstance(model, str) else model._meta.label_lower
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        enqueue([[label, str(pk)]])
        return
    batch = getattr(connection, "_komma_search_batch", None)
    pending = batch is not None and not batch.done
    if pending and not any(func is batch for _sids, func, _robust in connection.run_on_commit):
        pending = False  # rolled back: its callback is gone
    if not pending:
        batch = _Batch()
        connection._komma_search_batch = batch
        transaction.on_commit(batch)
    batch.items[(label, str(pk))] = None


def enqueue(items: list[list[str]]) -> None:
    """Hand the items to the ``index_objects`` task; a failure is logged, never raised
    (a save must not fail because the index could not be updated)."""
    if not items:
        return
    from .tasks import index_objects

    try:
        index_objects.enqueue(items)
    except Exception:
        logger.exception("search: could not enqueue indexing of %d objects", len(items))


# --- the work --------------------------------------------------------------------------


def document_key(cls, pk) -> str:
    return f"{cls.doc_type}:{pk}"


def fetch(document, model, pk):
    """The object ``pk`` as the document class's ``queryset`` has it, or None."""
    objects = document.queryset()
    if not isinstance(objects, QuerySet):
        objects = model._default_manager.all()
    return objects.filter(pk=pk).first()


def index_objects(items: Iterable) -> dict:
    """Prepare the objects ``[(model label, pk), ...]`` again and write the documents to
    every backend (or delete them there); returns counts."""
    from .registry import document_class_for

    upserts: list[IndexedDocument] = []
    deletes: list[str] = []
    for label, pk in items:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        cls = document_class_for(model)
        if cls is None:
            continue  # not indexed, or its plugin is switched off
        document = cls()
        try:
            obj = fetch(document, model, pk)
            prepared = document.prepare(obj) if obj is not None else None
        except Exception:
            logger.exception("search: preparing %s %s failed", label, pk)
            continue
        if prepared is None:
            deletes.append(document_key(cls, pk))
        else:
            upserts.append(prepared)
            if prepared.key != document_key(cls, pk):
                deletes.append(document_key(cls, pk))
    failures = write(upserts, deletes)
    return {"indexed": len(upserts), "deleted": len(deletes), "failed": failures}


def write(upserts: list[IndexedDocument], deletes: list[str], backends=None) -> list[str]:
    """Write to every backend; a failing backend is logged and named in the result.

    Elasticsearch is guarded by the circuit breaker: while it is open, no write is
    tried (nobody waits for a timeout), and a failed write opens it. What it missed
    is recorded (``search.pending``) and replayed once it answers again; it is named
    in the result all the same. The database backend always gets every write.
    """
    from . import pending
    from .circuit import breaker
    from .service import backends_for_writing

    failures = []
    if backends is None:
        try:
            backends = backends_for_writing()
        except Exception:
            logger.exception("search: backends unavailable")
            return ["all"]
    for backend in backends:
        guarded = backend.name == pending.ELASTICSEARCH
        keys = [doc.key for doc in upserts] + list(deletes)
        if guarded and keys and not breaker.allows():
            pending.record(keys)
            logger.info("search: Elasticsearch unavailable, %d writes kept for later", len(keys))
            failures.append(backend.name)
            continue
        try:
            if upserts:
                backend.index(upserts)
            if deletes:
                backend.delete(deletes)
        except Exception as exc:
            logger.warning("search: writing to %s failed", backend.name, exc_info=True)
            failures.append(backend.name)
            if guarded and pending.is_outage(exc):
                breaker.record_failure()
                pending.record(keys)
        else:
            if guarded and keys:
                breaker.record_success()
                pending.schedule_replay()
    return failures


def count_objects(classes: Iterable[type]) -> int:
    """How many objects a rebuild of ``classes`` prepares."""
    total = 0
    for cls in classes:
        objects = cls().queryset()
        total += objects.count() if isinstance(objects, QuerySet) else len(objects)
    return total


def iter_documents(classes: Iterable[type], advance: Callable[[], None] | None = None):
    """The documents of every object of ``classes`` (``advance()`` after each object)."""
    for cls in classes:
        document = cls()
        objects = document.queryset()
        if isinstance(objects, QuerySet):
            objects = objects.iterator(chunk_size=500)
        for obj in objects:
            try:
                prepared = document.prepare(obj)
            except Exception:
                logger.exception("search: preparing %s %s failed", cls.doc_type, obj.pk)
                prepared = None
            if advance is not None:
                advance()
            if prepared is not None:
                yield prepared
