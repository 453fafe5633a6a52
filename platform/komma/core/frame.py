"""What every page's frame (header, navigation, account menu, footer) needs, cheaply.

The frame is on every page, so its cost is every page's floor. Two parts:

- **Site chrome** (menu pages, footer links): the same for every reader of one
  audience, so it is kept in the shared cache under a version that any change of
  the page tree, a view restriction, a site or the footer setting bumps
  (``connect_signals``). Keyed by host, language and the reader's audience, so a
  reader never gets a menu built for a wider audience. A short timeout bounds
  staleness should a change bypass the signals (a queryset update in a shell).
- **The reader's own facts** (administration access, may invite, unread messages,
  audience): one query per request (``frame_facts``), shared with the code that
  asked separately before (``audience_rank``, ``conversations.unread_count``).
"""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

VERSION_KEY = "frame:chrome-version"
CHROME_TIMEOUT = 300


# --- Site chrome ------------------------------------------------------------------------
def chrome_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def bump_chrome_version(**kwargs) -> None:
    """Forget every cached site chrome (receiver of page, restriction and site changes)."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def chrome_cache_key(request, part: str, audience: int) -> str:
    authenticated = int(request.user.is_authenticated)
    host = request.get_host()
    return f"frame:{chrome_version()}:{part}:{host}:{get_language()}:{audience}:{authenticated}"


def cached_chrome(request, part: str, audience: int, build):
    """``build()`` once per version, host, language and audience; then from the cache."""
    key = chrome_cache_key(request, part, audience)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CHROME_TIMEOUT)
    return value


def footer_links(request) -> dict:
    """URLs of the footer pages and the contact address (from ``SiteChrome``)."""
    from wagtail.models import Site

    from .models import SiteChrome

    def build():
        site = Site.find_for_request(request)
        if site is None:
            return {}
        chrome = SiteChrome.for_site(site)
        links = {"contact_email": chrome.contact_email}
        for name in ("accessibility_page", "privacy_page", "imprint_page"):
            page = getattr(chrome, name)
            links[name] = page.get_url(request) if page is not None and page.live else None
        return links

    # The footer pages are public; every audience sees the same footer.
    return cached_chrome(request, "footer", 0, build)


def connect_signals() -> None:
    """Bump the chrome version on every change that can alter a menu or the footer."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .models import SiteChrome

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_chrome_version, dispatch_uid=f"frame-{id(signal)}")
    watched = (Page, PageViewRestriction, Site, SiteChrome)

    def changed(sender, **kwargs):
        # Saving a page sends the signal for its own class (EventPage, ...), never
        # for Page: so no ``sender=`` filter, but a subclass check.
        if isinstance(sender, type) and issubclass(sender, watched):
            bump_chrome_version()

    post_save.connect(changed, weak=False, dispatch_uid="frame-save")
    post_delete.connect(changed, weak=False, dispatch_uid="frame-delete")


# --- The reader's facts -------------------------------------------------------------------
@dataclass(frozen=True)
class FrameFacts:
    """What the account menu and navigation need about the reader."""

    is_admin_user: bool = False  # may open the Wagtail admin
    can_invite: bool = False
    unread_messages: int = 0


NOBODY = FrameFacts()


def _permission_exists(codename: str, app_label: str):
    from django.contrib.auth.models import Permission

    return Exists(
        Permission.objects.filter(codename=codename, content_type__app_label=app_label).filter(
            Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk"))
        )
    )


def frame_facts(user) -> FrameFacts:
    """The reader's facts in one query, kept on the user object for the request.

    Also primes ``audience_rank`` (page visibility) and the conversations' unread
    count, which used to cost a query each.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_komma_frame_facts", None)
    if cached is not None:
        return cached
    from komma.accounts.choices import ProgrammeStatus
    from komma.accounts.models import Membership, User
    from komma.accounts.roles import ROLES
    from komma.conversations.models import Participant
    from komma.pages.visibility import CURATING_ROLES, RANK, PageVisibility

    unread = (
        Participant.objects.filter(user=OuterRef("pk"), archived=False)
        .filter(
            Q(last_read_at__isnull=True) | Q(last_read_at__lt=F("conversation__last_message_at"))
        )
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    curating = [ROLES[key].group_name for key in CURATING_ROLES if key in ROLES]
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            f_admin=_permission_exists("access_admin", "wagtailadmin"),
            f_invite_all=_permission_exists("invite_members", "accounts"),
            f_coordinator=Exists(
                Membership.objects.filter(user=OuterRef("pk"), is_coordinator=True)
            ),
            f_model=Exists(
                Membership.objects.filter(
                    user=OuterRef("pk"), municipality__programme_status=ProgrammeStatus.MODEL
                )
            )
            | Exists(
                User.groups.through.objects.filter(user=OuterRef("pk"), group__name__in=curating)
            ),
            f_unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
        )
        .values("f_admin", "f_invite_all", "f_coordinator", "f_model", "f_unread")
        .get()
    )
    superuser = user.is_superuser
    facts = FrameFacts(
        is_admin_user=superuser or row["f_admin"],
        can_invite=superuser or row["f_invite_all"] or row["f_coordinator"],
        unread_messages=row["f_unread"],
    )
    user._komma_frame_facts = facts
    if getattr(user, "_komma_unread_count", None) is None:
        user._komma_unread_count = row["f_unread"]
    if getattr(user, "_komma_audience_rank", None) is None:
        model = superuser or row["f_model"]
        user._komma_audience_rank = RANK[PageVisibility.MODEL if model else PageVisibility.NETWORK]
    return facts
