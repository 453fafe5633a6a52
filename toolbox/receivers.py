"""Hook receivers of the toolbox (see ``plugins.hooks``)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from plugins.hooks import NavEntry, editor_dashboard_panels, nav_entries, role_permissions

# Modules that connect their own receivers: demo content (demo_data), the GDPR
# export (personal_data_export), and the search documents and their index upkeep.
from . import demo, export, search  # noqa: F401

# What the editorial roles may do with toolbox content in the Wagtail admin
# (the same roles as ``access.EDITOR_ROLES``). "publish" puts a resource live,
# "lock"/"unlock" keep two editors from overwriting each other.
EDITOR_PERMISSIONS = [
    "toolbox.view_resource", "toolbox.add_resource", "toolbox.change_resource",
    "toolbox.delete_resource", "toolbox.publish_resource", "toolbox.lock_resource",
    "toolbox.unlock_resource",
    "toolbox.view_playbook", "toolbox.add_playbook", "toolbox.change_playbook",
    "toolbox.delete_playbook",
]  # fmt: skip

PANEL_LIMIT = 10


@receiver(nav_entries, dispatch_uid="toolbox.nav")
def toolbox_nav(sender, request, **kwargs):
    """ "Toolbox" in the main navigation, for everyone (public resources exist)."""
    return [NavEntry(label=_("Toolbox"), url=reverse("toolbox:index"), order=45, key="toolbox")]


@receiver(role_permissions, dispatch_uid="toolbox.role_permissions")
def toolbox_role_permissions(sender, **kwargs):
    """Editors and reviewers curate resources and playbooks (admins too)."""
    return {role: list(EDITOR_PERMISSIONS) for role in ("editor", "reviewer", "admin")}


class StaleResourcesPanel(Component):
    """Resources not reviewed for twelve months (or never), oldest first."""

    name = "toolbox_stale_resources"
    template_name = "toolbox/includes/dashboard_panel.html"
    order = 170

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        from .selectors import stale_resources

        qs = stale_resources()
        stale = list(qs.only("pk", "title", "last_reviewed", "live")[:PANEL_LIMIT])
        total = qs.count() if len(stale) == PANEL_LIMIT else len(stale)
        return {"stale": stale, "stale_total": total, "stale_more": total - len(stale)}


@receiver(editor_dashboard_panels, dispatch_uid="toolbox.dashboard_panel")
def toolbox_dashboard_panel(sender, request, **kwargs):
    """The stale-resources panel, for those who may edit resources."""
    if not request.user.has_perm("toolbox.change_resource"):
        return []
    return [StaleResourcesPanel(request)]
