"""The main navigation: core entries plus what switched-on plugins contribute."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plugins.hooks import NavEntry, collect, nav_entries


def core_entries(request) -> list[NavEntry]:
    """Entries of the core itself: home, then the site's menu pages the user may read."""
    return [NavEntry(label=_("Home"), url="/", order=0, key="home"), *menu_page_entries(request)]


def menu_page_entries(request) -> list[NavEntry]:
    """Live "show in menus" children of the site root, narrowed to what the user may read.

    Kept in the shared cache per audience (see ``frame``): the same for every reader
    of one audience, and rebuilt when a page, restriction or site changes.
    """
    from komma.pages.visibility import audience_rank

    from .frame import cached_chrome, frame_facts

    frame_facts(request.user)  # primes the audience without a query of its own
    return cached_chrome(request, "menu", audience_rank(request.user), lambda: _menu_pages(request))


def _menu_pages(request) -> list[NavEntry]:
    from wagtail.models import Site

    from komma.pages.visibility import filter_visible

    site = Site.find_for_request(request)
    if site is None:
        return []
    pages = filter_visible(site.root_page.get_children().live().in_menu(), request.user)
    return [
        NavEntry(
            label=page.title, url=page.get_url(request), order=10 + index, key=f"page-{page.pk}"
        )
        for index, page in enumerate(pages)
    ]


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
    """Links of the account menu for a logged-in member (from ``frame.frame_facts``)."""
    from komma.conversations.selectors import unread_count

    from .frame import frame_facts

    facts = frame_facts(request.user)
    # Through the selector, not ``facts``: marking read in this request forgets it.
    unread = unread_count(request.user)
    links = [
        (
            _("Messages (%(count)d)") % {"count": unread} if unread else _("Messages"),
            reverse("conversations:inbox"),
        ),
        (_("Profile"), reverse("accounts:profile")),
        (_("Privacy"), reverse("accounts:privacy")),
        (_("Two-factor authentication"), reverse("mfa_index")),
        (_("My data"), reverse("accounts:data")),
    ]
    if facts.can_invite:
        links.append((_("Invitations"), reverse("accounts:invitations")))
    if facts.is_admin_user:
        links.append((_("Administration"), "/admin/"))
    return links
