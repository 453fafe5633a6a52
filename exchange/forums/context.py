"""What every forum page's frame (``forums/base.html``) needs."""

from .access import forum_viewer
from .notifications import unread_count


def frame(request, section: str) -> dict:
    """Template context of the forum frame: the viewer's facts, the current section
    of the forum navigation and the unread notification count (one query)."""
    return {
        "forum_viewer": forum_viewer(request.user),
        "forum_section": section,
        "forum_unread_notifications": unread_count(request.user),
    }
