"""Wagtail page tree of the knowledge platform."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The page tree: home, standard pages, the knowledge hub and its pages."""

    name = "komma.pages"
    label = "pages"
    verbose_name = _("Pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
        from .setup import ensure_core_pages

        post_migrate.connect(ensure_core_pages, sender=self)
