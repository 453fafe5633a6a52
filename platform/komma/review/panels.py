"""The editors' dashboard panel of the review workflow."""

from wagtail.admin.ui.components import Component

from .selectors import awaiting_review, stale_pages

PANEL_LIMIT = 10


class ReviewDashboardPanel(Component):
    """Pages awaiting review and pages not reviewed for a year, on the admin dashboard.

    Ordered before Wagtail's own workflow panels (210, 220): the four-eyes review
    is the editors' daily work. Receivers decide who gets the panel
    (``receivers.review_panel``).
    """

    name = "komma_review"
    template_name = "review/dashboard_panel.html"
    order = 150

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        awaiting, awaiting_total = awaiting_review(self.request.user, limit=PANEL_LIMIT)
        stale, stale_total = stale_pages(limit=PANEL_LIMIT)
        return {
            "awaiting": awaiting,
            "awaiting_more": awaiting_total - len(awaiting),
            "awaiting_total": awaiting_total,
            "stale": stale,
            "stale_more": stale_total - len(stale),
            "stale_total": stale_total,
        }
