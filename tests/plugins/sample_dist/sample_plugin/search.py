"""The sample plugin's search document: the plugin has no model, so nothing is indexed
by a rebuild; tests may ``prepare`` a plain object to index a document of the plugin
(and see it disappear from search when the plugin is switched off)."""

from django.utils import timezone

from search.documents import IndexedDocument, SearchDocument


class SampleDocument(SearchDocument):
    doc_type = "sample_plugin.item"
    label = "Beispiel-Eintrag"
    model = None
    plugin = "sample"

    def queryset(self):
        return []

    def prepare(self, obj) -> IndexedDocument | None:
        """``obj``: anything with ``pk``, ``title`` and ``text`` (and optionally
        ``access``, a tuple of tokens; default public)."""
        return IndexedDocument(
            doc_type=self.doc_type,
            object_id=str(obj.pk),
            title=obj.title,
            body=obj.text,
            url=f"/beispiel/{obj.pk}/",
            access=tuple(getattr(obj, "access", ("public",))),
            updated_at=timezone.now(),
            plugin=self.plugin,
        )
