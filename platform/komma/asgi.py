"""ASGI entry point, served by Daphne: HTTP to Django, WebSockets to the plugins.

daphne -b 0.0.0.0 -p 8001 komma.asgi:application
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komma.settings.production")

# Django must be set up before anything touches models (the routers below do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from plugins.routing import plugin_websocket_router  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origin first (a foreign page's socket is refused at the handshake), then
        # the session user into scope["user"], then the plugins' routes.
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(plugin_websocket_router())),
    }
)
