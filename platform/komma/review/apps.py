"""Review app: four-eyes approval of pages before they are published."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Core app (not a plugin): publishing knowledge pages always needs a second editor."""

    name = "komma.review"
    label = "review"
    verbose_name = _("Editorial review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the receivers
        from .setup import ensure_review_workflow

        # Sent after komma.pages' post_migrate (INSTALLED_APPS order), so the home
        # page exists; the role groups are created here if sync_roles has not yet.
        post_migrate.connect(ensure_review_workflow, sender=self)
