"""All document classes: the core's and those plugins contribute."""

from plugins.hooks import collect, search_documents


def core_document_classes() -> list[type]:
    """The core's searchable models: the three kinds of knowledge page (one document
    type each, so the "type" facet tells them apart) and events."""
    from komma.events.search import EventDocument
    from komma.pages.search import KNOWLEDGE_DOCUMENTS

    return [*KNOWLEDGE_DOCUMENTS, EventDocument]


def document_classes() -> list[type]:
    """Core documents plus those of switched-on plugins (strings are resolved)."""
    from django.utils.module_loading import import_string

    classes = core_document_classes()
    for item in collect(search_documents.send_robust(sender=None)):
        cls = import_string(item) if isinstance(item, str) else item
        if cls not in classes:
            classes.append(cls)
    return classes


def document_class_for(model) -> type | None:
    """The document class indexing ``model`` (or a parent model of it), if any."""
    for cls in document_classes():
        if cls.model is not None and issubclass(model, cls.model):
            return cls
    return None
