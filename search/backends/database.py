"""The database backend: the index in ``search.models``, searched with SQL.

PostgreSQL: full-text search with the ``german`` configuration against the stored
``search_vector`` column (GIN index, migration 0002): ``websearch_to_tsquery``
syntax, ``ts_rank`` with the title weighted above the body, ``ts_headline``
snippets. German stemming alone does not join derived words ("Rassismus" is
``rassismus``, "rassistische" ``rassist``), so a word of the -ismus/-ist family
also matches the common prefix of the family (``rassis:*``); and it does not split
compounds, so a word also matches as the start of a lexeme ("Eltern" finds
"Elternarbeit"). Text with web-search operators (quotes, ``or``, ``-``) is taken
as typed by ``websearch_to_tsquery``.

SQLite (development, tests): every word must occur in title or body, compared on
lower-cased text with umlauts folded (ä → ae, ß → ss, accents dropped) on both
sides; a query word loses a common German ending ("Beratungsstellen" finds
"Beratungsstelle") and the same -ismus/-ist prefix applies. Title matches rank
first.

Both: only documents carrying one of the viewer's tokens, of an active plugin and
within the scope are matched, counted in facets or suggested — all inside the SQL.
Snippets are built from escaped text; the only markup in them is ``<mark>``.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Left, Replace
from django.utils.html import escape

from ..documents import IndexedDocument
from ..models import SearchEntry, SearchEntryFacet, SearchEntryToken
from ..query import FACETS, Hit, SearchQuery, SearchResults, Suggestion
from .base import SearchBackend

BATCH = 500
MAX_BODY = 100_000  # characters kept of a body (tsvector positions end at 16383 anyway)
HEADLINE_CHARS = 30_000  # ts_headline reads this much of the body
SNIPPET_CHARS = 240
PREFIX_MIN = 4  # PostgreSQL: words this long also match as the start of a compound
# Snippet markers: private-use characters, removed from every indexed text, so the
# only <mark> in a snippet is one the backend put there.
START, STOP = "\ue000", "\ue001"
_STRIP = dict.fromkeys(map(ord, "\x00" + START + STOP))

# The -ismus/-ist/-istisch family shares a prefix that stemming does not produce.
DERIVATION_SUFFIXES = (
    "istischen",
    "istischer",
    "istisches",
    "istische",
    "istisch",
    "istinnen",
    "istin",
    "isten",
    "ismus",
    "ismen",
    "ist",
)
# Endings a query word loses on SQLite (longest first; at least 4 letters remain).
INFLECTION_SUFFIXES = ("innen", "ungen", "ern", "en", "er", "es", "em", "e", "n", "s")
_FOLD = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
_PG_FOLD = {"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


# --- text helpers ----------------------------------------------------------------


def _fold_char(ch: str) -> str:
    out = []
    for c in ch.lower():
        rep = _FOLD.get(c)
        if rep is None:
            rep = "".join(
                x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)
            )
        out.append(rep)
    return "".join(out)


def fold(text: str) -> str:
    """Lower-cased, umlauts spelled out (ä → ae, ß → ss), other accents dropped."""
    return "".join(_fold_char(ch) for ch in text)


def fold_with_origin(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, per folded character, the index of its original character."""
    out, origin = [], []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def derivation_root(word: str) -> str | None:
    """``rassis`` for "rassismus", "rassistische", "Rassisten" (lower-case input)."""
    for suffix in DERIVATION_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + "is"
    return None


def sqlite_term(word: str) -> str:
    """What a folded query word must be contained in: its root or its stem."""
    root = derivation_root(word)
    if root:
        return root
    for suffix in INFLECTION_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class ParsedText:
    """A query text split into words, quoted phrases and excluded words (``-wort``).

    ``operators`` is set when the text uses web-search syntax (quotes, ``or``, ``-``).
    """

    def __init__(self, text: str):
        self.words: list[str] = []
        self.phrases: list[str] = []
        self.excluded: list[str] = []
        self.operators = False
        for negated, phrase, word in _TOKEN.findall(text):
            if word:
                if word.lower() == "or":
                    self.operators = True
                    continue
                if word.startswith("-") and len(word) > 1:
                    self.operators = True
                    self.excluded.extend(_WORD.findall(word[1:]))
                    continue
                self.words.extend(_WORD.findall(word))
            else:
                self.operators = True
                parts = _WORD.findall(phrase)
                if not parts:
                    continue
                if negated:
                    self.excluded.append(" ".join(parts))
                else:
                    self.phrases.append(" ".join(parts))

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)


def clean(text: str) -> str:
    """Text as stored: without NUL (PostgreSQL refuses it) and the snippet markers."""
    return (text or "").translate(_STRIP)


def plain_snippet(body: str) -> str:
    """The start of the body, escaped, cut at a word boundary."""
    body = " ".join(body.split())
    if len(body) <= SNIPPET_CHARS:
        return escape(body)
    cut = body[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return escape(cut) + " …"


def marked(text: str) -> str:
    """A headline with the markers as <mark>; anything else stays escaped text."""
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text.replace(START, "<mark>").replace(STOP, "</mark>")


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to the whole word(s) it lies in (as PostgreSQL marks words)."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def folded_snippet(body: str, terms: list[str]) -> str:
    """An escaped window of ``body`` around the first match of a (folded) term, every
    match in it wrapped in <mark>."""
    body = " ".join(body.split())
    folded, origin = fold_with_origin(body)
    spans = []
    for term in terms:
        if not term:
            continue
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append(_word_around(body, origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    if not spans:
        return plain_snippet(body)
    spans.sort()
    first = spans[0][0]
    begin = 0 if first < SNIPPET_CHARS // 3 else body.rfind(" ", 0, first - SNIPPET_CHARS // 3) + 1
    finish = min(len(body), begin + SNIPPET_CHARS)
    if finish < len(body):
        space = body.rfind(" ", spans[0][1], finish)
        finish = space if space > 0 else finish
    parts, pos = [], begin
    for start, end in spans:
        if start < pos or end > finish:
            continue
        parts.append(escape(body[pos:start]))
        parts.append(f"<mark>{escape(body[start:end])}</mark>")
        pos = end
    parts.append(escape(body[pos:finish]))
    return ("… " if begin else "") + "".join(parts) + (" …" if finish < len(body) else "")


# --- PostgreSQL expressions ------------------------------------------------------------


def _search_vector_field():
    from django.contrib.postgres.search import SearchVectorField

    return SearchVectorField()


class StoredVector(Expression):
    """The generated ``search_vector`` column of the query's own table (also inside
    subqueries, whose table alias differs)."""

    def __init__(self):
        super().__init__(output_field=_search_vector_field())

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


def pg_query(parsed: ParsedText, text: str):
    """The tsquery of ``text``: web-search syntax as typed; otherwise every word (its
    stem, the word as the start of a compound and, for the -ismus family, the
    family's prefix ``rassis:*``)."""
    from django.contrib.postgres.search import SearchQuery as TsQuery

    if parsed.operators:
        return TsQuery(text, config="german", search_type="websearch")
    combined = None
    for word in parsed.words:
        term = TsQuery(word, config="german", search_type="plain")
        pg_word = "".join(_PG_FOLD.get(c, c) for c in word.lower())
        if len(pg_word) >= PREFIX_MIN and pg_word.isalpha():
            # The word as the start of a compound ("Eltern" finds "Elternarbeit"): the
            # stemmer keeps compounds whole, folding umlauts as done here.
            term = term | TsQuery(f"{pg_word}:*", config="simple", search_type="raw")
        root = derivation_root(pg_word)
        if root and root.isalpha():
            term = term | TsQuery(f"{root}:*", config="simple", search_type="raw")
        combined = term if combined is None else combined & term
    return combined


def escaped_sql(expression):
    """``expression`` HTML-escaped in SQL (as ``django.utils.html.escape`` does)."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                         ("'", "&#x27;")):  # fmt: skip
        expression = Replace(expression, Value(char), Value(entity))
    return expression


# --- the backend ------------------------------------------------------------------


class DatabaseBackend(SearchBackend):
    """Search in the database this platform runs on (see the module docstring)."""

    name = "database"

    @property
    def postgres(self) -> bool:
        return connection.vendor == "postgresql"

    # writing

    def index(self, documents: Iterable[IndexedDocument]) -> int:
        written = 0
        batch: dict[str, IndexedDocument] = {}
        for document in documents:
            batch[document.key] = document
            if len(batch) >= BATCH:
                written += self._write(batch)
                batch = {}
        if batch:
            written += self._write(batch)
        return written

    def _write(self, batch: dict[str, IndexedDocument]) -> int:
        postgres = self.postgres
        entries, tokens, facets = [], [], []
        for document in batch.values():
            title, body = clean(document.title), clean(document.body)[:MAX_BODY]
            entries.append(
                SearchEntry(
                    key=document.key,
                    doc_type=document.doc_type,
                    plugin=document.plugin,
                    object_id=document.object_id,
                    title=title,
                    body=body,
                    url=document.url,
                    updated_at=document.updated_at,
                    extra=document.extra or {},
                    bundesland=document.bundesland or "",
                    folded_title=fold(title),
                    folded_body="" if postgres else fold(body),
                )
            )
        with transaction.atomic():
            SearchEntry.objects.filter(key__in=list(batch)).delete()
            SearchEntry.objects.bulk_create(entries)
            for entry, document in zip(entries, batch.values(), strict=True):
                tokens.extend(
                    SearchEntryToken(entry=entry, token=token) for token in set(document.access)
                )
                values = {("type", document.doc_type)}
                values.update(("module_area", code) for code in document.module_areas)
                values.update(("topic", slug) for slug in document.topics)
                if document.bundesland:
                    values.add(("bundesland", document.bundesland))
                facets.extend(
                    SearchEntryFacet(entry=entry, facet=facet, value=value)
                    for facet, value in values
                )
            SearchEntryToken.objects.bulk_create(tokens, batch_size=BATCH)
            SearchEntryFacet.objects.bulk_create(facets, batch_size=BATCH)
        return len(entries)

    def delete(self, keys: Iterable[str]) -> int:
        keys = list(dict.fromkeys(keys))
        deleted = 0
        for start in range(0, len(keys), BATCH):
            _total, per_model = SearchEntry.objects.filter(
                key__in=keys[start : start + BATCH]
            ).delete()
            deleted += per_model.get(SearchEntry._meta.label, 0)
        return deleted

    def rebuild(self, documents: Iterable[IndexedDocument],
                progress: Callable | None = None) -> int:  # fmt: skip
        """Replace the whole index by ``documents`` in one transaction (readers see the
        old index until it commits). ``progress(n)`` is called with the count so far."""
        written = 0
        with transaction.atomic():
            with connection.cursor() as cursor:
                for model in (SearchEntryToken, SearchEntryFacet, SearchEntry):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 - table names from the models
            batch: dict[str, IndexedDocument] = {}
            for document in documents:
                batch[document.key] = document
                if len(batch) >= BATCH:
                    written += self._write(batch)
                    batch = {}
                    if progress:
                        progress(written)
            if batch:
                written += self._write(batch)
        if progress:
            progress(written)
        return written

    def count(self) -> int:
        return SearchEntry.objects.count()

    def counts_by_type(self) -> dict[str, int]:
        """Entries per doc type (for ``search_index status``)."""
        rows = SearchEntry.objects.values("doc_type").annotate(n=Count("pk")).order_by("doc_type")
        return {row["doc_type"]: row["n"] for row in rows}

    def keys(self, doc_types: Iterable[str] | None = None) -> set[str]:
        """The keys held (of ``doc_types``, if given)."""
        entries = SearchEntry.objects.all()
        if doc_types is not None:
            entries = entries.filter(doc_type__in=list(doc_types))
        return set(entries.values_list("key", flat=True))

    # reading

    @staticmethod
    def permitted(tokens, plugins):
        """Entries a viewer with ``tokens`` finds among the ``plugins``' documents."""
        if not tokens or not plugins:
            return SearchEntry.objects.none()
        allowed = SearchEntryToken.objects.filter(entry=OuterRef("pk"), token__in=sorted(tokens))
        return SearchEntry.objects.filter(Exists(allowed), plugin__in=sorted(plugins))

    @staticmethod
    def _facet_filter(entries, facet: str, values):
        if facet == "type":
            return entries.filter(doc_type__in=values)
        if facet == "bundesland":
            return entries.filter(bundesland__in=values)
        rows = SearchEntryFacet.objects.filter(entry=OuterRef("pk"), facet=facet, value__in=values)
        return entries.filter(Exists(rows))

    def _match(self, entries, parsed: ParsedText, text: str):
        """``entries`` narrowed to those matching the text (plus their rank/score)."""
        if self.postgres:
            from django.contrib.postgres.search import SearchRank

            tsquery = pg_query(parsed, text)
            entries = entries.alias(vector=StoredVector()).filter(vector=tsquery)
            rank = SearchRank(StoredVector(), tsquery, weights=[0.1, 0.2, 0.4, 1.0],
                              normalization=Value(1))  # fmt: skip
            return entries, rank, tsquery
        score = Value(0)
        terms = [sqlite_term(fold(word)) for word in parsed.words]
        terms += [fold(phrase) for phrase in parsed.phrases]
        for term in terms:
            in_title = Q(folded_title__contains=term)
            entries = entries.filter(in_title | Q(folded_body__contains=term))
            score = (
                score
                + Case(When(in_title, then=Value(10)), default=Value(0))
                + Case(When(folded_body__contains=term, then=Value(1)), default=Value(0))
            )
        for word in parsed.excluded:
            term = fold(word)
            entries = entries.exclude(folded_title__contains=term).exclude(
                folded_body__contains=term
            )
        return entries, score, terms

    def search(self, query: SearchQuery) -> SearchResults:
        text = query.text.strip()
        parsed = ParsedText(text)
        filters = {
            facet: tuple(values) for facet, values in query.filters.items()
            if facet in FACETS and values
        }  # fmt: skip
        facets: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}

        def empty():
            return SearchResults(hits=[], total=0, facets=facets, page=query.page,
                                 per_page=query.per_page, backend=self.name)  # fmt: skip

        if text and parsed.empty:
            return empty()
        base = self.permitted(query.tokens, query.plugins)
        if query.scope:
            base = base.filter(doc_type__in=list(query.scope))
        rank = matcher = None
        if text:
            base, rank, matcher = self._match(base, parsed, text)

        if self.postgres:
            return self._pg_search(query, base, rank, matcher, filters, facets)

        def narrowed(skip: str | None = None):
            entries = base
            for facet, values in filters.items():
                if facet != skip:
                    entries = self._facet_filter(entries, facet, values)
            return entries

        # Facet counts: each filtered facet is counted under the *other* filters;
        # the facets without a filter share one query under all of them.
        for facet in filters:
            rows = (
                SearchEntryFacet.objects.filter(facet=facet, entry__in=narrowed(facet).values("pk"))
                .values("value")
                .annotate(n=Count("entry_id"))
            )
            facets[facet] = {row["value"]: row["n"] for row in rows}
        rest = [facet for facet in FACETS if facet not in filters]
        rows = (
            SearchEntryFacet.objects.filter(facet__in=rest, entry__in=narrowed().values("pk"))
            .values("facet", "value")
            .annotate(n=Count("entry_id"))
        )
        for row in rows:
            facets[row["facet"]][row["value"]] = row["n"]
        facets = {
            facet: dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
            for facet, counts in facets.items()
        }
        # Every entry has exactly one "type" row, so the type counts give the total.
        types = filters.get("type")
        total = sum(n for value, n in facets["type"].items() if types is None or value in types)
        if not total:
            return empty()

        entries = narrowed()
        if rank is None:
            entries = entries.annotate(score=Value(0.0)).order_by("-updated_at", "-pk")
        else:
            entries = entries.annotate(score=rank).order_by("-score", "-updated_at", "-pk")
        offset = (max(1, query.page) - 1) * query.per_page
        fields = ["pk", "doc_type", "object_id", "title", "url", "extra", "score"]
        if not self.postgres or rank is None:
            fields.append("body")
        rows = list(entries.values(*fields)[offset : offset + query.per_page])
        snippets = self._snippets(rows, matcher, rank is not None)
        hits = [
            Hit(
                doc_type=row["doc_type"],
                object_id=row["object_id"],
                title=row["title"],
                url=row["url"],
                snippet=snippets.get(row["pk"], ""),
                score=float(row["score"]),
                extra=row["extra"] or {},
            )
            for row in rows
        ]
        return SearchResults(hits=hits, total=total, facets=facets, page=query.page,
                             per_page=query.per_page, backend=self.name)  # fmt: skip

    def _pg_search(self, query, base, rank, matcher, filters, facets) -> SearchResults:
        """PostgreSQL: the permitted matches (with their rank and one flag per facet
        filter) are computed once, in a materialised CTE, and both the facet counts and
        the ranked page are read from it in one statement; the page's fields and
        headlines follow by primary key."""
        flags = {}
        for number, (facet, values) in enumerate(filters.items()):
            name = f"ok_{number}"
            if facet == "type":
                flags[facet] = (name, Q(doc_type__in=values))
            elif facet == "bundesland":
                flags[facet] = (name, Q(bundesland__in=values))
            else:
                rows = SearchEntryFacet.objects.filter(facet=facet, value__in=values)
                # IN, not EXISTS: one hashed subplan, not a probe per match.
                flags[facet] = (name, Q(pk__in=rows.values("entry_id")))
        score = Value(0.0) if rank is None else rank
        matches = base.annotate(
            score=score,
            **{
                name: ExpressionWrapper(condition, output_field=BooleanField())
                for name, condition in flags.values()
            },
        ).values(
            "pk",
            "updated_at",
            "doc_type",
            "bundesland",
            "score",
            *(name for name, _ in flags.values()),
        )
        try:
            matches_sql, matches_params = matches.query.sql_with_params()
        except EmptyResultSet:  # no tokens or no plugins
            return SearchResults(hits=[], total=0, facets=facets, page=query.page,
                                 per_page=query.per_page, backend=self.name)  # fmt: skip

        def all_flags(skip: str | None = None) -> str:
            names = [f"m.{name}" for facet, (name, _) in flags.items() if facet != skip]
            return " AND ".join(names) or "TRUE"

        # Each filtered facet is counted under the *other* filters; the facets without
        # a filter under all of them. "type" and "bundesland" are columns of the entry
        # as well (one type per entry; the Bundesland if set), so only the other facets
        # need the facet rows.
        params: list = list(matches_params)
        parts = [
            "SELECT %s::text, m.doc_type, COUNT(*), NULL::bigint, NULL::float8 FROM m "  # noqa: S608
            f"WHERE {all_flags('type')} GROUP BY m.doc_type",
            "SELECT %s::text, m.bundesland, COUNT(*), NULL::bigint, NULL::float8 FROM m "  # noqa: S608
            f"WHERE m.bundesland <> '' AND {all_flags('bundesland')} GROUP BY m.bundesland",
        ]
        params += ["type", "bundesland"]
        conditions, row_params = [], []
        for facet in (facet for facet in FACETS if facet not in ("type", "bundesland")):
            conditions.append(f"(f.facet = %s AND {all_flags(facet)})")
            row_params.append(facet)
        facet_table = connection.ops.quote_name(SearchEntryFacet._meta.db_table)
        parts.append(
            "SELECT f.facet, f.value, COUNT(*), NULL::bigint, NULL::float8 "  # noqa: S608 - see below
            f"FROM m JOIN {facet_table} f ON f.entry_id = m.pk "
            f"WHERE {' OR '.join(conditions)} GROUP BY f.facet, f.value"
        )
        params += row_params
        offset = (max(1, query.page) - 1) * query.per_page
        params += [query.per_page, offset]
        # Only SQL built by Django and the names above; values are parameters.
        sql = (
            f"WITH m AS MATERIALIZED ({matches_sql}) "  # noqa: S608
            + " UNION ALL ".join(parts)
            + " UNION ALL (SELECT NULL, NULL, NULL, m.pk, m.score::float8 FROM m "  # noqa: S608
            f"WHERE {all_flags()} ORDER BY m.score DESC, m.updated_at DESC, m.pk DESC "
            "LIMIT %s OFFSET %s)"
        )
        page: list[tuple[int, float]] = []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for facet, value, n, pk, row_score in cursor.fetchall():
                if facet is None:
                    page.append((pk, row_score))
                else:
                    facets[facet][value] = n
        facets = {
            facet: dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
            for facet, counts in facets.items()
        }
        types = filters.get("type")
        total = sum(n for value, n in facets["type"].items() if types is None or value in types)
        if not total:
            page = []
        fields = ["pk", "doc_type", "object_id", "title", "url", "extra"]
        if rank is None:
            fields.append("body")
        found = SearchEntry.objects.filter(pk__in=[pk for pk, _ in page])
        if rank is not None:
            found = found.annotate(headline=self._headline(matcher))
            fields.append("headline")
        by_pk = {row["pk"]: row for row in found.values(*fields)}
        hits = []
        for pk, row_score in page:
            row = by_pk.get(pk)
            if row is None:  # deleted in between
                continue
            snippet = plain_snippet(row["body"]) if rank is None else marked(row["headline"])
            hits.append(
                Hit(
                    doc_type=row["doc_type"],
                    object_id=row["object_id"],
                    title=row["title"],
                    url=row["url"],
                    snippet=snippet,
                    score=float(row_score),
                    extra=row["extra"] or {},
                )
            )
        return SearchResults(hits=hits, total=total, facets=facets, page=query.page,
                             per_page=query.per_page, backend=self.name)  # fmt: skip

    @staticmethod
    def _headline(matcher):
        from django.contrib.postgres.search import SearchHeadline

        return SearchHeadline(
            escaped_sql(Left(F("body"), HEADLINE_CHARS)),
            matcher,
            config="german",
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )

    def _snippets(self, rows, matcher, matched: bool) -> dict[int, str]:
        if not matched:
            return {row["pk"]: plain_snippet(row["body"]) for row in rows}
        if not self.postgres:
            return {row["pk"]: folded_snippet(row["body"], matcher) for row in rows}
        headline = self._headline(matcher)
        found = SearchEntry.objects.filter(pk__in=[row["pk"] for row in rows]).annotate(
            headline=headline
        )
        return {pk: marked(text) for pk, text in found.values_list("pk", "headline")}

    def suggest(self, text: str, tokens: frozenset[str], plugins: frozenset[str],
                limit: int = 8) -> list[Suggestion]:  # fmt: skip
        prefix = " ".join(fold(text).split())
        if len(prefix) < 2:
            return []
        starts = Q(folded_title__startswith=prefix)
        entries = (
            self.permitted(tokens, plugins)
            .filter(
                starts
                | Q(folded_title__contains=f" {prefix}")
                | Q(folded_title__contains=f"-{prefix}")
            )
            .annotate(
                first=Case(
                    When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("first", "-updated_at", "-pk")
            .values("title", "url", "doc_type")[:limit]
        )
        return [Suggestion(**row) for row in entries]
