"""Trainings and events ("Fortbildungen und Veranstaltungen") with registration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Core app (not a plugin): applicant municipalities are promised prioritised access
    to trainings, so registration must not vanish with a switched-off module."""

    name = "komma.events"
    label = "events"
    verbose_name = _("Trainings and events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (page publish, GDPR export)
