"""Reads of the review app: what awaits review, and what has not been reviewed for long.

Each list is one query plus one count, whatever the number of pages (pinned in
tests/review). People are shown by ``str(user)``, which is the pseudonym.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.permissions import page_permission_policy

from komma.pages.models import ContentPage

from .models import authored_by

STALE_AFTER = timedelta(days=365)
CURATING_PAGE_ACTIONS = {"add", "change", "publish"}


def can_curate_pages(user) -> bool:
    """Whether ``user`` adds, edits or publishes pages (editors, reviewers, superusers;
    not administrators, who only take pages offline in an emergency)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return page_permission_policy.user_has_any_permission(user, CURATING_PAGE_ACTIONS)


@dataclass(frozen=True)
class AwaitingReview:
    """A page in review: who asked (pseudonym), since when, and the viewer's part."""

    page_id: int
    title: str
    edit_url: str
    requested_by: str
    waiting_since: datetime
    is_own: bool
    may_review: bool


@dataclass(frozen=True)
class StalePage:
    """A live content page whose last review (or first publication) is over a year ago."""

    page_id: int
    title: str
    edit_url: str
    reviewed_at: datetime | None
    first_published_at: datetime | None


def awaiting_review(user, limit: int = 10) -> tuple[list[AwaitingReview], int]:
    """Pages in an in-progress workflow, longest waiting first, and how many there are.

    ``may_review`` comes from the tasks themselves (``TaskState.reviewable_by``), so a
    four-eyes task's rules decide; ``is_own`` marks what the user submitted or wrote
    part of (any revision since the page's last publication).
    """
    page_type = ContentType.objects.get_for_model(Page)
    reviewable = TaskState.objects.reviewable_by(user)
    states = (
        WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS, base_content_type=page_type
        )
        .annotate(page_id=Cast("object_id", IntegerField()))
        .annotate(
            title=Subquery(Page.objects.filter(pk=OuterRef("page_id")).values("draft_title")[:1])
        )
        .exclude(title=None)
    )
    total = states.count()
    rows = (
        states.select_related("requested_by")
        .annotate(
            waiting_since=F("current_task_state__started_at"),
            revision_user_id=F("current_task_state__revision__user_id"),
            may_review=Exists(reviewable.filter(pk=OuterRef("current_task_state_id"))),
            authored=authored_by(user),
        )
        .order_by("waiting_since", "pk")[:limit]
    )
    items = [
        AwaitingReview(
            page_id=state.page_id,
            title=state.title,
            edit_url=reverse("wagtailadmin_pages:edit", args=[state.page_id]),
            requested_by=str(state.requested_by) if state.requested_by else "",
            waiting_since=state.waiting_since or state.created_at,
            is_own=state.authored or user.pk in (state.requested_by_id, state.revision_user_id),
            may_review=state.may_review,
        )
        for state in rows
    ]
    return items, total


def stale_pages(limit: int = 10, *, now: datetime | None = None) -> tuple[list[StalePage], int]:
    """Live content pages not reviewed for a year, oldest first, and how many there are.

    A page never reviewed counts from its first publication.
    """
    cutoff = (now or timezone.now()) - STALE_AFTER
    pages = ContentPage.objects.live().filter(
        Q(last_reviewed_at__lt=cutoff)
        | Q(last_reviewed_at__isnull=True, first_published_at__lt=cutoff)
    )
    total = pages.count()
    rows = (
        pages.annotate(reviewed=Coalesce("last_reviewed_at", "first_published_at"))
        .order_by("reviewed", "pk")
        .values("pk", "draft_title", "last_reviewed_at", "first_published_at")[:limit]
    )
    items = [
        StalePage(
            page_id=row["pk"],
            title=row["draft_title"],
            edit_url=reverse("wagtailadmin_pages:edit", args=[row["pk"]]),
            reviewed_at=row["last_reviewed_at"],
            first_published_at=row["first_published_at"],
        )
        for row in rows
    ]
    return items, total
