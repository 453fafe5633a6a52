"""Small request helpers shared by the apps' views."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str = "", *, field: str = "next") -> str:
    """Where to go back to after a POST: the ``next`` field if it is a URL of this
    site (no open redirect to another host or scheme), else ``fallback``."""
    target = request.POST.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def wants_json(request) -> bool:
    """Whether the request was sent by a page's script asking for JSON (``fetch``
    with ``Accept: application/json``) rather than by a plain form."""
    return "application/json" in request.headers.get("Accept", "")
