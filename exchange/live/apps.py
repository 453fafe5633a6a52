"""The live sessions plugin's AppConfig."""

from django.utils.translation import gettext_lazy as _

from plugins.base import PluginConfig


class LiveConfig(PluginConfig):
    """Live peer-consulting sessions ("kollegiale Beratung") of module 3a."""

    name = "exchange.live"
    label = "live"
    plugin_id = "live"
    verbose_name = _("Live sessions (kollegiale Beratung)")
    module_area = "3a"
    version = "1.0"
    description = _(
        "Live peer-consulting sessions in the browser: a facilitator guides case giver "
        "and colleagues through six phases in a real-time room."
    )
    url_prefix = "live"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connect receivers)
