"""The global search page (``/suche/``), its areas (``?bereich=``) and the JSON
suggestions of the search box (``/suche/vorschlaege/``).

Who may find what is decided inside the backend's query, by the viewer's access
tokens (``search.access``); this module only passes them on and shows what comes
back. The one HTML the backend produces, a hit's snippet, is marked safe in exactly
one place (``safe_snippet``).
"""

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from komma.core.ratelimit import allow

from . import registry, service
from .access import viewer_tokens
from .forms import FILTERS, SearchForm, printable
from .query import MAX_QUERY_LENGTH, SearchQuery, SearchResults

logger = logging.getLogger(__name__)

MIN_SUGGEST_LENGTH = 2
SUGGESTIONS = 8
# Typing fires a request every few keystrokes: generous, but a scraper is slowed down.
SUGGESTIONS_PER_MINUTE = 120


def enabled_plugin_ids() -> frozenset[str]:
    """The plugins whose documents may be found: the switched-on ones and the core."""
    from plugins.registry import plugin_states

    return frozenset(pid for pid, on in plugin_states().items() if on) | {"core"}


# A tag other than <mark> / </mark> (the backend escapes the text it highlights).
_NOT_MARK = re.compile(r"<(?!/?mark>)")


def safe_snippet(snippet: str) -> SafeString:
    """The backend's snippet, marked safe.

    The backends build it from escaped text and add only ``<mark>``/``</mark>``; any
    other ``<`` would be a backend bug and is escaped here, so no markup but the
    highlight can reach the page.
    """
    # Reviewed: escaped text plus <mark>/</mark> only (see above).
    return mark_safe(_NOT_MARK.sub("&lt;", snippet))


@dataclass(frozen=True)
class Option:
    """One value of a facet, as a checkbox."""

    value: str
    label: str
    count: int
    checked: bool


@dataclass(frozen=True)
class Facet:
    """A facet with the values worth offering: those with hits, and those chosen."""

    name: str  # the URL parameter
    label: str
    options: list[Option]
    chosen: int


@dataclass(frozen=True)
class ActiveFilter:
    """A chosen filter value (or the area), with the URL that removes just it."""

    label: str
    remove_url: str


def encode(text: str, area: str, filters: dict, page: int | None = None) -> str:
    """The query string of a search (stable order, so equal searches share one URL)."""
    pairs = []
    if text:
        pairs.append(("q", text))
    if area:
        pairs.append(("bereich", area))
    pairs.extend((name, value) for name in FILTERS for value in sorted(filters.get(name, ())))
    if page and page > 1:
        pairs.append(("seite", page))
    return urlencode(pairs)


def build_facets(form: SearchForm, filters: dict, results: SearchResults | None) -> list[Facet]:
    """Checkboxes with counts; values without hits are left out unless chosen."""
    facets = []
    for name, facet in FILTERS.items():
        counts = results.facets.get(facet, {}) if results is not None else {}
        chosen = set(filters.get(name, ()))
        options = [
            Option(str(value), str(label), counts.get(value, 0), value in chosen)
            for value, label in form.fields[name].choices
            if counts.get(value, 0) > 0 or value in chosen
        ]
        if options:
            facets.append(Facet(name, str(form.fields[name].label), options, len(chosen)))
    return facets


def active_filters(form: SearchForm, text: str, area: str, filters: dict) -> list[ActiveFilter]:
    """The chosen values and the area with their labels, each removable on its own."""
    chosen = []
    if area:
        chosen.append(ActiveFilter(form.areas[area][0], "?" + encode(text, "", filters)))
    for name, values in filters.items():
        labels = dict(form.fields[name].choices)
        for value in values:
            rest = {
                k: [v for v in vs if not (k == name and v == value)] for k, vs in filters.items()
            }
            chosen.append(
                ActiveFilter(str(labels.get(value, value)), "?" + encode(text, area, rest))
            )
    return chosen


def event_start(extra: dict):
    """When an event starts (its document's ``extra["start"]``, ISO 8601), if given."""
    try:
        return parse_datetime(str(extra.get("start") or ""))
    except (TypeError, ValueError):
        return None


def run_search(query: SearchQuery) -> SearchResults | None:
    """The results, or ``None`` when search failed (the page says so; never a 5xx)."""
    try:
        return service.search(query)
    except Exception:  # both backends failed: a message, not an error page
        logger.exception("search failed")
        return None


@require_GET
def search_page(request):
    """The search page. Without text and filters it shows just the form."""
    classes = registry.document_classes()
    form = SearchForm(request.GET, classes=classes)
    form.is_valid()
    problems = form.problems()
    # The junk is ignored and named in one message (linked to the form); the controls
    # show what is in use, not an invalid state of every checkbox.
    form.errors.clear()
    text, area, page = form.text(), form.area(), form.page()
    filters = form.valid_filters()

    results, failed = None, False
    if text or filters:
        query = SearchQuery(
            text=text,
            tokens=viewer_tokens(request.user),
            plugins=enabled_plugin_ids(),
            filters={FILTERS[name]: tuple(values) for name, values in filters.items()},
            scope=form.areas[area][1] if area else (),
            page=page,
        )
        results = run_search(query)
        if results is not None and results.total and page > results.pages:
            problems.append(
                _("There is no page %(number)s of these results; showing the first page.")
                % {"number": page}
            )
            page = 1
            results = run_search(replace(query, page=1))
        failed = results is None

    labels = form.type_labels
    hits = [
        {
            "hit": hit,
            "label": labels.get(hit.doc_type, ""),
            "snippet": safe_snippet(hit.snippet),
            "start": event_start(hit.extra),
        }
        for hit in (results.hits if results else ())
    ]
    pages = results.pages if results else 1
    context = {
        "form": form,
        "text": text,
        "area": area,
        "area_label": form.areas[area][0] if area else "",
        "filters": filters,
        "searched": results is not None,
        "failed": failed,
        "results": results,
        "hits": hits,
        "facets": build_facets(form, filters, results),
        "active_filters": active_filters(form, text, area, filters),
        "problems": problems,
        "page_number": page,
        "pages": pages,
        "previous_url": "?" + encode(text, area, filters, page - 1) if page > 1 else None,
        "next_url": "?" + encode(text, area, filters, page + 1) if page < pages else None,
        "reset_url": "?" + encode(text, area, {}),
        "whole_platform_url": "?" + encode(text, "", filters),
        "first_number": (page - 1) * (results.per_page if results else 1) + 1,
        "max_length": MAX_QUERY_LENGTH,
        # What was typed, as typed, for correcting it (without control characters).
        "typed": printable(request.GET.get("q", ""), 4 * MAX_QUERY_LENGTH),
    }
    response = TemplateResponse(
        request, "search/search.html", context, status=400 if problems else 200
    )
    # What a viewer finds depends on who they are: never kept in a shared cache.
    patch_cache_control(response, private=True)
    return response


def _client_key(request) -> str:
    """Who the rate limit counts: the member, or a hash of the client's address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ImproperlyConfigured, PermissionDenied

    try:
        ip = get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no address: one shared count
        ip = "unknown"
    return "ip:" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    patch_cache_control(response, private=True, max_age=60)
    patch_vary_headers(response, ("Cookie",))
    return response


@require_GET
def suggestions(request):
    """``{"suggestions": [{"title", "url", "type"}]}`` for the search box.

    Fewer than two characters: no suggestions. Too long or with NUL characters: 400
    with a message. Too many requests: 429. Only titles, addresses and type labels
    are returned, permission-filtered like the search; nothing about the viewer.
    """
    text = " ".join(request.GET.get("q", "").split())
    if "\x00" in text:
        return _json({"suggestions": [], "error": _("Null characters are not allowed.")}, 400)
    if len(text) > MAX_QUERY_LENGTH:
        message = _("The search text is too long: at most %(limit)d characters are allowed.")
        return _json({"suggestions": [], "error": message % {"limit": MAX_QUERY_LENGTH}}, 400)
    if len(text) < MIN_SUGGEST_LENGTH:
        return _json({"suggestions": []})
    if not allow("search_suggest", _client_key(request), SUGGESTIONS_PER_MINUTE, 60):
        response = _json(
            {"suggestions": [], "error": _("Too many requests. Please wait a moment.")}, 429
        )
        response["Retry-After"] = "60"
        return response
    try:
        found = service.suggest(
            text, viewer_tokens(request.user), enabled_plugin_ids(), limit=SUGGESTIONS
        )
    except Exception:  # the search box keeps working as a plain form
        logger.exception("search suggestions failed")
        found = []
    labels = {cls.doc_type: str(cls.label) for cls in registry.document_classes()}
    return _json(
        {
            "suggestions": [
                {"title": item.title, "url": item.url, "type": labels.get(item.doc_type, "")}
                for item in found
                if item.url.startswith("/") and not item.url.startswith("//")
            ]
        }
    )
