"""The database search index: what ``backends.database.DatabaseBackend`` searches.

One ``SearchEntry`` per ``IndexedDocument`` (by its key); its access tokens and
facet values are rows of their own, so that permission filtering (``EXISTS`` a
token the viewer holds) and facet counts are plain indexed SQL on SQLite and
PostgreSQL alike.

On PostgreSQL the table also has a stored, generated ``search_vector`` column
(German configuration, title weighted "A", body "B") with a GIN index; migration
0002 adds both on PostgreSQL only, so the model does not declare the column
(``backends.database`` refers to it by name). A later migration changing the type
of ``title`` or ``body`` on PostgreSQL has to drop and re-create that column.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One searchable document (``search.documents.IndexedDocument``)."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    doc_type = models.CharField(_("type"), max_length=100)
    plugin = models.CharField(_("plugin"), max_length=64, default="core")
    object_id = models.CharField(_("object id"), max_length=64)
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("URL"), max_length=1000)
    updated_at = models.DateTimeField(_("updated at"))
    extra = models.JSONField(_("extra"), default=dict, blank=True)
    bundesland = models.CharField(_("Bundesland"), max_length=8, blank=True)
    # Lower-cased, umlaut-folded text for word matching without full-text search
    # (SQLite; the title also for suggestions on every database). ``folded_body`` is
    # left empty on PostgreSQL, which matches against ``search_vector`` instead.
    folded_title = models.TextField(blank=True, editable=False)
    folded_body = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(fields=["-updated_at"], name="search_entry_updated"),
            models.Index(fields=["doc_type", "-updated_at"], name="search_entry_type_updated"),
            models.Index(fields=["plugin"], name="search_entry_plugin"),
        ]

    def __str__(self):
        return self.key


class SearchEntryToken(models.Model):
    """An access token of an entry: a viewer holding it finds the entry."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "token"], name="search_token_unique")
        ]
        indexes = [models.Index(fields=["token", "entry"], name="search_token_lookup")]

    def __str__(self):
        return f"{self.entry_id}: {self.token}"


class SearchEntryFacet(models.Model):
    """One facet value of an entry (``type``, ``module_area``, ``topic``, ``bundesland``)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=32)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "facet", "value"], name="search_facet_unique")
        ]
        indexes = [models.Index(fields=["facet", "value", "entry"], name="search_facet_lookup")]

    def __str__(self):
        return f"{self.entry_id}: {self.facet}={self.value}"


class PendingIndexWrite(models.Model):
    """A document Elasticsearch missed while its circuit breaker was open (or a write
    to it failed): replayed from the database's current state once it answers again
    (``search.pending``). The database index got the write already."""

    key = models.CharField(max_length=255, unique=True)  # IndexedDocument.key
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "pending Elasticsearch write"
        verbose_name_plural = "pending Elasticsearch writes"

    def __str__(self):
        return self.key
