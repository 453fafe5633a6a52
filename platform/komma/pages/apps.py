"""Wagtail page tree of the knowledge platform."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """Home page and standard pages; knowledge pages join in the knowledge-platform issue."""

    name = "komma.pages"
    label = "pages"
    verbose_name = _("Pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .setup import ensure_core_pages

        post_migrate.connect(ensure_core_pages, sender=self)
