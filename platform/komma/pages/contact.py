""" "Contact the team behind this": who receives the message, and how they are shown.

A contact block links a member's pseudonym to a page. Where the page names (or
describes) the member's municipality, that link would tell readers where the
person works. So the pseudonym is shown only to readers who may see the member's
municipality anyway, or when the member belongs to no municipality (programme
staff); everyone else writes to "the team behind this page", and the conversation
keeps that alias for them.
"""

from dataclasses import dataclass

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from komma.accounts.privacy import may_see

from .visibility import may_read


@dataclass(frozen=True)
class ContactTarget:
    """The recipient of a page's contact block, and the alias the sender sees (or "")."""

    user: object
    alias: str


def alias_for(page, member, viewer) -> str:
    """The alias ``viewer`` sees instead of ``member``'s pseudonym on ``page`` ("" = none)."""
    if not member.memberships.exists() or may_see(viewer, member, "municipality"):
        return ""
    return _("the team behind “%(title)s”") % {"title": page.title}


def contact_target(page, block_id: str, viewer) -> ContactTarget:
    """The member of ``page``'s contact block ``block_id``, for ``viewer``; 404 otherwise.

    The page must be readable by the viewer: a contact on a closed page is no way
    to learn who stands behind it.
    """
    if not may_read(viewer, getattr(page, "visibility", "public")):
        raise Http404
    for block in getattr(page, "body", None) or []:
        if block.id == block_id and block.block_type == "contact":
            member = block.value.get("member")
            if member is None:
                break
            return ContactTarget(user=member, alias=alias_for(page, member, viewer))
    raise Http404


def message_url(page, block_id: str) -> str | None:
    """Where the block's "write a message" button leads (``None`` before messaging exists)."""
    try:
        return reverse("conversations:contact", args=[page.pk, block_id])
    except NoReverseMatch:
        return None
