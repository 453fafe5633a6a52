"""Faceted browsing shared by the apps (the alliance directory, the toolbox): the
facets with their counted options, GET parameters and the "active filters" list.

What is filtered and how the counts are computed stays with each app's selectors;
this is the common shape the views and ``templates/includes/facets.html`` use.
"""

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass
class FacetOption:
    """One value of a facet: its GET value, label, count and whether it is ticked."""

    value: str  # the GET value
    label: str
    count: int
    checked: bool


@dataclass
class Facet:
    """A filter of the list: its GET parameter, label and options."""

    name: str  # the GET parameter
    label: str
    options: list[FacetOption]

    @property
    def chosen(self) -> int:
        return sum(1 for o in self.options if o.checked)


def params_with(values: dict[str, list[str]], **overrides) -> list[tuple[str, str]]:
    """GET parameters from ``values`` (name -> values, in order), with ``overrides``
    (each a list, a single value, or empty to drop the parameter)."""
    values = dict(values)
    for key, value in overrides.items():
        values[key] = value if isinstance(value, list) else ([str(value)] if value else [])
    return [(key, v) for key, vs in values.items() for v in vs]


def querystring(params: list[tuple[str, str]]) -> str:
    """``?a=1&b=2`` (``?`` alone when there is nothing: a link to the bare list)."""
    return f"?{urlencode(params)}" if params else "?"


def active_filters(facets, query, *, with_facet_label: bool = False) -> list[dict]:
    """The ticked options of ``facets``, each ``{"label", "remove_url"}`` with the URL
    of the same search without it (and on its first page). ``query`` has a
    ``querystring(**overrides)`` method; ``with_facet_label`` prefixes the facet's
    label ("Situation: acute") where option labels alone would be ambiguous."""
    chosen = []
    for facet in facets:
        for option in facet.options:
            if option.checked:
                remaining = [o.value for o in facet.options if o.checked and o is not option]
                label = f"{facet.label}: {option.label}" if with_facet_label else option.label
                chosen.append(
                    {
                        "label": label,
                        "remove_url": query.querystring(**{facet.name: remaining, "seite": []}),
                    }
                )
    return chosen
