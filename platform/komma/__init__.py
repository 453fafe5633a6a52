"""KomMA Netzwerk core: settings, URL and ASGI/WSGI wiring and the core apps.

The folder above this package (``platform/``) is deliberately *not* a package:
``platform`` is a standard-library module, and a package of that name would
shadow it (``import uuid`` imports ``platform``; Django would break).
"""
