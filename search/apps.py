"""Search app config (core infrastructure, not a plugin)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search backends and their health; keeps the index current (``indexing``)."""

    name = "search"
    label = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, indexing  # noqa: F401 - checks registers itself

        indexing.setup()
