"""Writes of the review app: the administrators' emergency "take offline".

``check_<verb>_<noun>`` validates and authorises, then calls ``do_<verb>_<noun>``,
which writes atomically (as in ``komma.accounts.actions``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page, WorkflowState

from komma.core.audit import audit

TAKE_OFFLINE_PERMISSION = "review.take_page_offline"
TAKE_OFFLINE_AUDIT_ACTION = "komma.page_take_offline"


def may_take_pages_offline(user) -> bool:
    """Administrators (and superusers) may take a live page offline in an emergency."""
    return user.is_active and user.has_perm(TAKE_OFFLINE_PERMISSION)


def check_take_page_offline(by, page: Page, reason: str) -> list[Page]:
    """Authorise, require a reason and a live page, then take it offline."""
    if not may_take_pages_offline(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give the reason for taking the page offline."))
    if page.depth <= 1 or not page.live:
        raise ValidationError(_("This page is not online."))
    return do_take_page_offline(page, by=by, reason=reason)


def do_take_page_offline(page: Page, *, by, reason: str) -> list[Page]:
    """Unpublish ``page`` and its live descendants in ``by``'s name; logged with the reason.

    Like Wagtail's unpublish with descendants, but without the publish permission
    (administrators have none, so that they cannot publish unreviewed text). A review
    in progress on these pages is cancelled: its approval would put the page back
    online without anyone deciding on the emergency; the page goes online again
    through a new submission and review.
    """
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk).specific
        pages = [page, *page.get_descendants().live().specific()]
        for each in pages:
            UnpublishPageAction(each, user=by).execute(skip_permission_checks=True)
            for state in WorkflowState.objects.for_instance(each).filter(
                status=WorkflowState.STATUS_IN_PROGRESS
            ):
                state.cancel(user=by)
        audit(
            page,
            TAKE_OFFLINE_AUDIT_ACTION,
            by,
            reason,
            pages=[{"id": each.pk, "title": each.title} for each in pages],
        )
    return pages
