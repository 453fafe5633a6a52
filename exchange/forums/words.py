"""Watched words: which of them a text triggers, and the strongest resulting action."""

import re
from dataclasses import dataclass

from django.core.cache import cache

from .models import WatchedWord

CACHE_KEY = "forums:watched-words:v1"
# Strongest first: one blocking word decides.
SEVERITY = (
    WatchedWord.Action.BLOCK,
    WatchedWord.Action.REQUIRE_APPROVAL,
    WatchedWord.Action.FLAG,
)


@dataclass(frozen=True)
class Match:
    word: str
    action: str


def pattern_for(word: str) -> re.Pattern:
    """``*`` matches letters within a word; everything else is literal; case-insensitive."""
    parts = [re.escape(part) for part in word.strip().split("*")]
    body = r"\w*".join(parts)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _compiled() -> list[tuple[re.Pattern, str, str]]:
    words = cache.get(CACHE_KEY)
    if words is None:
        words = list(WatchedWord.objects.values_list("word", "action"))
        cache.set(CACHE_KEY, words, 300)
    return [(pattern_for(word), word, action) for word, action in words]


def forget_cache() -> None:
    """Call after watched words change (actions and the admin viewset do)."""
    cache.delete(CACHE_KEY)


def matches(*texts: str) -> list[Match]:
    """Every watched word found in any of ``texts``, strongest action first."""
    found = []
    for pattern, word, action in _compiled():
        if any(pattern.search(text or "") for text in texts):
            found.append(Match(word, action))
    return sorted(found, key=lambda match: SEVERITY.index(match.action))


def strongest(found: list[Match]) -> str | None:
    return found[0].action if found else None
