"""Mount every installed plugin's URLs under its prefix and namespace."""

from django.urls import include, path

from .registry import installed_plugins


def plugin_urlpatterns() -> list:
    """``<prefix>/`` -> the plugin's urls module, namespaced by its plugin id.

    Installed but switched-off plugins are mounted too: the gate middleware answers
    404 for them, so switching one on needs no URLconf reload.
    """
    patterns = []
    for plugin in installed_plugins():
        module = plugin.get_urls_module()
        if module is None:
            continue
        patterns.append(
            path(
                f"{plugin.mount_prefix}/",
                include((module.urlpatterns, plugin.label), namespace=plugin.plugin_id),
            )
        )
    return patterns
