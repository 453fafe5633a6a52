"""The context every toolbox page needs (its navigation depends on the viewer)."""

from .access import toolbox_viewer


def frame(request, section: str, **context) -> dict:
    """Template context of a toolbox page: the viewer facts, the current section
    of the toolbox navigation, and ``context``."""
    return {"toolbox_viewer": toolbox_viewer(request.user), "toolbox_section": section, **context}
