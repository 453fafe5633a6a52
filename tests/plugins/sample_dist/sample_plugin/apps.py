"""The sample plugin's AppConfig: metadata only; receivers connect in ready()."""

from plugins.base import PluginConfig


class SamplePluginConfig(PluginConfig):
    """Exercises every part of the plugin contract."""

    name = "sample_plugin"
    label = "sample_plugin"
    plugin_id = "sample"
    verbose_name = "Beispiel-Plugin"
    module_area = "x"
    version = "1.0"
    description = "Test plugin for the plugin contract."
    url_prefix = "beispiel"

    def ready(self):
        from . import receivers  # noqa: F401
