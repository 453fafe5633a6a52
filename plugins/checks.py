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
