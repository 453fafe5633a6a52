"""Who hears of what in the forums: in-app notifications of replies, mentions,
quotes, watched threads and categories, and moderators' actions.

Notifications reference the post or moderation action; nothing about a person is
copied into them, and whoever acted is shown at render time by the same rule as
the post itself (an anonymous case stays anonymous). A member is only ever told
about a thread in a category they may read: a mention of an outsider notifies
nobody.
"""

from django.db.models import Exists, OuterRef, Q

from komma.accounts.choices import ProgrammeStatus
from komma.accounts.models import Membership, User
from komma.accounts.roles import ROLES

from .models import (
    Access,
    Category,
    Notification,
    NotificationKind,
    Post,
    Subscription,
    WatchLevel,
)

# One notification per member and post: the most specific reason wins.
PRIORITY = (
    NotificationKind.MENTION,
    NotificationKind.QUOTE,
    NotificationKind.REPLY,
    NotificationKind.WATCHED,
)


def readers_of(category: Category, user_ids) -> set[int]:
    """Those of ``user_ids`` who may read ``category`` now (one query).

    The same rule as ``access.may_read_category``, as a query over many users.
    """
    user_ids = set(user_ids)
    if not user_ids:
        return set()
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    groups = User.groups.through.objects.filter(user=OuterRef("pk"))
    moderator = Exists(groups.filter(group__name=ROLES["moderator"].group_name))
    audience = {
        Access.MODEL: Exists(
            memberships.filter(municipality__programme_status=ProgrammeStatus.MODEL)
        ),
        Access.MEMBERS: Exists(memberships),
        Access.PARTNERS: Exists(memberships)
        | Exists(groups.filter(group__name=ROLES["alliance_partner"].group_name)),
    }[category.access]
    explicit = Exists(
        Category.moderators.through.objects.filter(user=OuterRef("pk"), category=category)
    )
    return set(
        User.objects.filter(pk__in=user_ids, is_active=True, deleted_at__isnull=True)
        .filter(audience | moderator | explicit | Q(is_superuser=True))
        .exclude(forum_profile__suspended_until__gt=_now())
        .values_list("pk", flat=True)
    )


def _now():
    from django.utils import timezone

    return timezone.now()


def _watch_levels(thread, user_ids=None) -> dict[int, str]:
    """Member id -> effective watch level for ``thread`` (thread row beats category row)."""
    levels = {}
    rows = Subscription.objects.filter(Q(thread=thread) | Q(category_id=thread.category_id))
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    for user_id, thread_id, level in rows.values_list("user_id", "thread_id", "level"):
        if thread_id is not None or user_id not in levels:
            levels[user_id] = level
    return levels


def notify_new_post(post: Post, *, mentioned=()) -> list[Notification]:
    """Notify about a post that became visible. Runs in the writer's transaction."""
    thread = post.thread
    reasons: dict[int, str] = {}

    def add(user_id, kind):
        if user_id is None or user_id == post.author_id:
            return
        current = reasons.get(user_id)
        if current is None or PRIORITY.index(kind) < PRIORITY.index(current):
            reasons[user_id] = kind

    levels = _watch_levels(thread)
    for user_id, level in levels.items():
        if level == WatchLevel.WATCHING:
            add(user_id, NotificationKind.WATCHED)
    if post.number > 1:
        add(thread.author_id, NotificationKind.REPLY)
    if post.quoted_id:
        quoted_author = Post.objects.filter(pk=post.quoted_id).values_list("author_id", flat=True)
        add(quoted_author.first(), NotificationKind.QUOTE)
    for user in mentioned:
        add(user.pk, NotificationKind.MENTION)
    # Muted means never, whatever the reason.
    muted = {user_id for user_id, level in levels.items() if level == WatchLevel.MUTED}
    allowed = readers_of(thread.category, set(reasons) - muted)
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient_id=user_id, kind=kind, thread=thread, post=post)
            for user_id, kind in sorted(reasons.items())
            if user_id in allowed
        ]
    )
    return notifications


def notify_moderation(action, recipient_id: int, post: Post | None = None) -> Notification:
    """Tell the affected member what a moderator did and why (the reason is in the action)."""
    return Notification.objects.create(
        recipient_id=recipient_id,
        kind=NotificationKind.MODERATION,
        thread_id=action.thread_id,
        post=post,
        action=action,
    )


def unread_count(user) -> int:
    """Unread notifications of ``user`` in categories they may still read."""
    from .access import forum_viewer, readable_categories_q

    viewer = forum_viewer(user)
    if not viewer.is_authenticated:
        return 0
    readable = Category.objects.filter(readable_categories_q(viewer)).values("pk")
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .filter(Q(thread__isnull=True) | Q(thread__category__in=readable))
        .count()
    )


def do_mark_notifications_read(user) -> int:
    """Mark all of ``user``'s notifications read; returns how many changed."""
    from django.utils import timezone

    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
