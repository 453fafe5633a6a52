"""System checks of the plugin contract."""

from collections import Counter

from django.core.checks import Error, register

from .registry import installed_plugins


@register()
def check_plugin_ids(app_configs=None, **kwargs):
    """Plugin ids and URL prefixes are unique (they become URL namespaces and paths)."""
    errors = []
    plugins = installed_plugins()
    for field, values in (
        ("plugin id", Counter(p.plugin_id for p in plugins)),
        ("URL prefix", Counter(p.mount_prefix for p in plugins)),
    ):
        for value, count in values.items():
            if count > 1:
                errors.append(
                    Error(f"{count} plugins share the {field} {value!r}.", id="plugins.E001")
                )
    return errors


@register()
def check_excluded_plugins_are_gone(app_configs=None, **kwargs):
    """KOMMA_PLUGINS_EXCLUDE names plugin ids; a listed plugin must not be installed."""
    from django.conf import settings

    excluded = set(getattr(settings, "KOMMA_PLUGINS_EXCLUDE", []))
    return [
        Error(
            f"Plugin {plugin.plugin_id!r} is excluded but still installed "
            f"(it is listed as {plugin.name!r}; exclude that path or its id).",
            id="plugins.E002",
        )
        for plugin in installed_plugins()
        if plugin.plugin_id in excluded
        and plugin.name not in excluded
        and plugin.name.split(".")[-1] not in excluded
    ]
