"""Media app: the platform's Wagtail image model."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    """Images whose files reveal neither their name nor where and when they were taken."""

    name = "komma.media"
    label = "media"
    verbose_name = _("Media")
    default_auto_field = "django.db.models.BigAutoField"
