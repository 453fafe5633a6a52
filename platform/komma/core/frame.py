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
from django.db import connection, transaction
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
    """Forget every cached site chrome (receiver of page, restriction and site changes).

    Bumped now and again after the commit: a request between the two builds the
    menu from the old (still committed) rows, and the second bump retires that.
    """
    _bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _bump for _sids, func, _robust in connection.run_on_commit
    ):
        return  # one bump after the commit is enough, however many pages changed
    transaction.on_commit(_bump)


def _bump() -> None:
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


# The reader's facts as one static, parameterised query. Names in braces are tables
# and columns of the models (quoted by ``_facts_sql``); the parameters are %s.
FACTS_SQL = """
SELECT
  -- may open the Wagtail admin: the permission, directly or through a group
  EXISTS (SELECT 1 FROM {permission} p
    INNER JOIN {content_type} ct ON ct.{id} = p.{p_content_type}
    WHERE p.{p_codename} = %s AND ct.{ct_app_label} = %s
      AND (EXISTS (SELECT 1 FROM {user_perms} up
                   WHERE up.{up_permission} = p.{id} AND up.{up_user} = %s)
           OR EXISTS (SELECT 1 FROM {group_perms} gp
                      INNER JOIN {user_groups} ug ON ug.{ug_group} = gp.{gp_group}
                      WHERE gp.{gp_permission} = p.{id} AND ug.{ug_user} = %s))),
  -- may invite: the permission, likewise
  EXISTS (SELECT 1 FROM {permission} p
    INNER JOIN {content_type} ct ON ct.{id} = p.{p_content_type}
    WHERE p.{p_codename} = %s AND ct.{ct_app_label} = %s
      AND (EXISTS (SELECT 1 FROM {user_perms} up
                   WHERE up.{up_permission} = p.{id} AND up.{up_user} = %s)
           OR EXISTS (SELECT 1 FROM {group_perms} gp
                      INNER JOIN {user_groups} ug ON ug.{ug_group} = gp.{gp_group}
                      WHERE gp.{gp_permission} = p.{id} AND ug.{ug_user} = %s))),
  -- ... or coordinates a municipality
  EXISTS (SELECT 1 FROM {membership} m WHERE m.{m_user} = %s AND m.{m_coordinator}),
  -- sees pages for model municipalities: a member of one, or a curating role
  (EXISTS (SELECT 1 FROM {membership} m
           INNER JOIN {municipality} mu ON mu.{id} = m.{m_municipality}
           WHERE m.{m_user} = %s AND mu.{mu_status} = %s)
   OR EXISTS (SELECT 1 FROM {user_groups} ug INNER JOIN {group} g ON g.{id} = ug.{ug_group}
              WHERE ug.{ug_user} = %s AND g.{g_name} IN ({{curating}}))),
  -- conversations with a message after the reader's last visit
  (SELECT COUNT(*) FROM {participant} pa
   INNER JOIN {conversation} c ON c.{id} = pa.{pa_conversation}
   WHERE pa.{pa_user} = %s AND NOT pa.{pa_archived}
     AND (pa.{pa_last_read} IS NULL OR pa.{pa_last_read} < c.{c_last_message}))
FROM {user} WHERE {user}.{id} = %s
"""
_facts_sql_cache = {}


def _facts_sql(curating: int) -> str:
    """``FACTS_SQL`` with the models' names, for ``curating`` group names (built once)."""
    sql = _facts_sql_cache.get(curating)
    if sql is not None:
        return sql
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from komma.accounts.models import Membership, Municipality, User
    from komma.conversations.models import Conversation, Participant

    quote = connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    user_perms = User.user_permissions.through
    user_groups = User.groups.through
    group_perms = Group.permissions.through
    names = {
        "id": quote("id"),
        "permission": quote(Permission._meta.db_table),
        "p_content_type": column(Permission, "content_type"),
        "p_codename": column(Permission, "codename"),
        "content_type": quote(ContentType._meta.db_table),
        "ct_app_label": column(ContentType, "app_label"),
        "user_perms": quote(user_perms._meta.db_table),
        "up_permission": column(user_perms, "permission"),
        "up_user": column(user_perms, "user"),
        "group_perms": quote(group_perms._meta.db_table),
        "gp_group": column(group_perms, "group"),
        "gp_permission": column(group_perms, "permission"),
        "user_groups": quote(user_groups._meta.db_table),
        "ug_group": column(user_groups, "group"),
        "ug_user": column(user_groups, "user"),
        "group": quote(Group._meta.db_table),
        "g_name": column(Group, "name"),
        "membership": quote(Membership._meta.db_table),
        "m_user": column(Membership, "user"),
        "m_coordinator": column(Membership, "is_coordinator"),
        "m_municipality": column(Membership, "municipality"),
        "municipality": quote(Municipality._meta.db_table),
        "mu_status": column(Municipality, "programme_status"),
        "participant": quote(Participant._meta.db_table),
        "pa_conversation": column(Participant, "conversation"),
        "pa_user": column(Participant, "user"),
        "pa_archived": column(Participant, "archived"),
        "pa_last_read": column(Participant, "last_read_at"),
        "conversation": quote(Conversation._meta.db_table),
        "c_last_message": column(Conversation, "last_message_at"),
        "user": quote(User._meta.db_table),
    }
    sql = FACTS_SQL.format(**names).format(curating=", ".join(["%s"] * curating) or "NULL")
    _facts_sql_cache[curating] = sql
    return sql


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
    from komma.accounts.models import User
    from komma.accounts.roles import ROLES
    from komma.pages.visibility import CURATING_ROLES, RANK, PageVisibility

    curating = [ROLES[key].group_name for key in CURATING_ROLES if key in ROLES]
    pk = user.pk
    sql = _facts_sql(len(curating))
    params = [
        "access_admin", "wagtailadmin", pk, pk,  # may open the Wagtail admin
        "invite_members", "accounts", pk, pk,  # may invite (permission)
        pk,  # coordinator of a municipality (may invite there)
        pk, ProgrammeStatus.MODEL, pk, *curating,  # sees pages for model municipalities
        pk,  # unread conversations
        pk,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        raise User.DoesNotExist("The reader's account is gone.")
    f_admin, f_invite_all, f_coordinator, f_model, f_unread = found
    row = {
        "f_admin": bool(f_admin), "f_invite_all": bool(f_invite_all),
        "f_coordinator": bool(f_coordinator), "f_model": bool(f_model),
        "f_unread": int(f_unread or 0),
    }  # fmt: skip
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
