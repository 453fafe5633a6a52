"""Which access tokens a viewer holds. A document is found by a viewer holding at
least one of the document's tokens (see ``documents.IndexedDocument.access``).

Core tokens:

- ``public``: everybody;
- ``network``: every logged-in, active account;
- ``model``: members of a model municipality and the editorial team
  (``komma.pages.visibility``);
- ``municipality:<id>``: members of that municipality (records private to it).

Plugins add their own (e.g. forum categories) through the hook
``plugins.hooks.search_access_tokens``.
"""

from plugins.hooks import collect, search_access_tokens

PUBLIC = "public"
NETWORK = "network"
MODEL = "model"


def municipality_token(municipality_id: int) -> str:
    return f"municipality:{municipality_id}"


def level_tokens(level: str) -> tuple[str, ...]:
    """The tokens of a page visibility level: each level's readers include the next
    level's (a model-only page is found with ``model`` only)."""
    return {PUBLIC: (PUBLIC,), NETWORK: (NETWORK,), MODEL: (MODEL,)}.get(level, ())


def viewer_tokens(user) -> frozenset[str]:
    """The tokens ``user`` (or AnonymousUser/None) holds, computed once per user object."""
    cached = getattr(user, "_komma_search_tokens", None) if user is not None else None
    if cached is not None:
        return cached
    from komma.pages.visibility import readable_levels

    tokens = {PUBLIC}
    if user is not None and user.is_authenticated and user.is_active:
        tokens.update(readable_levels(user))
        tokens.update(
            municipality_token(pk)
            for pk in user.memberships.values_list("municipality_id", flat=True)
        )
        tokens.update(collect(search_access_tokens.send_robust(sender=None, user=user)))
    result = frozenset(tokens)
    if user is not None:
        user._komma_search_tokens = result
    return result
