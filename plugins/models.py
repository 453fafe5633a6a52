"""Persistent state of the plugin contract: one on/off switch per plugin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PluginState(models.Model):
    """Whether an installed plugin is switched on. Editors flip it in the admin.

    A row exists for every installed plugin (created after migrate and on first
    read); rows of plugins that are no longer installed are kept, so a plugin
    that comes back keeps its position.
    """

    plugin_id = models.SlugField(_("plugin"), max_length=64, unique=True)
    enabled = models.BooleanField(_("switched on"), default=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["plugin_id"]
        verbose_name = _("plugin switch")
        verbose_name_plural = _("plugin switches")

    def __str__(self):
        return self.plugin_id

    @property
    def plugin(self):
        """The installed PluginConfig, or None when the plugin is not installed now."""
        from .registry import get_plugin

        return get_plugin(self.plugin_id)
