"""The base class every feature plugin's AppConfig subclasses."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class PluginConfig(AppConfig):
    """An installable feature module of KomMA Netzwerk.

    Subclasses declare their metadata as class attributes::

        class ToolboxConfig(PluginConfig):
            name = "toolbox"
            plugin_id = "toolbox"
            verbose_name = _("Kommunikations-Toolbox")
            module_area = "2a"
            version = "1.0"
            description = _("Resources for public communication after hate incidents.")

    Optional attributes:

    - ``url_prefix``: where the plugin's ``urls`` module is mounted (default: the id);
    - ``urls_module`` / ``routing_module``: dotted modules with ``urlpatterns`` and
      ``websocket_urlpatterns``; by default ``<app>.urls`` and ``<app>.routing`` when
      they exist;
    - ``enabled_by_default``: the switch position before an editor touches it.

    The core mounts the URLs under the namespace ``plugin_id`` and the WebSocket
    routes under ``/ws/<url_prefix>/``; receivers of the hook points in
    :mod:`plugins.hooks` that live in the plugin's package only run while the
    plugin is switched on.
    """

    plugin_id: str = ""
    module_area: str = ""
    version: str = "0"
    description: str = ""
    url_prefix: str | None = None
    urls_module: str | None = None
    routing_module: str | None = None
    enabled_by_default: bool = True

    def __init__(self, app_name, app_module):
        super().__init__(app_name, app_module)
        if not self.plugin_id:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare a plugin_id.")

    @property
    def mount_prefix(self) -> str:
        """The URL path segment the plugin lives under (no slashes)."""
        return (self.url_prefix if self.url_prefix is not None else self.plugin_id).strip("/")

    def _optional_module(self, explicit: str | None, suffix: str):
        dotted = explicit or f"{self.name}.{suffix}"
        if explicit is None and find_spec(dotted) is None:
            return None
        return import_module(dotted)

    def get_urls_module(self):
        """The module with the plugin's ``urlpatterns``, or None when it has no pages."""
        return self._optional_module(self.urls_module, "urls")

    def get_websocket_urlpatterns(self) -> list:
        """The plugin's WebSocket routes (``websocket_urlpatterns``), possibly empty."""
        module = self._optional_module(self.routing_module, "routing")
        return list(getattr(module, "websocket_urlpatterns", [])) if module else []

    def metadata(self) -> dict:
        """The plugin's metadata as plain data (admin listing, /healthz, exports)."""
        return {
            "id": self.plugin_id,
            "name": str(self.verbose_name),
            "module_area": self.module_area,
            "version": self.version,
            "description": str(self.description),
            "app": self.name,
        }
