"""The directory's pages: search, organisation, „Wer hilft bei …?“, exports.

Thin: parse, call ``selectors``/``wizard``/``exports``, render. Bad GET parameters
are reported on the page (status 400) and ignored.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from komma.accounts.choices import Bundesland
from komma.core.facets import active_filters
from komma.core.ratelimit import allow

from . import exports, selectors, wizard
from .access import access_organization, directory_viewer
from .models import ChannelVisibility, Status

# Exports copy the directory in bulk: enough for real work, not for a scraper.
EXPORTS_PER_HOUR = 30


def _absolute(request):
    return request.build_absolute_uri


@require_GET
def directory(request):
    """Search with facets and counts, distance from the viewer's municipality, pages."""
    search = selectors.search_directory(request.user, request.GET)
    query = search.query
    context = {
        "search": search,
        "query": query,
        "facets": search.facets,
        "problems": search.problems,
        "sort_options": [
            (value, label)
            for value, label in selectors.Sort.LABELS.items()
            if value != selectors.Sort.DISTANCE or request.user.is_authenticated
        ],
        "active_filters": _active_filters(search),
        "reset_url": request.path,
        "previous_url": (
            query.querystring(seite=search.page.previous_page_number())
            if search.page.has_previous()
            else ""
        ),
        "next_url": (
            query.querystring(seite=search.page.next_page_number())
            if search.page.has_next()
            else ""
        ),
        "export_query": query.querystring(seite=[]),
        "radius_choices": (10, 25, 50, 100, 200),
        "viewer": search.viewer,
    }
    return render(
        request, "alliance/directory.html", context, status=400 if search.problems else 200
    )


def _active_filters(search):
    """Chosen facet values, each with the URL of the search without it."""
    query = search.query
    chosen = active_filters(search.facets, query)
    if query.radius_km:
        chosen.append(
            {
                "label": _("within %(km)d km") % {"km": query.radius_km},
                "remove_url": query.querystring(umkreis=[], seite=[]),
            }
        )
    return chosen


@require_GET
def organization(request, slug):
    """An entry: description, visible channels, location, service area, freshness."""
    org = access_organization(request.user, slug)
    detail = selectors.organization_detail(request.user, org)
    viewer = detail["viewer"]
    origin = selectors.viewer_origin(request.user) if request.user.is_authenticated else None
    location = getattr(org, "location", None)
    distance = None
    if origin and location and location.latitude is not None and location.longitude is not None:
        distance = selectors.haversine_km(
            origin.latitude, origin.longitude, location.latitude, location.longitude
        )
    hidden_levels = [
        label for value, label in ChannelVisibility.choices if value not in viewer.levels
    ]
    return render(
        request,
        "alliance/organization.html",
        {
            "org": org,
            "location": location,
            "distance": distance,
            "origin": origin,
            "show_stale": viewer.may_see_stale_flag(org) and org.is_stale,
            "more_for_others": bool(hidden_levels) and not viewer.is_editor,
            "viewer": viewer,
            "is_own": org.pk in viewer.own_organization_ids,
            "inactive": org.status != Status.ACTIVE,
            **detail,
        },
    )


@require_GET
def organization_vcard(request, slug):
    """One entry as a vCard (what the viewer may see)."""
    org = access_organization(request.user, slug)
    detail = selectors.organization_detail(request.user, org)
    org.visible_channels = detail["channels"]
    body = exports.vcard(org, _absolute(request)).encode("utf-8")
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org.slug}.vcf"'
    return response


@require_GET
def wizard_view(request):
    """„Wer hilft bei …?“: situation → Bundesland → contacts."""
    situation_key = (request.GET.get("anliegen") or "").strip()
    land = (request.GET.get("land") or "").strip().upper()
    problems = []
    situation = wizard.SITUATIONS.get(situation_key)
    if situation_key and situation is None:
        problems.append(_("Please choose one of the situations."))
    if land and land not in Bundesland.values:
        problems.append(_("Please choose one of the federal states."))
        land = ""
    if situation is None:
        step = "situation"
    elif not land:
        step = "land"
    else:
        step = "results"
    groups = wizard.find_helpers(request.user, situation.key, land) if step == "results" else []
    default_land = land or _viewer_land(request.user)
    return render(
        request,
        "alliance/wizard.html",
        {
            "step": step,
            "situations": list(wizard.SITUATIONS.values()),
            "situation": situation,
            "land": land,
            "land_label": dict(Bundesland.choices).get(land, ""),
            "default_land": default_land,
            "laender": Bundesland.choices,
            "groups": groups,
            "found_any": any(g.organizations for g in groups),
            "problems": problems,
            "viewer": directory_viewer(request.user),
        },
        status=400 if problems else 200,
    )


def _viewer_land(user) -> str:
    if not user.is_authenticated:
        return ""
    return (
        user.memberships.order_by("pk").values_list("municipality__bundesland", flat=True).first()
        or ""
    )


@login_required
@require_GET
def export(request, fmt):
    """The current search (all pages) as CSV, vCard or JSON, with only what the
    requester may see. Logged-in accounts only (no bulk copies for scrapers)."""
    if fmt not in exports.FORMATS:
        raise Http404
    if not allow("alliance_export", request.user.pk, EXPORTS_PER_HOUR, 3600):
        return HttpResponse(
            _("You have made many exports in a short time. Please try again later."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    organizations, query, problems = selectors.export_organizations(request.user, request.GET)
    if problems:
        return HttpResponse(
            "\n".join([_("The export was not made:"), *problems]),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    absolute = _absolute(request)
    if fmt == "csv":
        body = exports.to_csv(organizations, absolute)
    elif fmt == "vcard":
        body = exports.to_vcard(organizations, absolute)
    else:
        params: dict[str, list[str]] = {}
        for key, value in query.params(seite=[]):
            params.setdefault(key, []).append(value)
        body = exports.to_json(organizations, absolute, params)
    content_type, extension = exports.FORMATS[fmt]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(extension)}"'
    response["Cache-Control"] = "private, no-store"
    return response
