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

from .visibility import may_read


@dataclass(frozen=True)
class ContactTarget:
    """The recipient of a page's contact block, and the alias the sender sees (or "")."""

    user: object
    alias: str


def alias_for(page, member, viewer) -> str:
    """The alias ``viewer`` sees instead of ``member``'s pseudonym on ``page`` ("" = none).

    The pseudonym is shown only where the pair (pseudonym, page) tells the reader
    nothing the member has not already chosen to show them:

    - members of no municipality (programme staff): always;
    - a page that withholds the name of the member's municipality (no public naming
      consent): only to colleagues of that municipality to whom the member shows
      it, because the member's profile could otherwise name the page's source;
    - otherwise: to readers who may see every one of the member's municipalities
      (a member of several would else be tied to the one the page names).
    """
    from komma.accounts.privacy import visible_municipality_ids

    member_towns = {m.municipality_id for m in member.memberships.all()}
    if not member_towns:
        return ""
    visible = visible_municipality_ids(viewer, member)
    withheld = getattr(page, "municipality", None)
    if withheld is not None and not withheld.public_naming_consent and withheld.pk in member_towns:
        from komma.accounts.privacy import viewer_facts

        shown = withheld.pk in visible and withheld.pk in viewer_facts(viewer).municipality_ids
    else:
        shown = member_towns <= visible
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
