"""The knowledge hub's listing: filters as GET parameters, so every view is a shareable URL.

Filters combine: several values of one filter widen (OR), different filters narrow
(AND). Junk values get a clear message and are ignored; the rest of the listing works.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import EmptyPage, Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from komma.accounts.choices import Bundesland, MunicipalityKind

from .selectors import KINDS, knowledge_pages, listing_entries

PER_PAGE = 12


class KnowledgeFilterForm(forms.Form):
    """The listing's filters; field names are the (German) URL parameters."""

    typ = forms.MultipleChoiceField(
        label=_("Kind of page"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(key, label) for key, (_model, label) in KINDS.items()],
    )  # fmt: skip
    thema = forms.MultipleChoiceField(
        label=_("Topic"), required=False, widget=forms.CheckboxSelectMultiple
    )
    modul = forms.MultipleChoiceField(
        label=_("Module area"), required=False, widget=forms.CheckboxSelectMultiple
    )
    art = forms.MultipleChoiceField(
        label=_("Type of municipality"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=MunicipalityKind.choices,
    )  # fmt: skip
    land = forms.MultipleChoiceField(
        label=_("Federal state"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=Bundesland.choices,
    )  # fmt: skip
    seite = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100_000)

    FILTERS = ("typ", "thema", "modul", "art", "land")

    def __init__(self, *args, **kwargs):
        from .taxonomy import ModuleArea, Topic

        super().__init__(*args, **kwargs)
        self.fields["thema"].choices = list(Topic.objects.values_list("slug", "name"))
        self.fields["modul"].choices = [(area.code, str(area)) for area in ModuleArea.objects.all()]

    def valid_filters(self) -> dict:
        """The filters whose values are all valid (call after ``is_valid``)."""
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.FILTERS if data.get(name)}

    def problems(self) -> list[str]:
        """One sentence per invalid parameter, for the message above the results."""
        return [
            _("“%(filter)s”: %(error)s")
            % {"filter": self.fields[name].label, "error": " ".join(errors)}
            for name, errors in self.errors.items()
        ]


def apply_filters(queryset, filters: dict):
    """``queryset`` of KnowledgePage narrowed by the valid ``filters``."""
    from .models import KnowledgePage

    if kinds := filters.get("typ"):
        models = [KINDS[key][0] for key in kinds]
        types = ContentType.objects.filter(app_label="pages", model__in=models)
        queryset = queryset.filter(content_type__in=types)
    if topics := filters.get("thema"):
        # Subqueries keep one row per page however many values match.
        queryset = queryset.filter(
            pk__in=KnowledgePage.objects.filter(topics__slug__in=topics).values("pk")
        )
    if areas := filters.get("modul"):
        queryset = queryset.filter(
            pk__in=KnowledgePage.objects.filter(module_areas__code__in=areas).values("pk")
        )
    if kinds_of_municipality := filters.get("art"):
        queryset = queryset.filter(goodpracticepage__municipality_kind__in=kinds_of_municipality)
    if states := filters.get("land"):
        queryset = queryset.filter(goodpracticepage__bundesland__in=states)
    return queryset


@dataclass(frozen=True)
class ActiveFilter:
    """A chosen filter value, with the URL that removes just it."""

    label: str
    remove_url: str


def active_filters(form: KnowledgeFilterForm, filters: dict) -> list[ActiveFilter]:
    """The chosen values with their labels, each removable on its own."""
    chosen = []
    for name, values in filters.items():
        labels = dict(form.fields[name].choices)
        for value in values:
            rest = {
                k: [v for v in vs if not (k == name and v == value)] for k, vs in filters.items()
            }
            chosen.append(ActiveFilter(str(labels.get(value, value)), "?" + encode(rest)))
    return chosen


def encode(filters: dict, page: int | None = None) -> str:
    """The query string of ``filters`` (stable order, so equal views share one URL)."""
    from urllib.parse import urlencode

    pairs = [
        (name, value)
        for name in KnowledgeFilterForm.FILTERS
        for value in sorted(filters.get(name, []))
    ]
    if page and page > 1:
        pairs.append(("seite", page))
    return urlencode(pairs)


def render_listing(hub, request):
    """Render the hub's listing; 400 with a message where a parameter is junk."""
    form = KnowledgeFilterForm(request.GET)
    form.is_valid()
    filters = form.valid_filters()
    problems = form.problems()
    # The junk is ignored and named in one message (linked to the form); the controls
    # show the filters in use, not an invalid state of every checkbox.
    form.errors.clear()
    queryset = apply_filters(knowledge_pages(request.user, hub), filters)
    paginator = Paginator(queryset, PER_PAGE)
    number = form.cleaned_data.get("seite") or 1
    try:
        page_obj = paginator.page(number)
    except EmptyPage:
        problems.append(
            _("There is no page %(number)s of these results; showing the first page.")
            % {"number": number}
        )
        page_obj = paginator.page(1)
    context = hub.get_context(request)
    context.update(
        form=form,
        facets=[(form[name], len(filters.get(name, []))) for name in form.FILTERS],
        page_obj=page_obj,
        results=listing_entries(page_obj.object_list),
        filters=filters,
        active_filters=active_filters(form, filters),
        problems=problems,
        querystring=encode(filters),
        previous_url="?" + encode(filters, page_obj.previous_page_number())
        if page_obj.has_previous() else None,
        next_url="?" + encode(filters, page_obj.next_page_number())
        if page_obj.has_next() else None,
    )  # fmt: skip
    return TemplateResponse(
        request, hub.get_template(request), context, status=400 if problems else 200
    )
