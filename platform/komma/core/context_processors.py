"""Template context for the site chrome (navigation, account menu)."""

from django.utils.functional import SimpleLazyObject

from .navigation import account_links, build_navigation


def site_chrome(request):
    """Lazy, so pages that do not render the chrome (JSON, files) pay nothing."""
    return {
        "main_navigation": SimpleLazyObject(lambda: build_navigation(request)),
        "account_links": SimpleLazyObject(
            lambda: account_links(request) if request.user.is_authenticated else []
        ),
    }
