"""Admin integration of the review app.

* Reviewing in the page editor: the page is locked for everyone while it is in
  review (``FourEyesApprovalTask.locked_for_user``), and Wagtail hides the workflow
  actions on a locked page and refuses to save its form. The reviewers get their
  actions back, and a review action posted from the editor is performed without
  saving anything: what is approved is the submitted version.
* The administrators' emergency "take offline" (``komma.review.views``).
"""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.action_menu import WorkflowMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.utils import get_valid_next_url_from_request

from . import views
from .actions import may_take_pages_offline
from .models import REVIEW_ACTIONS, FourEyesApprovalTask


# --- Reviewing in the page editor ---------------------------------------------------------
def _four_eyes_task_state(page):
    """The page's in-progress task state if its current task is the four-eyes task."""
    task_state = page.current_workflow_task_state
    if task_state is None or not isinstance(task_state.task.specific, FourEyesApprovalTask):
        return None
    return task_state


class ReviewMenuItem(WorkflowMenuItem):
    """A workflow action in the editor's action menu, shown although the page is locked."""

    def is_shown(self, context):
        return context["view"] == "edit"


@hooks.register("construct_page_action_menu")
def offer_review_actions_on_the_locked_page(menu_items, request, context):
    """Wagtail shows workflow actions only to whom the page is not locked: here, nobody."""
    page = context.get("page")
    if context.get("view") != "edit" or page is None or not context.get("locked_for_user"):
        return
    task_state = _four_eyes_task_state(page)
    if task_state is None:
        return
    task = task_state.task.specific
    final = task_state.workflow_state.is_at_final_task and not getattr(
        settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False
    )
    items = []
    for name, label, launch_modal in task.get_actions(page, request.user):
        if name == "approve" and final:
            label = _("%(label)s and Publish") % {"label": label}
        icon_name = "success" if name == "approve" else "edit"
        items.append(ReviewMenuItem(name, label, launch_modal, icon_name=icon_name))
    # First: the main button is "Request changes" (it opens a dialog for the comment),
    # the approvals follow in the menu, before "Cancel workflow" and "Page locked".
    menu_items[:0] = items


@hooks.register("before_edit_page")
def review_without_saving(request, page):
    """Approve or request changes from the editor without saving the form.

    Wagtail saves the posted form before it performs the action, and refuses both on
    a locked page. The review decides on the submitted version, so nothing posted
    with the decision is saved; ``on_action`` checks who may decide.
    """
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    action = request.POST.get("workflow-action-name", "")
    task_state = _four_eyes_task_state(page)
    if task_state is None or action not in REVIEW_ACTIONS:
        return None
    try:
        extra = json.loads(request.POST.get("workflow-action-extra-data") or "{}")
    except ValueError:
        extra = {}
    comment = extra.get("comment", "") if isinstance(extra, dict) else ""
    try:
        task_state.task.specific.on_action(
            task_state, request.user, action, comment=str(comment or "")
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You cannot review this page."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    title = page.get_admin_display_title()
    if action == "approve":
        messages.success(request, _("'%(title)s' has been approved.") % {"title": title})
    else:
        messages.success(
            request, _("Changes to '%(title)s' have been requested.") % {"title": title}
        )
    return redirect(
        get_valid_next_url_from_request(request)
        or reverse("wagtailadmin_explore", args=[page.get_parent().pk])
    )


# --- Emergency: take a page offline --------------------------------------------------------
@hooks.register("register_admin_urls")
def register_take_offline_urls():
    return [
        path("offline-nehmen/", views.take_offline_index, name="komma_take_offline_index"),
        path("offline-nehmen/<int:page_id>/", views.take_offline, name="komma_take_page_offline"),
    ]


class TakeOfflineMenuItem(MenuItem):
    def is_shown(self, request):
        return may_take_pages_offline(request.user)


@hooks.register("register_admin_menu_item")
def register_take_offline_menu_item():
    return TakeOfflineMenuItem(
        gettext_lazy("Take a page offline"),
        reverse("komma_take_offline_index"),
        icon_name="warning",
        order=230,
    )


class TakeOfflineButton(PageMenuItem):
    label = gettext_lazy("Take offline (emergency)")
    icon_name = "warning"
    url_name = "komma_take_page_offline"

    def is_shown(self, user):
        return self.page.live and self.page.depth > 1 and may_take_pages_offline(user)


@hooks.register("register_page_header_buttons")
def take_offline_header_button(page, user, view_name, next_url=None):
    yield TakeOfflineButton(page=page, priority=62)


@hooks.register("register_page_listing_more_buttons")
def take_offline_listing_button(page, user, next_url=None):
    yield TakeOfflineButton(page=page, priority=42)
