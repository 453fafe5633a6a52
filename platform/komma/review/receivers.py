"""Signal receivers of the review app: review dates and the editors' dashboard panel."""

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.utils import timezone
from wagtail.models import Page
from wagtail.signals import workflow_approved

from komma.pages.models import ContentPage
from plugins.hooks import editor_dashboard_panels

from .selectors import can_curate_pages


@receiver(workflow_approved, dispatch_uid="komma.review.mark_page_reviewed")
def mark_page_reviewed(sender, instance, user=None, **kwargs):
    """A page whose workflow was approved counts as reviewed now.

    A queryset update, not ``save()``: saving would create no revision but would
    write the whole page row from a possibly stale instance. Snippets in workflows
    and pages that are not content pages update nothing.
    """
    if instance.base_content_type_id != ContentType.objects.get_for_model(Page).pk:
        return
    ContentPage.objects.filter(pk=int(instance.object_id)).update(last_reviewed_at=timezone.now())


@receiver(editor_dashboard_panels, dispatch_uid="komma.review.review_panel")
def review_panel(sender, request, **kwargs):
    """The review panel for everyone who curates pages (editors, reviewers, superusers)."""
    from .panels import ReviewDashboardPanel

    if not can_curate_pages(request.user):
        return []
    return [ReviewDashboardPanel(request)]
