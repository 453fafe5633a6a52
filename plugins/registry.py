"""The installed plugins and their on/off state.

The state lives in the database (``PluginState``) and is cached in the default
cache, which every process shares in production (Redis), so a switch takes
effect everywhere without a deploy. Saving a state clears the cache entry.
"""

from functools import cache as memoize

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError

from .base import PluginConfig

STATE_CACHE_KEY = "plugins:stored-states:v2"
STATE_CACHE_SECONDS = 300


def installed_plugins() -> list[PluginConfig]:
    """Every installed plugin, in INSTALLED_APPS order."""
    return [app for app in apps.get_app_configs() if isinstance(app, PluginConfig)]


def get_plugin(plugin_id: str) -> PluginConfig | None:
    """The installed plugin with this id, or None."""
    for plugin in installed_plugins():
        if plugin.plugin_id == plugin_id:
            return plugin
    return None


@memoize
def _module_prefixes() -> tuple[tuple[str, str], ...]:
    # Longest package first, so "exchange.live" wins over "exchange".
    pairs = [(plugin.name, plugin.plugin_id) for plugin in installed_plugins()]
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


def plugin_id_for_module(module_name: str) -> str | None:
    """The id of the plugin whose package contains ``module_name``, or None (core)."""
    for package, plugin_id in _module_prefixes():
        if module_name == package or module_name.startswith(package + "."):
            return plugin_id
    return None


def plugin_states() -> dict[str, bool]:
    """plugin id -> switched on, for every plugin installed in *this* process.

    The shared cache holds only what the database says; defaults of plugins without
    a row are filled in per process, so processes with different plugin sets (a
    rolling deploy) never overwrite each other's view.
    """
    stored = cache.get(STATE_CACHE_KEY)
    if stored is None:
        from .models import PluginState

        stored = dict(PluginState.objects.values_list("plugin_id", "enabled"))
        cache.set(STATE_CACHE_KEY, stored, STATE_CACHE_SECONDS)
    return {
        plugin.plugin_id: stored.get(plugin.plugin_id, plugin.enabled_by_default)
        for plugin in installed_plugins()
    }


def is_enabled(plugin_id: str) -> bool:
    """Whether the plugin is installed and switched on."""
    return plugin_states().get(plugin_id, False)


def enabled_plugins() -> list[PluginConfig]:
    """The installed plugins that are switched on."""
    states = plugin_states()
    return [plugin for plugin in installed_plugins() if states.get(plugin.plugin_id)]


def forget_states() -> None:
    """Drop the cached states; the next read goes to the database."""
    cache.delete(STATE_CACHE_KEY)


def ensure_plugin_rows(**kwargs) -> None:
    """Create a switch row for each installed plugin that has none (post_migrate)."""
    from .models import PluginState

    try:
        existing = set(PluginState.objects.values_list("plugin_id", flat=True))
        PluginState.objects.bulk_create(
            [
                PluginState(plugin_id=plugin.plugin_id, enabled=plugin.enabled_by_default)
                for plugin in installed_plugins()
                if plugin.plugin_id not in existing
            ]
        )
    except DatabaseError:  # the table does not exist yet (first migrate of another app)
        return
    forget_states()


def belongs_to_switched_off_plugin(cls) -> bool:
    """Whether a class (a page model, a view) lives in an installed, switched-off plugin."""
    plugin_id = plugin_id_for_module(cls.__module__)
    return plugin_id is not None and not is_enabled(plugin_id)


def switched_off_models() -> list:
    """Models of installed plugins that are switched off (for sitemaps and listings)."""
    states = plugin_states()
    return [
        model
        for plugin in installed_plugins()
        if not states.get(plugin.plugin_id, False)
        for model in plugin.get_models()
    ]
