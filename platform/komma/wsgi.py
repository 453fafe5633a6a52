"""WSGI entry point for production HTTP (gunicorn komma.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komma.settings.production")

application = get_wsgi_application()
