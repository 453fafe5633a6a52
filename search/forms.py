"""The search page's parameters: text, facet filters, area and page, all GET parameters
with German names, so every view of the results is a shareable URL.

Like the knowledge hub's listing (``komma.pages.listing``): junk values get a clear
message naming the parameter and are ignored; the rest of the search works.
"""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from komma.accounts.choices import Bundesland

from . import registry
from .query import MAX_QUERY_LENGTH, PER_PAGE

# Deeper pages are not offered (Elasticsearch's default result window is 10,000 hits).
MAX_PAGE = 10_000 // PER_PAGE

# URL parameter -> facet of ``search.query.FACETS``, in the order the page shows them.
FILTERS = {"typ": "type", "modul": "module_area", "thema": "topic", "land": "bundesland"}

# Areas of the core that have their own search: ``?bereich=<key>`` limits the search
# to the document types of that app's models. Plugins are areas under their id.
CORE_AREAS = {
    "wissen": (_("Knowledge platform"), "pages"),
    "fortbildungen": (_("Events and training"), "events"),
}


def type_labels(classes) -> dict[str, str]:
    """doc_type -> label (shown as the type of a hit and in the type facet)."""
    return {cls.doc_type: str(cls.label) for cls in classes if cls.doc_type}


def search_areas(classes) -> dict[str, tuple[str, tuple[str, ...]]]:
    """area key -> (label, doc types): core areas by app, switched-on plugins by id.

    Areas without any document type are left out (their ``bereich`` is junk).
    """
    from plugins.registry import enabled_plugins

    areas = {}
    for key, (label, app_label) in CORE_AREAS.items():
        types = tuple(
            cls.doc_type
            for cls in classes
            if cls.plugin == "core"
            and cls.model is not None
            and cls.model._meta.app_label == app_label
        )
        if types:
            areas[key] = (str(label), types)
    for plugin in enabled_plugins():
        types = tuple(cls.doc_type for cls in classes if cls.plugin == plugin.plugin_id)
        if types and plugin.plugin_id not in areas:
            areas[plugin.plugin_id] = (str(plugin.verbose_name), types)
    return areas


class SearchForm(forms.Form):
    """The search parameters; field names are the (German) URL parameters."""

    q = forms.CharField(
        label=_("Search text"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "The search text is too long: at most %(limit_value)d characters are "
                "allowed (it has %(show_value)d). Please shorten it."
            ),
        },
    )
    bereich = forms.ChoiceField(label=_("Area"), required=False)
    typ = forms.MultipleChoiceField(
        label=_("Type"), required=False, widget=forms.CheckboxSelectMultiple
    )
    modul = forms.MultipleChoiceField(
        label=_("Module area"), required=False, widget=forms.CheckboxSelectMultiple
    )
    thema = forms.MultipleChoiceField(
        label=_("Topic"), required=False, widget=forms.CheckboxSelectMultiple
    )
    land = forms.MultipleChoiceField(
        label=_("Federal state"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=Bundesland.choices,
    )  # fmt: skip
    seite = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args, classes=None, **kwargs):
        from komma.pages.taxonomy import ModuleArea, Topic

        super().__init__(*args, **kwargs)
        classes = registry.document_classes() if classes is None else classes
        self.type_labels = type_labels(classes)
        self.areas = search_areas(classes)
        self.fields["typ"].choices = list(self.type_labels.items())
        self.fields["modul"].choices = [(area.code, str(area)) for area in ModuleArea.objects.all()]
        self.fields["thema"].choices = list(Topic.objects.values_list("slug", "name"))
        self.fields["bereich"].choices = [("", "")] + [
            (key, label) for key, (label, _types) in self.areas.items()
        ]

    def clean_q(self):
        """Control characters (line breaks, tabs, …) become spaces; runs of spaces one."""
        text = self.cleaned_data["q"]
        text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
        return " ".join(text.split())

    # --- after is_valid(): the usable parts -------------------------------------------

    def text(self) -> str:
        return getattr(self, "cleaned_data", {}).get("q") or ""

    def area(self) -> str:
        return getattr(self, "cleaned_data", {}).get("bereich") or ""

    def page(self) -> int:
        return getattr(self, "cleaned_data", {}).get("seite") or 1

    def valid_filters(self) -> dict[str, list[str]]:
        """parameter -> chosen values, for the filters whose values are all valid."""
        data = getattr(self, "cleaned_data", {})
        return {name: sorted(set(data[name])) for name in FILTERS if data.get(name)}

    def problems(self) -> list[str]:
        """One sentence per invalid parameter, for the message above the results.

        The messages repeat the junk value; control characters are dropped from it
        and a long one is cut short.
        """
        return [
            _("“%(parameter)s”: %(error)s")
            % {"parameter": self.fields[name].label, "error": printable(" ".join(errors))}
            for name, errors in self.errors.items()
        ]


def printable(message: str, limit: int = 300) -> str:
    """``message`` without control characters, at most ``limit`` characters long."""
    from django.utils.text import Truncator

    text = "".join(char for char in message if unicodedata.category(char) != "Cc")
    return Truncator(text).chars(limit)
