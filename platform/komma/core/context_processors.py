"""Template context for the site chrome (navigation, account menu)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import account_links, build_navigation


def site_chrome(request):
    """Lazy, so pages that do not render the chrome (JSON, files) pay nothing."""
    return {
        # Editors write in the site's language; UI text follows the reader's choice.
        "content_language": settings.LANGUAGE_CODE,
        "main_navigation": SimpleLazyObject(lambda: build_navigation(request)),
        "can_invite": SimpleLazyObject(lambda: _can_invite(request)),
        "account_links": SimpleLazyObject(
            lambda: account_links(request) if request.user.is_authenticated else []
        ),
    }


def _can_invite(request) -> bool:
    from komma.accounts.selectors import can_invite

    return request.user.is_authenticated and can_invite(request.user)
