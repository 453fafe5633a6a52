"""Find the plugin apps to install. Runs while settings load: no Django imports.

Built-in plugins are listed in settings (``KOMMA_BUILTIN_PLUGINS``). Third-party
plugins announce themselves through the entry-point group ``komma.plugins``::

    [project.entry-points."komma.plugins"]
    mytool = "mytool.apps.MyToolConfig"

The entry point's *name* is the plugin id; its value is the dotted path of the
app (an ``AppConfig`` class or an app module). ``KOMMA_PLUGINS_EXCLUDE`` names
plugin ids or dotted paths that are not installed even though they are found.
"""

from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "komma.plugins"


def entry_point_plugins() -> dict[str, str]:
    """Plugin id -> dotted app path, for every installed distribution's entry point."""
    found: dict[str, str] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        # A name registered twice (two distributions) keeps the first; the
        # registry's system check reports duplicate plugin ids later.
        found.setdefault(entry_point.name, entry_point.value)
    return found


def _plugin_id_of(dotted_path: str) -> str:
    """Best guess of a settings-listed plugin's id before its AppConfig is loaded."""
    parts = dotted_path.split(".")
    # "toolbox.apps.ToolboxConfig" -> "toolbox"; "exchange.forums" -> "forums"
    if len(parts) >= 3 and parts[-2] == "apps":
        return parts[-3]
    return parts[-1]


def discover_plugin_apps(builtin: list[str], exclude: list[str]) -> list[str]:
    """The dotted app paths to add to INSTALLED_APPS, built-ins first, in a stable order."""
    excluded = set(exclude)
    apps: list[str] = []
    for path in builtin:
        if path not in excluded and _plugin_id_of(path) not in excluded:
            apps.append(path)
    for plugin_id, path in sorted(entry_point_plugins().items()):
        if plugin_id in excluded or path in excluded or path in apps:
            continue
        apps.append(path)
    return apps
