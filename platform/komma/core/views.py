"""Core views: health and error pages."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .health import run_checks


@never_cache
def healthz(request):
    """JSON status of database, cache, channel layer and search: 200 healthy, else 503."""
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )
