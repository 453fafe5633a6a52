"""Who may read which page: the visibility levels and the one place that decides.

Every content page has a level: *public*, *network* (any logged-in account) or
*model municipalities only* (members of a model municipality, plus the editorial
team that curates the pages). Serving, listings, related content, the sitemap,
feeds, search documents, navigation and document downloads all ask this module;
nothing filters by hand.

A page is never looser than its parent (``ContentPage.clean`` refuses it, and a
parent that is tightened tightens its published descendants), so a page's own
level is its effective level and listings can filter on one column.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PageVisibility(models.TextChoices):
    """Levels, from open to closed. Each level's audience includes the next one's."""

    PUBLIC = "public", _("public")
    NETWORK = "network", _("network (logged-in members)")
    MODEL = "model", _("model municipalities only")


RANK = {PageVisibility.PUBLIC: 0, PageVisibility.NETWORK: 1, PageVisibility.MODEL: 2}

# Roles whose members curate or review content and so read every level.
CURATING_ROLES = ("editor", "reviewer", "admin")


def audience_rank(user) -> int:
    """The highest level ``user`` may read, as a rank (computed once per user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return RANK[PageVisibility.PUBLIC]
    cached = getattr(user, "_komma_audience_rank", None)
    if cached is None:
        cached = _compute_rank(user)
        user._komma_audience_rank = cached
    return cached


def _compute_rank(user) -> int:
    from komma.accounts.choices import ProgrammeStatus
    from komma.accounts.roles import ROLES

    if user.is_superuser:
        return RANK[PageVisibility.MODEL]
    curating = [ROLES[key].group_name for key in CURATING_ROLES if key in ROLES]
    # One query: a model-municipality membership or a curating group.
    from komma.accounts.models import User

    is_model = (
        User.objects.filter(pk=user.pk)
        .filter(
            Q(memberships__municipality__programme_status=ProgrammeStatus.MODEL)
            | Q(groups__name__in=curating)
        )
        .exists()
    )
    return RANK[PageVisibility.MODEL] if is_model else RANK[PageVisibility.NETWORK]


def readable_levels(user) -> list[str]:
    """The levels ``user`` may read."""
    rank = audience_rank(user)
    return [level for level, level_rank in RANK.items() if level_rank <= rank]


def may_read(user, level: str) -> bool:
    """Whether ``user`` may read a page of ``level`` (unknown levels: nobody)."""
    return level in RANK and RANK[level] <= audience_rank(user)


def stricter(a: str, b: str) -> str:
    """The closed one of two levels."""
    return a if RANK.get(a, 0) >= RANK.get(b, 0) else b


def visible_pages_q(user, prefix: str = "") -> Q:
    """A filter for any ``Page`` queryset: pages without a level (home, plugin pages
    that are no content pages) are public; content pages need a readable level.

    ``prefix`` reaches the page through a relation (e.g. ``"page__"``).
    """
    return Q(**{f"{prefix}contentpage__isnull": True}) | Q(
        **{f"{prefix}contentpage__visibility__in": readable_levels(user)}
    )


def filter_visible(queryset, user):
    """``queryset`` (of Page or a ContentPage subclass) narrowed to what ``user`` may read.

    Wagtail's own view restrictions (password, groups) are honoured as well: such
    pages never appear in listings, only when opened directly.
    """
    model = queryset.model
    from .models import ContentPage

    if issubclass(model, ContentPage):
        queryset = queryset.filter(visibility__in=readable_levels(user))
    else:
        queryset = queryset.filter(visible_pages_q(user))
    for page in _closed_subtrees(user):
        queryset = queryset.not_descendant_of(page, inclusive=True)
    return queryset


def _closed_subtrees(user) -> list:
    """Roots of subtrees under a Wagtail view restriction the reader does not pass in
    listings: every restriction for anonymous readers, password and group ones for
    members. Fetched once per request (kept on the user object)."""
    cached = getattr(user, "_komma_closed_subtrees", None)
    if cached is None:
        from wagtail.models import PageViewRestriction

        restrictions = PageViewRestriction.objects.select_related("page")
        if user is not None and user.is_authenticated:
            restrictions = restrictions.exclude(restriction_type=PageViewRestriction.LOGIN)
        cached = [restriction.page for restriction in restrictions]
        if user is not None:
            user._komma_closed_subtrees = cached
    return cached
