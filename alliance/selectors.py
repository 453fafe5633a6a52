"""Reads of the alliance directory, permission-checked.

The directory search takes its input from GET parameters with German names, so
that every search has a shareable URL::

    ?q=beratung&kategorie=beratung&land=sn&thema=hass-im-netz&sprache=tr
     &umkreis=50&sortierung=entfernung&seite=2

Multiple values of one facet are alternatives (OR), different facets narrow each
other (AND). Each facet's counts are computed under all *other* active filters, so a
count says how many results ticking that box (in addition) gives.

Junk values (unknown category, a radius of "viel", page "x") are reported in
``problems`` and ignored; the view answers 400 with the page of the remaining search.

Distance ("In der Nähe meiner Kommune"): the origin is the viewer's municipality
(its coordinates), for a partner without municipality their organisation's
location. The great-circle distance (haversine) is computed in SQL with functions
both PostgreSQL and SQLite know (Django registers them on SQLite), behind a
bounding box on the indexed coordinates, so sorting, filtering and paging by
distance happen in the database at a constant number of queries.

A list page costs: the viewer (1), the origin (1, only when distance is used), the
count and page of results (2), their visible channels and topics (2), and the four
facets (4).
"""

import math
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, FloatField, Prefetch, Q, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komma.accounts.choices import Bundesland
from komma.accounts.models import Municipality
from komma.core.facets import Facet, FacetOption, params_with, querystring

from .access import directory_viewer, visible_channels_q, visible_organizations
from .models import (
    LANGUAGES,
    Category,
    ContactChannel,
    Location,
    ServiceArea,
    Topic,
    fold,
)

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
MAX_RADIUS_KM = 1000
EARTH_RADIUS_KM = 6371.0088
EXPORT_LIMIT = 10_000

# German URL slugs of the categories (values in the database stay English).
CATEGORY_SLUGS: dict[str, str] = {
    "lokale-medien": Category.LOCAL_MEDIA,
    "zivilgesellschaft": Category.CIVIL_SOCIETY,
    "wirtschaft": Category.BUSINESS,
    "beratung": Category.COUNSELLING,
    "sicherheitsbehoerde": Category.SECURITY_AUTHORITY,
    "verwaltung": Category.ADMINISTRATION,
    "sonstige": Category.OTHER,
}
SLUG_OF_CATEGORY = {value: slug for slug, value in CATEGORY_SLUGS.items()}


class Sort:
    NAME = "name"
    DISTANCE = "entfernung"
    VERIFIED = "aktualitaet"

    LABELS = {
        NAME: gettext_lazy("name"),
        DISTANCE: gettext_lazy("distance from my municipality"),
        VERIFIED: gettext_lazy("most recently verified"),
    }


@dataclass
class DirectoryQuery:
    """A parsed directory search (only valid values)."""

    text: str = ""
    categories: list[str] = field(default_factory=list)  # Category values
    laender: list[str] = field(default_factory=list)  # "SN", ...
    topics: list[str] = field(default_factory=list)  # topic slugs
    languages: list[str] = field(default_factory=list)  # ISO codes
    radius_km: int | None = None
    sort: str = Sort.NAME
    page: int = 1

    def params(self, **overrides) -> list[tuple[str, str]]:
        """The query as GET parameters (German names), with ``overrides``."""
        values = {
            "q": [self.text] if self.text else [],
            "kategorie": [SLUG_OF_CATEGORY[c] for c in self.categories],
            "land": [land.lower() for land in self.laender],
            "thema": list(self.topics),
            "sprache": list(self.languages),
            "umkreis": [str(self.radius_km)] if self.radius_km else [],
            "sortierung": [self.sort] if self.sort != Sort.NAME else [],
            "seite": [str(self.page)] if self.page > 1 else [],
        }
        return params_with(values, **overrides)

    def querystring(self, **overrides) -> str:
        return querystring(self.params(**overrides))

    @property
    def has_filters(self) -> bool:
        return bool(
            self.text or self.categories or self.laender or self.topics or self.languages
            or self.radius_km
        )  # fmt: skip

    @property
    def uses_distance(self) -> bool:
        return self.sort == Sort.DISTANCE or self.radius_km is not None


def _many(get, name) -> list[str]:
    values = get.getlist(name) if hasattr(get, "getlist") else get.get(name, [])
    if isinstance(values, str):
        values = [values]
    return [v.strip() for v in values if v and v.strip()]


def parse_directory_query(get, topic_slugs=None) -> tuple[DirectoryQuery, list[str]]:
    """Parse GET parameters; junk is reported in the problems and left out.

    ``topic_slugs`` are the known topics (a query when not given)."""
    query = DirectoryQuery()
    problems: list[str] = []

    text = (get.get("q") or "").strip()
    if "\x00" in text:
        problems.append(_("Null characters are not allowed in the search text."))
    elif len(text) > MAX_QUERY_LENGTH:
        problems.append(
            _("The search text is longer than %(limit)d characters.") % {"limit": MAX_QUERY_LENGTH}
        )
    else:
        query.text = text

    for slug in _many(get, "kategorie"):
        if slug in CATEGORY_SLUGS:
            query.categories.append(CATEGORY_SLUGS[slug])
        else:
            problems.append(_("“%(value)s” is not a category.") % {"value": slug[:40]})

    for code in _many(get, "land"):
        if code.upper() in Bundesland.values:
            query.laender.append(code.upper())
        else:
            problems.append(_("“%(value)s” is not a federal state.") % {"value": code[:40]})

    wanted_topics = _many(get, "thema")
    if wanted_topics:
        known = (
            set(topic_slugs)
            if topic_slugs is not None
            else set(Topic.objects.filter(slug__in=wanted_topics).values_list("slug", flat=True))
        )
        for slug in wanted_topics:
            if slug in known:
                query.topics.append(slug)
            else:
                problems.append(_("“%(value)s” is not a topic.") % {"value": slug[:40]})

    for code in _many(get, "sprache"):
        if code.lower() in LANGUAGES:
            query.languages.append(code.lower())
        else:
            problems.append(_("“%(value)s” is not a language.") % {"value": code[:40]})

    radius = (get.get("umkreis") or "").strip()
    if radius:
        try:
            km = int(radius)
        except ValueError:
            km = 0
        if 1 <= km <= MAX_RADIUS_KM:
            query.radius_km = km
        else:
            problems.append(
                _("The radius must be a whole number of kilometres from 1 to %(max)d.")
                % {"max": MAX_RADIUS_KM}
            )

    sort = (get.get("sortierung") or "").strip()
    if sort:
        if sort in Sort.LABELS:
            query.sort = sort
        else:
            problems.append(_("“%(value)s” is not a sort order.") % {"value": sort[:40]})

    page = (get.get("seite") or "").strip()
    if page:
        if page.isdigit() and int(page) >= 1:
            query.page = int(page)
        else:
            problems.append(_("“%(value)s” is not a page number.") % {"value": page[:40]})

    # Keep order, drop repeats.
    for name in ("categories", "laender", "topics", "languages"):
        setattr(query, name, list(dict.fromkeys(getattr(query, name))))
    return query, problems


# --- distance -----------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    latitude: float
    longitude: float
    label: str


def viewer_origin(user) -> Origin | None:
    """Where "near me" is measured from: the viewer's municipality (the first of their
    municipalities with coordinates), else the location of an organisation they are a
    verified partner of. One query."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_komma_directory_origin", "unset")
    if cached != "unset":
        return cached
    origin = None
    row = (
        Municipality.objects.filter(
            memberships__user=user, latitude__isnull=False, longitude__isnull=False
        )
        .order_by("pk")
        .values("latitude", "longitude", "name")
        .first()
    )
    if row:
        origin = Origin(row["latitude"], row["longitude"], row["name"])
    else:
        own = directory_viewer(user).own_organization_ids
        if own:
            loc = (
                Location.objects.filter(
                    organization_id__in=own, latitude__isnull=False, longitude__isnull=False
                )
                .order_by("organization_id")
                .values("latitude", "longitude", "city")
                .first()
            )
            if loc:
                origin = Origin(loc["latitude"], loc["longitude"], loc["city"])
    user._komma_directory_origin = origin
    return origin


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in km (Python; the SQL version is ``distance_expression``)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_expression(origin: Origin, prefix: str = "location__"):
    """Haversine distance in km from ``origin`` to the row's coordinates, in SQL."""
    lat0 = math.radians(origin.latitude)
    lon0 = math.radians(origin.longitude)
    lat = Radians(F(f"{prefix}latitude"))
    lon = Radians(F(f"{prefix}longitude"))
    a = Power(Sin((lat - Value(lat0)) / Value(2.0)), 2) + Value(math.cos(lat0)) * Cos(lat) * Power(
        Sin((lon - Value(lon0)) / Value(2.0)), 2
    )
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Sqrt(a), Value(1.0)), output_field=FloatField())


def bounding_box_q(origin: Origin, radius_km: float, prefix: str = "location__") -> Q:
    """A box around the circle, on the indexed coordinates (pre-filter of the radius)."""
    dlat = radius_km / 111.195
    coslat = max(math.cos(math.radians(origin.latitude)), 0.01)
    dlon = min(radius_km / (111.195 * coslat), 180.0)
    return Q(
        **{
            f"{prefix}latitude__gte": origin.latitude - dlat,
            f"{prefix}latitude__lte": origin.latitude + dlat,
            f"{prefix}longitude__gte": origin.longitude - dlon,
            f"{prefix}longitude__lte": origin.longitude + dlon,
        }
    )


# --- search -------------------------------------------------------------------------


def _text_q(text: str) -> Q:
    condition = Q()
    for word in fold(text).split():
        condition &= Q(search_text__contains=word)
    return condition


def _filter(qs, query: DirectoryQuery, origin: Origin | None, skip: str = ""):
    """``qs`` narrowed by every filter of ``query`` except the facet ``skip``."""
    if query.text:
        qs = qs.filter(_text_q(query.text))
    if query.categories and skip != "category":
        qs = qs.filter(category__in=query.categories)
    if query.laender and skip != "land":
        qs = qs.filter(location__bundesland__in=query.laender)
    if query.topics and skip != "topic":
        qs = qs.filter(pk__in=Topic.organizations.through.objects.filter(
            topic__slug__in=query.topics).values("organization_id"))  # fmt: skip
    if query.languages and skip != "language":
        any_language = Q()
        for code in query.languages:
            any_language |= Q(languages__contains=f"|{code}|")
        qs = qs.filter(any_language)
    if query.radius_km and origin is not None:
        qs = qs.filter(bounding_box_q(origin, query.radius_km))
        qs = qs.alias(distance_km=distance_expression(origin)).filter(
            distance_km__lte=query.radius_km
        )
    return qs


def _facets(base, query: DirectoryQuery, origin) -> list[Facet]:
    categories = dict(
        _filter(base, query, origin, skip="category")
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
    )
    laender = dict(
        _filter(base, query, origin, skip="land")
        .order_by()
        .values_list("location__bundesland")
        .annotate(n=Count("pk"))
    )
    topic_base = _filter(base, query, origin, skip="topic")
    topics = list(
        Topic.objects.annotate(
            n=Count("organizations", filter=Q(organizations__in=topic_base.values("pk")))
        ).values_list("slug", "name", "n")
    )
    # One GROUP BY over the stored language lists ("|de|tr|"), summed up per code here:
    # far cheaper than one LIKE per language and row.
    languages: dict[str, int] = dict.fromkeys(LANGUAGES, 0)
    for stored, n in (
        _filter(base, query, origin, skip="language")
        .order_by()
        .values_list("languages")
        .annotate(n=Count("pk"))
    ):
        for code in stored.split("|"):
            if code in languages:
                languages[code] += n
    return [
        Facet("kategorie", _("Category"), [
            FacetOption(SLUG_OF_CATEGORY[value], str(label), categories.get(value, 0),
                        value in query.categories)
            for value, label in Category.choices
        ]),
        Facet("land", _("Federal state"), [
            FacetOption(value.lower(), str(label), laender.get(value, 0), value in query.laender)
            for value, label in Bundesland.choices
        ]),
        Facet("thema", _("Topic"), [
            FacetOption(slug, name, n, slug in query.topics)
            for slug, name, n in topics if n or slug in query.topics
        ]),
        Facet("sprache", _("Language"), [
            FacetOption(code, str(label), languages[code], code in query.languages)
            for code, label in LANGUAGES.items()
            if languages[code] or code in query.languages
        ]),
    ]  # fmt: skip


def with_listing_data(qs, user):
    """Location, topics and the channels ``user`` may see (for lists and exports)."""
    viewer = directory_viewer(user)
    return qs.select_related("location").prefetch_related(
        Prefetch(
            "channels",
            queryset=ContactChannel.objects.filter(visible_channels_q(viewer)),
            to_attr="visible_channels",
        ),
        Prefetch("topics", queryset=Topic.objects.all()),
    )


@dataclass
class DirectorySearch:
    query: DirectoryQuery
    problems: list[str]
    page: object  # django Page
    total: int
    facets: list[Facet]
    origin: Origin | None
    viewer: object

    @property
    def results(self):
        return self.page.object_list


def ordered(qs, query: DirectoryQuery, origin: Origin | None):
    if query.sort == Sort.DISTANCE and origin is not None:
        return qs.annotate(distance_km=distance_expression(origin)).order_by(
            F("distance_km").asc(nulls_last=True), "name", "pk"
        )
    if origin is not None:
        qs = qs.annotate(distance_km=distance_expression(origin))
    if query.sort == Sort.VERIFIED:
        return qs.order_by(F("last_verified_at").desc(nulls_last=True), "name", "pk")
    return qs.order_by("name", "pk")


def resolve_origin(user, query: DirectoryQuery, problems: list[str]) -> Origin | None:
    """The origin for distances, if the query needs one; a problem when there is none."""
    if not query.uses_distance:
        return None
    origin = viewer_origin(user)
    if origin is None:
        problems.append(
            _(
                "Distance search needs the location of your municipality. Log in as a "
                "member of a municipality to sort by distance; the distance was ignored."
            )
        )
        query.radius_km = None
        if query.sort == Sort.DISTANCE:
            query.sort = Sort.NAME
    return origin


def matching_organizations(user, query: DirectoryQuery, origin: Origin | None):
    """The organisations of a search, ordered, without facets or paging (exports)."""
    return ordered(_filter(visible_organizations(user), query, origin), query, origin)


def search_directory(user, get) -> DirectorySearch:
    """The directory search of ``user`` for the GET parameters ``get``."""
    viewer = directory_viewer(user)
    query, problems = parse_directory_query(get)
    origin = resolve_origin(user, query, problems)
    base = visible_organizations(user)
    qs = ordered(_filter(base, query, origin), query, origin)
    paginator = Paginator(with_listing_data(qs, user), PAGE_SIZE)
    total = paginator.count
    if query.page > max(paginator.num_pages, 1):
        problems.append(
            _("There is no page %(number)d; showing the first page.") % {"number": query.page}
        )
        query.page = 1
    page = paginator.page(query.page)
    return DirectorySearch(
        query=query,
        problems=problems,
        page=page,
        total=total,
        facets=_facets(base, query, origin),
        origin=origin,
        viewer=viewer,
    )


def organization_detail(user, organization):
    """Everything the detail page shows of ``organization`` to ``user``: visible
    channels, topics, service areas (the organisation comes from ``access``)."""
    viewer = directory_viewer(user)
    channels = list(
        ContactChannel.objects.filter(organization=organization).filter(visible_channels_q(viewer))
    )
    topics = list(organization.topics.all())
    areas = list(ServiceArea.objects.filter(organization=organization))
    return {"channels": channels, "topics": topics, "service_areas": areas, "viewer": viewer}


def export_organizations(user, get):
    """The organisations of the search ``get`` for an export (no paging, capped),
    with what ``user`` may see prefetched; plus the parsed query and problems."""
    query, problems = parse_directory_query(get)
    origin = resolve_origin(user, query, problems)
    qs = with_listing_data(matching_organizations(user, query, origin), user).prefetch_related(
        "service_areas"
    )
    return list(qs[:EXPORT_LIMIT]), query, problems


def stale_organizations(user):
    """Entries not verified for 12 months that ``user`` should be told about: all for
    editors, their own for verified partners, none for anyone else."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import VERIFICATION_MAX_AGE_DAYS, Organization

    viewer = directory_viewer(user)
    cutoff = timezone.now() - timedelta(days=VERIFICATION_MAX_AGE_DAYS)
    stale = Q(last_verified_at__isnull=True) | Q(last_verified_at__lte=cutoff)
    qs = Organization.objects.filter(stale)
    if viewer.is_editor:
        return qs.order_by(F("last_verified_at").asc(nulls_first=True), "name")
    if viewer.own_organization_ids:
        return qs.filter(pk__in=viewer.own_organization_ids).order_by("name")
    return Organization.objects.none()
