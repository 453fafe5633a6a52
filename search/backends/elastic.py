"""The Elasticsearch backend, built with the ``elasticsearch.dsl`` module.

One index per installation, reached through an alias (``<INDEX_PREFIX>-documents``,
e.g. ``komma-documents``). The concrete index carries a timestamp
(``komma-documents-20260131-120000-123456``): a rebuild fills a new index, then
switches the alias in one atomic request and deletes the old index, so searches
never see a half-built index.

German analysis (``komma_german``): lower-casing, German stop words, umlaut and ß
normalisation (``german_normalization``), ASCII folding of other accents, the
"-ismus" family mapped to "-ist" (so "Rassismus" finds "rassistische"), and the
Snowball German stemmer, the same algorithm as PostgreSQL's ``german``
configuration. Titles have a ``search_as_you_type`` subfield for suggestions.
``extra`` is stored; the values document classes declare in ``extra_fields`` are
indexed with their types (``extra_mapping``), the others are not.

Permission filtering (access tokens, switched-on plugins, scope) is part of the
query's ``bool.filter``, never applied to results afterwards; facet choices are a
``post_filter`` with filtered aggregations, so each facet counts over the other
facets' choices (standard faceted search) but always within what the viewer may
find.
"""

import functools
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from html import escape

from django.conf import settings
from elasticsearch.dsl import (
    A,
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    MetaField,
    Object,
    Q,
    Search,
    SearchAsYouType,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.exceptions import NotFoundError
from elasticsearch.helpers import streaming_bulk

from ..documents import IndexedDocument, extra_field_types
from ..query import FACETS, Hit, SearchQuery, SearchResults, Suggestion
from .base import SearchBackend

logger = logging.getLogger(__name__)

# Facet name (search.query.FACETS) -> indexed field.
FACET_FIELDS = {
    "type": "doc_type",
    "module_area": "module_areas",
    "topic": "topics",
    "bundesland": "bundesland",
}
FACET_SIZE = 100  # buckets per facet; there are far fewer topics and types
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's index.max_result_window default
SNIPPET_CHARS = 200
BULK_CHUNK = 500
SOURCE_FIELDS = ["doc_type", "object_id", "title", "url", "extra"]

# --- Analysis -----------------------------------------------------------------

german_stop = token_filter("komma_german_stop", type="stop", stopwords="_german_")
# "Rassismus"/"Rassismen" -> "rassist", which the stemmer shares with "rassistisch",
# "Rassisten" (likewise Sexismus/sexistisch, Extremismus/extremistisch).
german_ismus = token_filter(
    "komma_german_ismus", type="pattern_replace", pattern="ism(us|en)$", replacement="ist"
)
german_stemmer = token_filter("komma_german_stemmer", type="snowball", language="German")

german = analyzer(
    "komma_german",
    tokenizer="standard",
    filter=[
        "lowercase",
        german_stop,
        "german_normalization",  # ä -> a, ö -> o, ü -> u, ß -> ss (also "ae" -> "a")
        "asciifolding",  # é -> e and other accents
        german_ismus,
        german_stemmer,
    ],
)
# Suggestions match prefixes of the words as written: no stemming, no stop words.
german_prefix = analyzer(
    "komma_german_prefix",
    tokenizer="standard",
    filter=["lowercase", "german_normalization", "asciifolding"],
)


class SearchEntry(Document):
    """The mapping of one indexed document (``IndexedDocument``)."""

    key = Keyword()
    doc_type = Keyword()
    plugin = Keyword()
    object_id = Keyword()
    title = Text(analyzer=german, fields={"suggest": SearchAsYouType(analyzer=german_prefix)})
    body = Text(analyzer=german, index_options="offsets")  # offsets: fast highlighting
    url = Keyword(index=False, doc_values=False)
    access = Keyword()
    module_areas = Keyword()
    topics = Keyword()
    bundesland = Keyword()
    updated_at = Date()
    extra = Object(enabled=False)

    class Meta:
        dynamic = MetaField("strict")


# --- Client ---------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def get_client(url: str, timeout: float):
    """One client (with its connection pool) per process and URL.

    No retries: on a single node a retry only doubles the time a user waits before
    the database answers instead. Rebuilds use ``client.options`` with retries.
    """
    from elasticsearch import Elasticsearch

    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def alias_name() -> str:
    return f"{settings.KOMMA_SEARCH['INDEX_PREFIX']}-documents"


# ``SearchDocument.extra_fields`` types -> mapping of ``extra.<name>``.
EXTRA_FIELDS = {
    "keyword": Keyword,
    "text": lambda: Text(analyzer=german),
    "date": lambda: Date(ignore_malformed=True),
    "integer": lambda: Integer(ignore_malformed=True),
    "boolean": Boolean,
}


def extra_mapping(classes: Iterable[type] | None = None) -> Object:
    """The mapping of ``extra``: the fields the document classes declare
    (``extra_fields``), indexed with their types; other keys stay in ``_source``
    unindexed (``dynamic: false``). Without declared fields: not indexed at all.
    Raises ``ImproperlyConfigured`` on conflicting declarations."""
    if classes is None:
        from ..indexing import all_document_classes

        classes = all_document_classes()  # switched off too: the mapping must not change
    types = extra_field_types(classes)
    if not types:
        return Object(enabled=False)
    return Object(dynamic=False, properties={n: EXTRA_FIELDS[t]() for n, t in types.items()})


def index_body(classes: Iterable[type] | None = None) -> dict:
    """Settings and mappings of a new index (``PUT /<index>`` body); ``extra`` maps
    the ``extra_fields`` of ``classes`` (default: every installed document class)."""
    index = Index("unused")
    index.settings(
        number_of_shards=1,
        number_of_replicas=settings.KOMMA_SEARCH.get("REPLICAS", 0),
    )
    index.document(SearchEntry)
    body = index.to_dict()
    body["mappings"]["properties"]["extra"] = extra_mapping(classes).to_dict()
    return body


def to_source(doc: IndexedDocument) -> dict:
    """The indexed ``_source`` of a document."""
    return {
        "key": doc.key,
        "doc_type": doc.doc_type,
        "plugin": doc.plugin,
        "object_id": str(doc.object_id),
        "title": doc.title,
        "body": doc.body,
        "url": doc.url,
        "access": list(doc.access),
        "module_areas": list(doc.module_areas),
        "topics": list(doc.topics),
        "bundesland": doc.bundesland or None,  # no "" bucket in the facet
        "updated_at": doc.updated_at.isoformat(),
        "extra": doc.extra,
    }


def safe_snippet(fragment: str) -> str:
    """A highlight fragment as HTML: Elasticsearch escapes the text (``encoder: html``);
    should anything but our <mark> tags be in it, the whole fragment is escaped."""
    plain = fragment.replace("<mark>", "").replace("</mark>", "")
    if "<" in plain or ">" in plain:
        return escape(plain)
    return fragment


class ElasticsearchBackend(SearchBackend):
    """Search and index through the alias; ``rebuild`` swaps the index behind it."""

    name = "elasticsearch"

    def __init__(self, client=None):
        conf = settings.KOMMA_SEARCH
        self.client = client or get_client(conf["ELASTICSEARCH_URL"], conf["TIMEOUT"])
        self.timeout = conf["TIMEOUT"]
        self.alias = alias_name()

    # --- Index management ---------------------------------------------------------

    def new_index_name(self) -> str:
        return f"{self.alias}-{datetime.now(UTC):%Y%m%d-%H%M%S-%f}"

    def _admin(self):
        """The client for index administration and bulk writes: patient, with retries."""
        return self.client.options(
            request_timeout=max(60, self.timeout), max_retries=3, retry_on_timeout=True
        )

    def index_exists(self) -> bool:
        """Is there an index behind the alias? (Raises when the cluster does not answer.)"""
        return bool(self.client.indices.exists_alias(name=self.alias))

    def ensure_index(self) -> bool:
        """Create an empty index behind the alias if there is none; True if created."""
        if self.index_exists():
            return False
        name = self.new_index_name()
        self._admin().indices.create(index=name, **index_body(), aliases={self.alias: {}})
        logger.info("created search index %s behind alias %s", name, self.alias)
        return True

    def rebuild(self, documents: Iterable[IndexedDocument],
                progress: Callable[[int], None] | None = None) -> int:  # fmt: skip
        """Index ``documents`` into a new index, then switch the alias to it atomically
        and delete the old indices (zero downtime). ``progress(n)`` is called after
        every chunk with the number of documents written so far (as the database
        backend does). Returns the count.

        Changes saved while a rebuild runs go to the old index; run
        ``search_index update`` afterwards if that matters.
        """
        admin = self._admin()
        name = self.new_index_name()
        admin.indices.create(index=name, **index_body())
        try:
            written = self._bulk(
                ({"_op_type": "index", "_index": name, "_id": doc.key, "_source": to_source(doc)}
                 for doc in documents),
                client=admin,
                progress=progress,
            )  # fmt: skip
            admin.indices.refresh(index=name)
        except BaseException:
            try:  # the half-built index goes; the alias still points at the old one
                admin.options(ignore_status=404).indices.delete(index=name)
            except Exception:
                logger.warning("could not delete the half-built index %s", name, exc_info=True)
            raise
        try:
            current = list(admin.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            current = []
        actions = [{"remove": {"index": old, "alias": self.alias}} for old in sorted(current)]
        actions.append({"add": {"index": name, "alias": self.alias}})
        admin.indices.update_aliases(actions=actions)
        # Old indices: the previous ones, and leftovers of rebuilds that broke off.
        leftovers = admin.indices.get(index=f"{self.alias}-*", expand_wildcards="open,closed")
        old = sorted(i for i in set(leftovers.body) | set(current) if i != name and i < name)
        if old:
            admin.indices.delete(index=",".join(old))
        logger.info("search index rebuilt: %s (%d documents), removed %s", name, written, old)
        return written

    # --- Writing -----------------------------------------------------------------

    def _bulk(self, actions, client=None, progress=None, **kwargs) -> int:
        """Send ``actions`` in chunks; raises ``BulkIndexError`` if any fails (a missing
        document on delete is no failure). Returns how many succeeded.

        Incremental writes use the normal client (the request timeout, no retries), so
        a save never waits long for a cluster that is down; rebuilds the patient one.
        """
        written = done = 0
        for ok, _item in streaming_bulk(
            client or self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=True,
            ignore_status=(404,), **kwargs,
        ):  # fmt: skip
            written += bool(ok)
            done += 1
            if progress is not None and done % BULK_CHUNK == 0:
                progress(done)
        if progress is not None and done % BULK_CHUNK:
            progress(done)
        return written

    def index(self, documents: Iterable[IndexedDocument]) -> int:
        documents = list(documents)
        if not documents:
            return 0
        self.ensure_index()
        actions = (
            {"_op_type": "index", "_index": self.alias, "_id": doc.key, "_source": to_source(doc)}
            for doc in documents
        )
        # require_alias: never let a write auto-create an unmapped index named like the alias
        return self._bulk(actions, require_alias=True)

    def delete(self, keys: Iterable[str]) -> int:
        keys = list(keys)
        if not keys:
            return 0
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": key} for key in keys)
        return self._bulk(actions, require_alias=True)

    def count(self) -> int:
        try:
            return int(self.client.count(index=self.alias)["count"])
        except NotFoundError:
            return 0

    def counts_by_type(self) -> dict[str, int]:
        """Documents per type (for ``search_index status``)."""
        s = Search(using=self.client, index=self.alias).extra(size=0)
        s.aggs.bucket("types", "terms", field="doc_type", size=FACET_SIZE)
        try:
            response = s.execute()
        except NotFoundError:
            return {}
        return {b["key"]: b["doc_count"] for b in response.aggregations["types"]["buckets"]}

    # --- Reading ----------------------------------------------------------------

    def _permission_filters(self, tokens, plugins, scope=()) -> list:
        """What the viewer may find at all: part of the query, never a post filter."""
        filters = [
            Q("terms", access=sorted(tokens)),
            Q("terms", plugin=sorted(plugins)),
        ]
        if scope:
            filters.append(Q("terms", doc_type=sorted(scope)))
        return filters

    def build_search(self, query: SearchQuery) -> Search:
        """The request for one page of results with facets (see ``Search.to_dict``)."""
        if query.text:
            # Every word must occur, in the title or the body (as in the database
            # backend); cross_fields treats both as one field. No fuzziness.
            must = Q("multi_match", query=query.text, fields=["title^3", "body"],
                     type="cross_fields", operator="and")  # fmt: skip
        else:
            must = Q("match_all")
        permission = self._permission_filters(query.tokens, query.plugins, query.scope)
        s = Search(using=self.client, index=self.alias)
        s = s.query(Q("bool", must=[must], filter=permission))

        chosen = {
            facet: Q("terms", **{FACET_FIELDS[facet]: sorted(values)})
            for facet, values in query.filters.items()
            if facet in FACET_FIELDS and values
        }
        if chosen:
            s = s.post_filter(Q("bool", filter=list(chosen.values())))
        for facet in FACETS:
            others = [f for name, f in chosen.items() if name != facet]
            agg = A("filter", Q("bool", filter=others) if others else Q("match_all"))
            agg.bucket("values", "terms", field=FACET_FIELDS[facet], size=FACET_SIZE)
            s.aggs.bucket(facet, agg)

        start = (query.page - 1) * query.per_page
        size = query.per_page if start + query.per_page <= MAX_RESULT_WINDOW else 0
        s = s[start : start + size] if size else s[0:0]
        s = s.source(SOURCE_FIELDS).extra(track_total_hits=True)
        if query.text:
            s = s.highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
            s = s.highlight("body", fragment_size=SNIPPET_CHARS, number_of_fragments=1,
                            no_match_size=SNIPPET_CHARS)  # fmt: skip
        return s

    def search(self, query: SearchQuery) -> SearchResults:
        response = self.build_search(query).execute()
        hits = []
        for hit in response.hits:
            source = hit.to_dict()
            highlight = getattr(hit.meta, "highlight", None)
            fragments = list(highlight.body) if highlight and "body" in highlight else []
            hits.append(Hit(
                doc_type=source["doc_type"],
                object_id=source["object_id"],
                title=source["title"],
                url=source["url"],
                snippet=safe_snippet(fragments[0]) if fragments else "",
                score=float(hit.meta.score or 0.0),
                extra=source.get("extra") or {},
            ))  # fmt: skip
        facets = {
            facet: {
                str(bucket["key"]): bucket["doc_count"]
                for bucket in response.aggregations[facet]["values"]["buckets"]
            }
            for facet in FACETS
        }
        return SearchResults(
            hits=hits,
            total=int(response.hits.total.value),
            facets=facets,
            page=query.page,
            per_page=query.per_page,
            backend=self.name,
        )

    def build_suggest(self, text: str, tokens, plugins, limit: int = 8) -> Search:
        field = "title.suggest"
        s = Search(using=self.client, index=self.alias)
        s = s.query(Q(
            "bool",
            must=[Q("multi_match", query=text, type="bool_prefix",
                    fields=[field, f"{field}._2gram", f"{field}._3gram"])],
            filter=self._permission_filters(tokens, plugins),
        ))  # fmt: skip
        return s.source(["doc_type", "title", "url"])[:limit]

    def suggest(self, text: str, tokens: frozenset[str], plugins: frozenset[str],
                limit: int = 8) -> list[Suggestion]:  # fmt: skip
        text = text.strip()
        if not text or limit <= 0:
            return []
        response = self.build_suggest(text, tokens, plugins, limit).execute()
        return [
            Suggestion(title=hit.title, url=hit.url, doc_type=hit.doc_type) for hit in response.hits
        ]
