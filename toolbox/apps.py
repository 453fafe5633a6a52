"""The toolbox plugin's AppConfig."""

from django.utils.translation import gettext_lazy as _

from plugins.base import PluginConfig


class ToolboxConfig(PluginConfig):
    """The communications toolbox of module 2a."""

    name = "toolbox"
    label = "toolbox"
    plugin_id = "toolbox"
    verbose_name = _("Communications toolbox")
    module_area = "2a"
    version = "1.0"
    description = _(
        "Templates, guides, checklists and FAQs for public communication after hate "
        "incidents; crisis playbook and incident records of the municipalities."
    )
    url_prefix = "toolbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connect receivers)
