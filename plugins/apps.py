"""App config of the plugin contract itself (not a plugin)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PluginsContractConfig(AppConfig):
    """Holds the switch states and mounts the installed plugins."""

    name = "plugins"
    label = "plugins"
    verbose_name = _("Plugins")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers checks and receivers)
        from .registry import ensure_plugin_rows

        post_migrate.connect(ensure_plugin_rows, sender=self)
