"""System checks of the search app."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def check_extra_fields(app_configs=None, **kwargs):
    """``search.E001``: the ``extra_fields`` of the document classes must agree (they
    share one Elasticsearch index) and use known types."""
    from .documents import extra_field_types
    from .indexing import all_document_classes

    try:
        extra_field_types(all_document_classes())
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="search.E001")]
    return []
