""" "Contact the team behind this": who receives the message, and how they are shown.

A contact block links a member's pseudonym to a page. Where the page names (or
describes) the member's municipality, that link would tell readers where the
person works, so most readers write to "the team behind this page" instead, and
the conversation keeps that alias for them (rules in ``alias_for``).
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
    """The alias ``viewer`` sees instead of ``member``'s pseudonym on ``page`` ("" = none).

    Where the page withholds the name of the member's own municipality (no public
    naming consent), only colleagues of that municipality see the pseudonym: the
    member's profile may show the municipality to the whole network, and the pair
    would name the source of the page. Elsewhere the pseudonym is shown to readers who
    may see the member's municipality anyway, and for members of no municipality
    (programme staff).
    """
    from komma.accounts.privacy import viewer_facts

    member_towns = {m.municipality_id for m in member.memberships.all()}
    withheld = getattr(page, "municipality", None)
    if withheld is not None and not withheld.public_naming_consent and withheld.pk in member_towns:
        shown = withheld.pk in viewer_facts(viewer).municipality_ids
    else:
        shown = not member_towns or may_see(viewer, member, "municipality")
    return "" if shown else _("the team behind “%(title)s”") % {"title": page.title}


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
