"""Validators for identity and pseudonym fields."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import AGS_STATE_PREFIX

PSEUDONYM_RE = re.compile(r"^[A-Za-zÄÖÜäöüß0-9][A-Za-zÄÖÜäöüß0-9._-]{2,29}$")
# Names that would impersonate the platform or the anonymous labels it shows.
RESERVED_PSEUDONYMS = {
    "admin", "administrator", "administration", "moderator", "moderation", "redaktion",
    "komma", "system", "support", "ehemaliges-mitglied", "mitglied", "anonym", "root",
}  # fmt: skip


def validate_pseudonym(value: str) -> None:
    """3-30 letters, digits, dot, dash or underscore, starting with a letter or digit."""
    if not PSEUDONYM_RE.match(value or ""):
        raise ValidationError(
            _(
                "A pseudonym has 3 to 30 characters: letters, digits, dot, hyphen or "
                "underscore, and starts with a letter or digit."
            ),
            code="invalid_pseudonym",
        )
    if value.lower() in RESERVED_PSEUDONYMS:
        raise ValidationError(_("This pseudonym is reserved."), code="reserved_pseudonym")


AGS_RE = re.compile(r"^\d{5}(\d{3})?$")


def validate_ags(value: str) -> None:
    """An Amtlicher Gemeindeschlüssel: 8 digits (5 for a Landkreis), valid state prefix."""
    if not AGS_RE.match(value or ""):
        raise ValidationError(_("The AGS has 8 digits (5 for a Landkreis)."), code="invalid_ags")
    if value[:2] not in AGS_STATE_PREFIX:
        raise ValidationError(_("The AGS does not start with a state code."), code="invalid_ags")
