"""The plugin contract of KomMA Netzwerk.

A feature module (exchange, toolbox, alliance, ...) is a Django app whose
``AppConfig`` subclasses :class:`plugins.base.PluginConfig`. This package knows
the plugins; the core never imports a plugin module by name.

- ``discovery``: which plugin apps are installed (settings list + entry points)
- ``base``: the ``PluginConfig`` base class with the plugin's metadata
- ``registry``: the installed plugins and whether each is switched on
- ``hooks``: the documented hook points (plugin-scoped signals)
- ``urls`` / ``routing``: mounting of each plugin's HTTP and WebSocket routes
- ``middleware``: answers 404 for a switched-off plugin's URLs
"""
