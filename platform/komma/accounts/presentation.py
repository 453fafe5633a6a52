"""The one rendering path for a person: ``present_person`` and ``person_json``.

Every page, JSON response, WebSocket event, search result and e-mail that shows
a person goes through here (templates through the ``people`` template tags). It
shows the pseudonym and avatar, and identity fields only where ``privacy.may_see``
allows them.
"""

from dataclasses import asdict, dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .avatar import avatar_svg
from .privacy import may_see, visible_municipality_ids

PEOPLE_PREFETCH = ("memberships__municipality",)


@dataclass(frozen=True)
class PersonCard:
    """What one viewer may see of one person."""

    pseudonym: str
    is_former_member: bool
    profile_url: str | None
    bio: str
    real_name: str | None
    office: str | None
    municipality: str | None
    avatar: str  # inline SVG markup, decorative


def present_person(subject, viewer, *, with_identity: bool = True) -> PersonCard:
    """What ``viewer`` (a user or AnonymousUser) may see of ``subject``.

    ``with_identity=False`` gives pseudonym and avatar only (bylines, menus): no
    identity field is looked at, so it costs no query. Pass subjects fetched with
    ``prefetch_related(*PEOPLE_PREFETCH)`` when showing many full cards.
    """
    if subject is None or subject.is_deleted:
        card = PersonCard(
            pseudonym=_("former member"),
            is_former_member=True,
            profile_url=None,
            bio="",
            real_name=None,
            office=None,
            municipality=None,
            avatar=avatar_svg(b"\x00" * 32),
        )
        return card
    municipality = None
    if with_identity:
        visible = visible_municipality_ids(viewer, subject)
        names = sorted(
            m.municipality.name for m in subject.memberships.all() if m.municipality_id in visible
        )
        municipality = ", ".join(names) or None
    card = PersonCard(
        pseudonym=subject.pseudonym,
        is_former_member=False,
        profile_url=(
            reverse("accounts:member", kwargs={"pseudonym": subject.pseudonym})
            if viewer is not None and viewer.is_authenticated
            else None
        ),
        bio=subject.bio,
        real_name=(
            (subject.real_name or None)
            if with_identity and may_see(viewer, subject, "real_name")
            else None
        ),
        office=(
            (subject.office or None)
            if with_identity and may_see(viewer, subject, "office")
            else None
        ),
        municipality=municipality,
        avatar=avatar_svg(subject.avatar_digest()),
    )
    return card


def person_json(subject, viewer) -> dict:
    """The person as JSON for APIs and WebSocket events (same rules as pages)."""
    data = asdict(present_person(subject, viewer))
    data.pop("avatar")  # markup for pages; JSON clients draw their own
    # Fields the viewer may not see are left out, not sent as null.
    return {key: value for key, value in data.items() if value is not None}
