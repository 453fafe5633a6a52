"""Freshness of directory entries, and the editors' permissions and dashboard panel.

An entry not verified for 12 months (``models.VERIFICATION_MAX_AGE_DAYS``) is
flagged to the editors (dashboard panel, with the pending proposals) and to the
entry's verified partners ("Meine Einträge": "Bitte prüfen").

Decision: a partner who finds the entry still correct confirms it with one click.
That changes no data, so it needs no review; it sets ``last_verified_at`` to now and
``verified_by_role`` to "partner", and is logged. A partner who finds something
wrong proposes a change instead (reviewed; approval counts as an editor's check).
"""

from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component
from wagtail.log_actions import log

from plugins.hooks import editor_dashboard_panels, role_permissions

from .models import ChangeProposal, Organization, ProposalStatus, VerifierRole
from .proposals import may_propose, may_review
from .selectors import stale_organizations

PANEL_LIMIT = 10

# What the directory's editors may do in the Wagtail admin. The same roles as
# ``access.EDITOR_ROLES`` (Redaktion, Redaktion Freigabe, Administration).
EDITOR_PERMISSIONS = [
    "alliance.view_changeproposal", "alliance.change_changeproposal",
    "alliance.view_organization", "alliance.change_organization", "alliance.add_organization",
    "alliance.view_partnerlink", "alliance.change_partnerlink", "alliance.add_partnerlink",
    "alliance.delete_partnerlink",
]  # fmt: skip


@receiver(role_permissions, dispatch_uid="alliance.role_permissions")
def alliance_role_permissions(sender, **kwargs):
    """Editors review proposals, curate entries and verify partner links."""
    return {role: list(EDITOR_PERMISSIONS) for role in ("editor", "reviewer", "admin")}


# --- Partner: confirm ------------------------------------------------------------------------
def check_confirm_current(user, organization: Organization) -> Organization:
    """A verified partner confirms that the entry is still correct."""
    if not may_propose(user, organization):
        raise PermissionDenied(_("Only a verified partner of this organisation may confirm it."))
    return do_confirm_current(user, organization)


def do_confirm_current(user, organization: Organization) -> Organization:
    now = timezone.now()
    Organization.objects.filter(pk=organization.pk).update(
        last_verified_at=now, verified_by_role=VerifierRole.PARTNER
    )
    organization.last_verified_at, organization.verified_by_role = now, VerifierRole.PARTNER
    log(instance=organization, action="alliance.entry_confirm", user=user,
        data={"reason": "", "role": VerifierRole.PARTNER})  # fmt: skip
    return organization


# --- Editors: dashboard panel ------------------------------------------------------------------
class DirectoryDashboardPanel(Component):
    """Pending proposals and entries not verified for 12 months, oldest first."""

    name = "alliance_directory"
    template_name = "alliance/review/dashboard_panel.html"
    order = 160

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        stale_qs = stale_organizations(self.request.user)
        stale = list(stale_qs[:PANEL_LIMIT])
        stale_total = stale_qs.count() if len(stale) == PANEL_LIMIT else len(stale)
        pending = ChangeProposal.objects.filter(status=ProposalStatus.PENDING).count()
        return {
            "stale": stale,
            "stale_total": stale_total,
            "stale_more": stale_total - len(stale),
            "pending": pending,
        }


@receiver(editor_dashboard_panels, dispatch_uid="alliance.dashboard_panel")
def directory_dashboard_panel(sender, request, **kwargs):
    if not may_review(request.user):
        return []
    return [DirectoryDashboardPanel(request)]
