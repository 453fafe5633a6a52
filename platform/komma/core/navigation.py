"""The main navigation: core entries plus what switched-on plugins contribute."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plugins.hooks import NavEntry, collect, nav_entries


def core_entries(request) -> list[NavEntry]:
    """Entries of the core itself."""
    return [NavEntry(label=_("Home"), url="/", order=0, key="home")]


def build_navigation(request) -> list[dict]:
    """Entries the requesting user may follow, ordered, with the current one marked."""
    entries = core_entries(request) + collect(nav_entries.send_robust(sender=None, request=request))
    is_member = request.user.is_authenticated
    visible = [e for e in entries if is_member or not e.members_only]
    visible.sort(key=lambda e: (e.order, e.label))
    path = request.path
    current = None
    for entry in visible:  # the longest matching URL is the current entry
        if (path == entry.url or (entry.url != "/" and path.startswith(entry.url))) and (
            current is None or len(entry.url) > len(current.url)
        ):
            current = entry
    if current is None and path == "/":
        current = visible[0] if visible else None
    return [{"entry": e, "current": e is current} for e in visible]


def account_links(request) -> list[tuple[str, str]]:
    """Links of the account menu for a logged-in member."""
    from komma.accounts.selectors import can_invite

    links = [
        (_("Profile"), reverse("accounts:profile")),
        (_("Privacy"), reverse("accounts:privacy")),
        (_("Two-factor authentication"), reverse("mfa_index")),
        (_("My data"), reverse("accounts:data")),
    ]
    if can_invite(request.user):
        links.append((_("Invitations"), reverse("accounts:invitations")))
    if request.user.has_perm("wagtailadmin.access_admin"):
        links.append((_("Administration"), "/admin/"))
    return links
