"""Pseudonym suggestions: friendly, unrelated to the person, unique."""

import secrets

ADJECTIVES = (
    "Mutige", "Klare", "Ruhige", "Wache", "Offene", "Stete", "Helle", "Kluge",
    "Freie", "Feste", "Stille", "Weite", "Treue", "Starke", "Gute", "Neue",
)  # fmt: skip
NOUNS = (
    "Eiche", "Linde", "Brücke", "Stimme", "Welle", "Lampe", "Quelle", "Feder",
    "Weide", "Insel", "Kante", "Harfe", "Mühle", "Fackel", "Wiese", "Lerche",
)  # fmt: skip


def _candidate() -> str:
    return f"{secrets.choice(ADJECTIVES)}{secrets.choice(NOUNS)}{secrets.randbelow(90) + 10}"


def suggest_pseudonym(attempts: int = 20) -> str:
    """A free pseudonym such as "MutigeEiche42" (checked against existing members)."""
    from .models import User

    for _attempt in range(attempts):
        candidate = _candidate()
        if not User.objects.filter(pseudonym__iexact=candidate).exists():
            return candidate
    # 16*16*90 combinations; reaching this means a crowded namespace, so widen it.
    return f"{_candidate()}{secrets.randbelow(9000) + 1000}"[:30]
