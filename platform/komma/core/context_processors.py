"""Template context for the site chrome (navigation, account menu)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .frame import footer_links, frame_facts
from .navigation import account_links, build_navigation


def site_chrome(request):
    """Lazy, so pages that do not render the chrome (JSON, files) pay nothing."""
    return {
        # Editors write in the site's language; UI text follows the reader's choice.
        "content_language": settings.LANGUAGE_CODE,
        "main_navigation": SimpleLazyObject(lambda: build_navigation(request)),
        "can_invite": SimpleLazyObject(lambda: frame_facts(request.user).can_invite),
        "frame_facts": SimpleLazyObject(lambda: frame_facts(request.user)),
        "footer_links": SimpleLazyObject(lambda: footer_links(request)),
        "account_links": SimpleLazyObject(
            lambda: account_links(request) if request.user.is_authenticated else []
        ),
    }
