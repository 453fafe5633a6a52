"""Reads of the toolbox's resources, permission-checked (``toolbox.access``).

Browsing takes its input from GET parameters with German names, so every filtered
view has a shareable URL::

    ?q=pressemitteilung&art=template&situation=acute&kanal=press&sprache=de&seite=2

Every metadata field is a facet (the publisher with the values the resources have,
the review date as "reviewed within 12 months" / "not for 12 months or never").
Several values of one facet are alternatives (OR), different facets narrow each
other (AND). Each facet's counts are computed under all *other* active filters
(and the search text), so a count says how many resources
ticking that box (in addition) gives. Junk (an unknown kind, page "x") is reported
in ``problems`` and ignored; the view answers 400 with the page of the rest.

The pattern is the alliance directory's (``alliance.selectors``). Unlike there, all
facet counts and the total come from ONE query: every count is a conditional
aggregate ``COUNT(*) FILTER (WHERE <other filters> AND field = value)`` over the
resources the viewer may read, grouped by the publisher (whose values are not
known in advance). The fields are plain columns with few choices, so this is
cheaper than a GROUP BY per facet. A list page costs: the viewer (1, logged-in
only), counts (1), the page of results (1).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komma.core.facets import Facet, FacetOption, params_with, querystring
from komma.core.text import refused_character

from .access import toolbox_viewer, visible_resources
from .models import (
    STALE_AFTER_DAYS,
    Audience,
    Channel,
    ChecklistItem,
    FaqEntry,
    Feedback,
    Format,
    Kind,
    Language,
    Licence,
    Resource,
    ReviewStatus,
    Situation,
    TemplatePlaceholder,
    TemplateType,
    Visibility,
)

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8


class ReviewAge(models.TextChoices):
    """How long ago a resource was reviewed (``Resource.is_stale``), as a filter."""

    RECENT = "aktuell", gettext_lazy("reviewed within the last 12 months")
    STALE = "veraltet", gettext_lazy("not reviewed for 12 months, or never")


def _review_age_q(value: str) -> Q:
    # The same rule as ``Resource.is_stale`` and ``stale_resources``, in SQL.
    recent = Q(last_reviewed__gte=stale_cutoff())
    return recent if value == ReviewAge.RECENT else ~recent | Q(last_reviewed__isnull=True)


@dataclass(frozen=True)
class FacetSpec:
    """One filterable metadata field: its GET name, model field, label and choices.

    ``choices`` is a ``TextChoices`` class, or None for a field whose values are the
    ones stored (the publisher: free text, offered as the resources have it).
    ``condition`` turns a value into a filter when the value is not stored as such
    (the review age, derived from ``last_reviewed``).
    """

    param: str
    field: str
    label: object  # lazy string
    choices: type | None
    condition: Callable[[str], Q] | None = None

    def q(self, value: str) -> Q:
        if self.condition is not None:
            return self.condition(value)
        return Q(**{self.field: value})

    def q_any(self, values: list[str]) -> Q:
        if self.condition is None:
            return Q(**{f"{self.field}__in": values})
        condition = Q(pk__in=[])
        for value in values:
            condition |= self.q(value)
        return condition


# In the order shown on the page. GET names are German (shareable, readable URLs);
# values are the stored codes.
FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("art", "kind", gettext_lazy("Kind"), Kind),
    FacetSpec("situation", "situation", gettext_lazy("Situation"), Situation),
    FacetSpec("kanal", "channel", gettext_lazy("Channel"), Channel),
    FacetSpec("vorlage", "template_type", gettext_lazy("Template type"), TemplateType),
    FacetSpec("zielgruppe", "audience", gettext_lazy("Audience"), Audience),
    FacetSpec("format", "format", gettext_lazy("Format"), Format),
    FacetSpec("sprache", "language", gettext_lazy("Language"), Language),
    FacetSpec("lizenz", "licence", gettext_lazy("Licence"), Licence),
    FacetSpec("herausgeber", "publisher", gettext_lazy("Publisher"), None),
    FacetSpec("pruefung", "review_status", gettext_lazy("Review status"), ReviewStatus),
    FacetSpec("geprueft", "last_reviewed", gettext_lazy("Last review"), ReviewAge, _review_age_q),
    FacetSpec("sichtbarkeit", "visibility", gettext_lazy("Visibility"), Visibility),
)
# The one facet whose options are the stored values: counted per group (see _counts).
STORED_VALUES_FACET = next(spec for spec in FACETS if spec.choices is None)
PUBLISHER_MAX_LENGTH = Resource._meta.get_field("publisher").max_length
FACET_BY_PARAM = {spec.param: spec for spec in FACETS}


@dataclass
class ResourceQuery:
    """A parsed browse request (only valid values)."""

    text: str = ""
    chosen: dict[str, list[str]] = field(default_factory=dict)  # param -> values
    page: int = 1

    def params(self, **overrides) -> list[tuple[str, str]]:
        """The query as GET parameters, with ``overrides`` (a list, a value or [])."""
        values: dict[str, list[str]] = {"q": [self.text] if self.text else []}
        for spec in FACETS:
            values[spec.param] = list(self.chosen.get(spec.param, []))
        values["seite"] = [str(self.page)] if self.page > 1 else []
        return params_with(values, **overrides)

    def querystring(self, **overrides) -> str:
        return querystring(self.params(**overrides))

    @property
    def has_filters(self) -> bool:
        return bool(self.text or any(self.chosen.values()))


def _many(get, name) -> list[str]:
    values = get.getlist(name) if hasattr(get, "getlist") else get.get(name, [])
    if isinstance(values, str):
        values = [values]
    return [v.strip() for v in values if v and v.strip()]


def parse_resource_query(get) -> tuple[ResourceQuery, list[str]]:
    """Parse GET parameters; junk is reported in the problems and left out."""
    query = ResourceQuery()
    problems: list[str] = []

    text = get.get("q") or ""
    text = " ".join(text.split())
    if "\x00" in text:
        problems.append(_("Null characters are not allowed in the search text."))
    elif len(text) > MAX_QUERY_LENGTH:
        problems.append(
            _("The search text is longer than %(limit)d characters.") % {"limit": MAX_QUERY_LENGTH}
        )
    else:
        query.text = text

    for spec in FACETS:
        valid = []
        for value in _many(get, spec.param):
            if spec.choices is None:
                # A stored value: any publisher may be asked for (an unknown one
                # finds nothing), as long as it could be stored.
                if len(value) <= PUBLISHER_MAX_LENGTH and refused_character(value) is None:
                    valid.append(value)
                else:
                    problems.append(
                        _("“%(value)s” is not a valid choice for “%(facet)s”.")
                        % {"value": value[:40], "facet": spec.label}
                    )
            elif value in spec.choices.values:
                valid.append(value)
            else:
                problems.append(
                    _("“%(value)s” is not a valid choice for “%(facet)s”.")
                    % {"value": value[:40], "facet": spec.label}
                )
        if valid:
            query.chosen[spec.param] = list(dict.fromkeys(valid))

    page = (get.get("seite") or "").strip()
    if page:
        if page.isdigit() and 1 <= int(page) <= 10_000:
            query.page = int(page)
        else:
            problems.append(_("“%(value)s” is not a page number.") % {"value": page[:40]})

    # Unknown parameter names are ignored, not reported: links shared on social media
    # come back with tracking parameters (fbclid, utm_*), and they should still work.
    return query, problems


def _text_q(text: str) -> Q:
    """Every word in the title, summary, template text or an FAQ question
    (case-insensitive).

    Not in ``body``: it is rich-text HTML, and a substring search in it matches the
    markup (``strong``, ``href``, link addresses) as well as the words. There is no
    plain-text copy of it to search (that would need a column), so the body's words
    are found by the site-wide search (``toolbox.search`` indexes it without tags).
    The FAQ questions are an ``EXISTS`` subquery in the same query, so counts and
    the page cost no extra query and a resource is never counted twice.
    """
    condition = Q()
    for word in text.split()[:MAX_WORDS]:
        in_question = Exists(
            FaqEntry.objects.filter(resource=OuterRef("pk"), question__icontains=word)
        )
        condition &= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(template_text__icontains=word)
            | Q(in_question)
        )
    return condition


def _facet_q(query: ResourceQuery, skip: str = "") -> Q:
    """The facet filters of ``query`` except the facet ``skip``."""
    condition = Q()
    for spec in FACETS:
        values = query.chosen.get(spec.param)
        if values and spec.param != skip:
            condition &= spec.q_any(values)
    return condition


def _counts(base, query: ResourceQuery, levels) -> tuple[int, list[Facet]]:
    """The total and every facet's counts, in one aggregate query.

    The query is grouped by the publisher (the one facet whose options are the
    stored values, ``STORED_VALUES_FACET``): each row gives that publisher's count
    under the other filters, and the other counts are the sums over the rows. There
    are few publishers, so this stays one small query.
    """
    grouped = STORED_VALUES_FACET
    everything = Q(pk__isnull=False)
    aggregates = {"total": Count("pk", filter=_facet_q(query) or everything)}
    shown: dict[str, list[tuple[str, str]]] = {}
    for index, spec in enumerate(FACETS):
        others = _facet_q(query, skip=spec.param)
        if spec is grouped:
            aggregates[f"f{index}"] = Count("pk", filter=others or everything)
            continue
        chosen = query.chosen.get(spec.param, [])
        options = [
            (value, label)
            for value, label in spec.choices.choices
            # A viewer is offered only the visibility levels they can read.
            if spec.field != "visibility" or value in levels or value in chosen
        ]
        shown[spec.param] = options
        for number, (value, _label) in enumerate(options):
            aggregates[f"f{index}_{number}"] = Count("pk", filter=others & spec.q(value))
    rows = list(base.order_by().values(grouped.field).annotate(**aggregates))
    totals = {key: sum(row[key] for row in rows) for key in aggregates}
    facets = []
    for index, spec in enumerate(FACETS):
        chosen = query.chosen.get(spec.param, [])
        if spec is grouped:
            counts = {row[spec.field]: row[f"f{index}"] for row in rows}
            for value in chosen:
                counts.setdefault(value, 0)
            options = [
                FacetOption(value, value, counts[value], value in chosen)
                for value in sorted(counts, key=str.casefold)
            ]
        else:
            options = [
                FacetOption(value, str(label), totals[f"f{index}_{number}"], value in chosen)
                for number, (value, label) in enumerate(shown[spec.param])
            ]
        facets.append(Facet(spec.param, str(spec.label), options))
    return totals["total"], facets


class _CountedPaginator(Paginator):
    """A paginator whose total is already known (from the facet query)."""

    def __init__(self, object_list, per_page, total):
        super().__init__(object_list, per_page)
        self._total = total

    @cached_property
    def count(self):
        return self._total


@dataclass
class ResourceSearch:
    query: ResourceQuery
    problems: list[str]
    page: object  # django Page
    total: int
    facets: list[Facet]
    viewer: object

    @property
    def results(self):
        return self.page.object_list


# Only what a result card shows: the body and template text can be long.
CARD_FIELDS = (
    "pk", "title", "slug", "kind", "template_type", "summary", "situation", "channel",
    "audience", "format", "language", "visibility", "review_status", "last_reviewed",
    "view_count", "use_count", "download_count", "helpful_count", "not_helpful_count",
)  # fmt: skip


def search_resources(user, get) -> ResourceSearch:
    """The published resources ``user`` may read that match the GET parameters ``get``,
    with facet counts and one page of results."""
    viewer = toolbox_viewer(user)
    query, problems = parse_resource_query(get)
    base = visible_resources(user)
    if query.text:
        base = base.filter(_text_q(query.text))
    total, facets = _counts(base, query, viewer.levels)
    qs = base.filter(_facet_q(query)).only(*CARD_FIELDS).order_by("title", "pk")
    paginator = _CountedPaginator(qs, PAGE_SIZE, total)
    if query.page > max(paginator.num_pages, 1):
        problems.append(
            _("There is no page %(number)d; showing the first page.") % {"number": query.page}
        )
        query.page = 1
    page = paginator.page(query.page)
    return ResourceSearch(
        query=query, problems=problems, page=page, total=total, facets=facets, viewer=viewer
    )


def resource_parts(resource: Resource) -> dict:
    """The parts the resource's kind uses, each one query (none for guides)."""
    parts = {"placeholders": [], "items": [], "faq_entries": []}
    if resource.kind == Kind.TEMPLATE:
        parts["placeholders"] = list(TemplatePlaceholder.objects.filter(resource=resource))
    elif resource.kind == Kind.CHECKLIST:
        parts["items"] = list(ChecklistItem.objects.filter(resource=resource))
    elif resource.kind == Kind.FAQ:
        parts["faq_entries"] = list(FaqEntry.objects.filter(resource=resource))
    return parts


def own_vote(user, resource: Resource) -> bool | None:
    """``user``'s "helpful" vote on ``resource`` (None: no vote or anonymous)."""
    if not user.is_authenticated:
        return None
    return (
        Feedback.objects.filter(resource=resource, user=user)
        .values_list("helpful", flat=True)
        .first()
    )


def stale_cutoff():
    return timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)


def stale_resources():
    """Resources not reviewed for ``STALE_AFTER_DAYS`` (or never), oldest first; the
    same rule as ``Resource.is_stale``, in SQL. For the editors' dashboard."""
    return Resource.objects.filter(
        Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=stale_cutoff())
    ).order_by(F("last_reviewed").asc(nulls_first=True), "title")
