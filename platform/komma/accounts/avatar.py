"""Generated avatars: a symmetric 5x5 pattern from the member's random avatar seed.

No photo is needed and nothing about the person goes in: the seed is random and
can be re-rolled by the member.
"""

from functools import lru_cache

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

GRID = 5


@lru_cache(maxsize=2048)
def avatar_svg(digest: bytes, size: int = 40) -> SafeString:
    """An inline SVG for ``digest`` (32 bytes). Decorative: hidden from screen readers."""
    hue = int.from_bytes(digest[:2], "big") % 360
    # Dark enough for a 3:1 contrast against the light background (WCAG 1.4.11).
    foreground = f"hsl({hue} 55% 32%)"
    background = f"hsl({hue} 45% 92%)"
    cells = []
    bits = int.from_bytes(digest[2:6], "big")
    half = (GRID + 1) // 2
    for row in range(GRID):
        for col in range(half):
            if bits >> (row * half + col) & 1:
                for x in {col, GRID - 1 - col}:
                    cells.append(f'<rect x="{x + 1}" y="{row + 1}" width="1" height="1"/>')
    # Built only from integers and fixed strings above, so it is safe markup.
    body = mark_safe("".join(cells))
    return format_html(
        '<svg class="avatar" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" '
        'width="{}" height="{}" aria-hidden="true" focusable="false">'
        '<rect width="7" height="7" rx="1.2" fill="{}"/><g fill="{}">{}</g></svg>',
        size,
        size,
        background,
        foreground,
        body,
    )
