"""Who may read, write and moderate where in the forums. The one place that decides.

Category levels (``models.Access``):

- *model*: members of a model municipality;
- *members*: members of any municipality of the network;
- *partners*: those, plus accounts of the role Allianzpartner.

Moderators of a category may always read it: the members of the role Moderation
(every category), the category's own moderators, and superusers. Suspended
members lose the forums entirely; silenced members may read but not write.

Everything a viewer is (member, model, partner, moderator, sanctions) is read in
two queries and cached on the user object for the request.

Anonymous cases: members see "Mitglied einer Modellkommune". The moderators *of
the case's category* (its own moderators, or the role Moderation where the
category has none) see the pseudonym, never the real name; a reveal
(``ModAction.REVEAL``, logged with reason) shows it to all moderators.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from komma.accounts.choices import ProgrammeStatus
from komma.accounts.models import Membership, User
from komma.accounts.roles import ROLES

from .models import Access, Category, ForumProfile, State, Thread


@dataclass(frozen=True)
class ForumViewer:
    """What the forum rules need to know about the person looking."""

    user_id: int | None
    is_member: bool = False  # member of any municipality
    is_model: bool = False  # member of a model municipality
    is_partner: bool = False
    is_global_moderator: bool = False  # role Moderation, or superuser
    is_superuser: bool = False
    moderated_category_ids: frozenset[int] = frozenset()
    silenced_until: object = None
    suspended_until: object = None
    approved_posts: int = 0

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def is_suspended(self, now=None) -> bool:
        return bool(self.suspended_until and self.suspended_until > (now or timezone.now()))

    def is_silenced(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_suspended(now) or bool(self.silenced_until and self.silenced_until > now)

    @property
    def levels(self) -> tuple[str, ...]:
        """The category access levels this viewer belongs to."""
        if self.is_suspended():
            return ()
        levels = []
        if self.is_model:
            levels.append(Access.MODEL)
        if self.is_member:
            levels.append(Access.MEMBERS)
        if self.is_member or self.is_partner:
            levels.append(Access.PARTNERS)
        return tuple(levels)

    @property
    def is_any_moderator(self) -> bool:
        return self.is_global_moderator or bool(self.moderated_category_ids)


NOBODY = ForumViewer(user_id=None)


# The viewer's facts as static, parameterised queries. Names in braces are tables and
# columns of the models (quoted by ``_viewer_sql``); the parameters are %s.
VIEWER_SQL = """
SELECT
  EXISTS (SELECT 1 FROM {membership} m WHERE m.{m_user} = %s),
  EXISTS (SELECT 1 FROM {membership} m
          INNER JOIN {municipality} mu ON mu.{id} = m.{m_municipality}
          WHERE m.{m_user} = %s AND mu.{mu_status} = %s),
  EXISTS (SELECT 1 FROM {user_groups} ug INNER JOIN {group} g ON g.{id} = ug.{ug_group}
          WHERE ug.{ug_user} = %s AND g.{g_name} = %s),
  EXISTS (SELECT 1 FROM {user_groups} ug INNER JOIN {group} g ON g.{id} = ug.{ug_group}
          WHERE ug.{ug_user} = %s AND g.{g_name} = %s),
  fp.{fp_silenced}, fp.{fp_suspended}, fp.{fp_approved}
FROM {user} LEFT OUTER JOIN {profile} fp ON fp.{fp_user} = {user}.{id}
WHERE {user}.{id} = %s
"""
MODERATED_SQL = "SELECT {mc_category} FROM {moderators} WHERE {mc_user} = %s"
_viewer_sql_cache = []


def _viewer_sql() -> tuple[str, str]:
    """``VIEWER_SQL`` and ``MODERATED_SQL`` with the models' names (built once)."""
    if _viewer_sql_cache:
        return _viewer_sql_cache[0]
    from django.contrib.auth.models import Group

    from komma.accounts.models import Municipality

    quote = connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    user_groups = User.groups.through
    moderators = Category.moderators.through
    names = {
        "id": quote("id"),
        "membership": quote(Membership._meta.db_table),
        "m_user": column(Membership, "user"),
        "m_municipality": column(Membership, "municipality"),
        "municipality": quote(Municipality._meta.db_table),
        "mu_status": column(Municipality, "programme_status"),
        "user_groups": quote(user_groups._meta.db_table),
        "ug_group": column(user_groups, "group"),
        "ug_user": column(user_groups, "user"),
        "group": quote(Group._meta.db_table),
        "g_name": column(Group, "name"),
        "user": quote(User._meta.db_table),
        "profile": quote(ForumProfile._meta.db_table),
        "fp_user": column(ForumProfile, "user"),
        "fp_silenced": column(ForumProfile, "silenced_until"),
        "fp_suspended": column(ForumProfile, "suspended_until"),
        "fp_approved": column(ForumProfile, "approved_posts"),
        "moderators": quote(moderators._meta.db_table),
        "mc_category": column(moderators, "category"),
        "mc_user": column(moderators, "user"),
    }
    _viewer_sql_cache.append((VIEWER_SQL.format(**names), MODERATED_SQL.format(**names)))
    return _viewer_sql_cache[0]


def _datetime(value):
    """A datetime column's value as the ORM would give it (SQLite answers text)."""
    if value is None:
        return None
    column = ForumProfile._meta.get_field("silenced_until").cached_col
    for convert in connection.ops.get_db_converters(column):
        value = convert(value, column, connection)
    return value


def forum_viewer(user) -> ForumViewer:
    """The viewer facts of ``user`` (two queries, cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_deleted:
        return NOBODY
    cached = getattr(user, "_komma_forum_viewer", None)
    if cached is not None:
        return cached
    facts_sql, moderated_sql = _viewer_sql()
    pk = user.pk
    with connection.cursor() as cursor:
        cursor.execute(
            facts_sql,
            [
                pk,  # member of any municipality
                pk, ProgrammeStatus.MODEL,  # member of a model municipality
                pk, ROLES["alliance_partner"].group_name,  # partner
                pk, ROLES["moderator"].group_name,  # the role Moderation
                pk,
            ],
        )  # fmt: skip
        row = cursor.fetchone()
        if row is None:
            raise User.DoesNotExist("The viewer's account is gone.")
        cursor.execute(moderated_sql, [pk])
        moderated = frozenset(category_id for (category_id,) in cursor.fetchall())
    f_member, f_model, f_partner, f_moderator, silenced, suspended, approved = row
    viewer = ForumViewer(
        user_id=pk,
        is_member=bool(f_member),
        is_model=bool(f_model),
        is_partner=bool(f_partner),
        is_global_moderator=bool(f_moderator) or user.is_superuser,
        is_superuser=user.is_superuser,
        moderated_category_ids=moderated,
        silenced_until=_datetime(silenced),
        suspended_until=_datetime(suspended),
        approved_posts=approved or 0,
    )
    user._komma_forum_viewer = viewer
    return viewer


def forget_viewer(user) -> None:
    """Drop the cached facts (after a sanction or a role change in the same request)."""
    if hasattr(user, "_komma_forum_viewer"):
        del user._komma_forum_viewer


# --- Categories -------------------------------------------------------------------------
def readable_categories_q(viewer: ForumViewer) -> Q:
    """A filter on ``Category`` for the categories ``viewer`` may read."""
    if not viewer.is_authenticated or viewer.is_suspended():
        return Q(pk__in=[])
    if viewer.is_global_moderator:
        return Q()
    return Q(access__in=viewer.levels) | Q(pk__in=viewer.moderated_category_ids)


def may_read_category(viewer: ForumViewer, category: Category) -> bool:
    if not viewer.is_authenticated or viewer.is_suspended():
        return False
    return (
        viewer.is_global_moderator
        or category.access in viewer.levels
        or category.pk in viewer.moderated_category_ids
    )


def readable_categories(user):
    """The categories ``user`` may read, in their order."""
    return Category.objects.filter(readable_categories_q(forum_viewer(user)))


def readable_category_ids(user) -> list[int]:
    """The ids of the categories ``user`` may read, in ONE query (no viewer facts).

    For callers outside the forum pages that need nothing else (search access
    tokens on every search request): the same rule as ``readable_categories_q``,
    written as subqueries about the user.
    """
    if user is None or not user.is_authenticated or not user.is_active or user.is_deleted:
        return []
    memberships = Membership.objects.filter(user_id=user.pk)
    groups = User.groups.through.objects.filter(user_id=user.pk)
    member = Exists(memberships)
    rule = (
        Q(access=Access.MODEL)
        & Exists(memberships.filter(municipality__programme_status=ProgrammeStatus.MODEL))
        | Q(access=Access.MEMBERS) & member
        | Q(access=Access.PARTNERS)
        & (member | Exists(groups.filter(group__name=ROLES["alliance_partner"].group_name)))
        | Exists(
            Category.moderators.through.objects.filter(user_id=user.pk, category=OuterRef("pk"))
        )
    )
    if user.is_superuser:
        rule = Q()
    else:
        rule |= Exists(groups.filter(group__name=ROLES["moderator"].group_name))
    suspended = Exists(
        ForumProfile.objects.filter(user_id=user.pk, suspended_until__gt=timezone.now())
    )
    return list(Category.objects.filter(rule).filter(~suspended).values_list("pk", flat=True))


def is_moderator(viewer: ForumViewer, category: Category | int) -> bool:
    """Whether ``viewer`` may moderate ``category`` (object or id)."""
    category_id = category if isinstance(category, int) else category.pk
    return viewer.is_global_moderator or category_id in viewer.moderated_category_ids


def access_category(user, slug: str) -> Category:
    """The category ``slug`` if ``user`` may read it; 404 otherwise (no title leaks)."""
    category = Category.objects.filter(slug=slug).first()
    if category is None or not may_read_category(forum_viewer(user), category):
        raise Http404
    return category


# --- Threads and posts --------------------------------------------------------------
def visible_states(viewer: ForumViewer, category_id: int) -> tuple[str, ...]:
    """Moderators see pending and hidden content (marked); members see published."""
    if is_moderator(viewer, category_id):
        return (State.PUBLISHED, State.PENDING, State.HIDDEN)
    return (State.PUBLISHED,)


def may_see_thread(viewer: ForumViewer, thread: Thread) -> bool:
    """``thread`` must come with its category (``select_related``)."""
    if not may_read_category(viewer, thread.category):
        return False
    if thread.state in visible_states(viewer, thread.category_id):
        return True
    # Authors see their own thread while it waits for approval.
    return thread.state == State.PENDING and thread.author_id == viewer.user_id


def access_thread(user, pk) -> Thread:
    """The thread ``pk`` with its category if ``user`` may see it; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    thread = Thread.objects.select_related("category").filter(pk=pk).first()
    if thread is None or not may_see_thread(forum_viewer(user), thread):
        raise Http404
    return thread


def may_see_post(viewer: ForumViewer, post) -> bool:
    """``post`` must come with ``thread__category``."""
    if not may_see_thread(viewer, post.thread):
        return False
    if post.state in visible_states(viewer, post.thread.category_id):
        return True
    return post.state == State.PENDING and post.author_id == viewer.user_id


def access_post(user, pk):
    """The post ``pk`` (with thread and category) if ``user`` may see it; 404 otherwise."""
    from .models import Post

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    post = Post.objects.select_related("thread__category").filter(pk=pk).first()
    if post is None or not may_see_post(forum_viewer(user), post):
        raise Http404
    return post


def check_may_write(user, category: Category) -> ForumViewer:
    """Refuse writing for those who may not: raises ``PermissionDenied`` with a message."""
    viewer = forum_viewer(user)
    if not may_read_category(viewer, category):
        raise PermissionDenied(_("You may not write in this category."))
    if viewer.is_silenced():
        until = viewer.silenced_until or viewer.suspended_until
        raise PermissionDenied(
            _("Your forum account is silenced until %(until)s. You can still read.")
            % {"until": timezone.localtime(until).strftime("%d.%m.%Y %H:%M")}
        )
    return viewer


def check_moderator(user, category: Category | int) -> ForumViewer:
    viewer = forum_viewer(user)
    if not is_moderator(viewer, category):
        raise PermissionDenied(_("Only moderators of this category may do this."))
    return viewer


# --- Who wrote it --------------------------------------------------------------------
def sees_anonymous_author(viewer: ForumViewer, thread: Thread, category_moderator_ids) -> bool:
    """Whether ``viewer`` sees who wrote an anonymous case.

    ``category_moderator_ids``: the explicit moderators of the thread's category.
    """
    if viewer.user_id is not None and viewer.user_id == thread.author_id:
        return True
    if viewer.is_superuser:
        return True
    if not is_moderator(viewer, thread.category_id):
        return False
    if thread.revealed_at is not None:
        return True
    if category_moderator_ids:
        return viewer.user_id in category_moderator_ids
    return viewer.is_global_moderator


def profile_for(user) -> ForumProfile:
    profile, _created = ForumProfile.objects.get_or_create(user=user)
    return profile
