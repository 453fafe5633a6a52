"""Plain text people type: which characters have no place in it.

One definition for every app, so that a form, an action and an export agree:

- control characters (Unicode category ``Cc``) except tab, and except line breaks
  where several lines are allowed: they are invisible, and PostgreSQL refuses NUL
  in text columns;
- the invisible direction overrides (U+202A–U+202E): they make a text read
  differently from what it says;
- surrogates (``Cs``) and the 66 Unicode noncharacters (U+FDD0–U+FDEF and the last
  two code points of every plane, e.g. U+FFFE, U+FFFF): they are not characters,
  and XML (so .docx) and many libraries cannot hold them.

Other unassigned code points (``Cn``) are *not* refused: they are mostly characters
newer than Python's Unicode database (a new emoji typed on a phone), and they do no
harm.

``check_plain_text`` refuses such text with a message (for forms and actions);
``strip_plain_text`` removes the characters (for text that must be kept as far as
possible, e.g. evidence pasted into an incident record).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = frozenset("\n\r")
DIRECTION_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e")


def is_noncharacter(char: str) -> bool:
    """A Unicode noncharacter (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF)."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def refused_character(value: str, *, multiline: bool = True) -> str | None:
    """The first character of ``value`` that plain text may not contain (see the
    module docstring); line breaks only count when not ``multiline``. None if
    there is none."""
    for char in value:
        if char == "\t" or (multiline and char in LINE_BREAKS):
            continue
        if char in LINE_BREAKS or char in DIRECTION_OVERRIDES or is_noncharacter(char):
            return char
        if unicodedata.category(char) in ("Cc", "Cs"):
            return char
    return None


def check_plain_text(value: str, *, multiline: bool = True) -> None:
    """Raise ``ValidationError`` (codes ``line_break``, ``control_character``,
    ``not_a_character``) with a message naming the refused character's code."""
    char = refused_character(value or "", multiline=multiline)
    if char is None:
        return
    if char in LINE_BREAKS:
        raise ValidationError(
            _("This field takes one line; remove the line breaks."), code="line_break"
        )
    if unicodedata.category(char) == "Cc" or char in DIRECTION_OVERRIDES:
        raise ValidationError(
            _(
                "The text contains invisible control characters (code %(code)s), which "
                "are not allowed. Type or paste the text again without them."
            ),
            code="control_character",
            params={"code": f"U+{ord(char):04X}"},
        )
    raise ValidationError(
        _(
            "The text contains a code that is not a character (%(code)s), for example "
            "from a damaged copy. Type or paste the text again without it."
        ),
        code="not_a_character",
        params={"code": f"U+{ord(char):04X}"},
    )


def strip_plain_text(value: str, *, multiline: bool = True) -> str:
    """``value`` without the characters ``check_plain_text`` refuses (line breaks
    are kept when ``multiline``, else removed)."""
    return "".join(char for char in value if refused_character(char, multiline=multiline) is None)
