"""The alliance directory plugin's AppConfig."""

from django.utils.translation import gettext_lazy as _

from plugins.base import PluginConfig


class AllianceConfig(PluginConfig):
    """The extended-alliance directory of module 1a."""

    name = "alliance"
    label = "alliance"
    plugin_id = "alliance"
    verbose_name = _("Alliance directory")
    module_area = "1a"
    version = "1.0"
    description = _(
        "Directory of local media, civil society, business, counselling services and "
        "security authorities; local alliances of the municipalities."
    )
    url_prefix = "allianz"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connect receivers)
