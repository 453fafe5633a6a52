"""Conversations app: private messages between members."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """Core app (not a plugin): "contact the team behind this" on core pages needs it,
    and a private conversation must not vanish because a module was switched off."""

    name = "komma.conversations"
    label = "conversations"
    verbose_name = _("Messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the GDPR export section)
