"""The forums plugin's AppConfig."""

from django.utils.translation import gettext_lazy as _

from plugins.base import PluginConfig


class ForumsConfig(PluginConfig):
    """Moderated peer-consulting forums of module 3a."""

    name = "exchange.forums"
    label = "forums"
    plugin_id = "forums"
    verbose_name = _("Forums (kollegiale Beratung)")
    module_area = "3a"
    version = "1.0"
    description = _("Moderated peer-consulting forums: members bring in cases, colleagues advise.")
    url_prefix = "foren"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import live_hooks, moderation, receivers  # noqa: F401  (connect receivers)
