"""Core app: site chrome, health, audit, demo data. Not a plugin."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Site-wide pieces every module relies on."""

    name = "komma.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .frame import connect_signals

        connect_signals()
