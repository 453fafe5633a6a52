"""Cache headers for pages that belong to one member."""

from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """Responses to logged-in members are neither cached nor stored.

    Town-hall computers are shared: a page with someone's profile or data must not
    come back from the browser cache or a proxy for the next person. Responses that
    already set Cache-Control (static files, /healthz) keep theirs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
