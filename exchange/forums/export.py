"""The forums' part of a member's GDPR export (hook ``personal_data_export``).

Everything the forums hold about the member: what they wrote (threads and posts
with text), their bookmarks, watch levels, flags they raised (their reason and
note, not other people's flags), their appeals, the digest setting, and the
moderation actions that concern them. Nothing about other people: moderators
are not named, other members' posts are referenced by thread title and number
only, and titles of threads in categories the member can no longer read are left
out.
"""

from .access import forum_viewer, readable_categories_q
from .models import (
    Appeal,
    Bookmark,
    Category,
    Flag,
    ForumProfile,
    ModerationAction,
    Post,
    Subscription,
    Thread,
)


def _when(value):
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    """A JSON-serialisable dict of the forum data about ``user``."""
    readable = set(
        Category.objects.filter(readable_categories_q(forum_viewer(user))).values_list(
            "pk", flat=True
        )
    )

    def thread_ref(thread):
        if thread is None:
            return None
        title = thread.title if thread.category_id in readable else None
        return {"id": thread.pk, "title": title}

    def post_ref(post):
        if post is None:
            return None
        return {"thread": thread_ref(post.thread), "number": post.number}

    threads = [
        {
            "id": thread.pk,
            "title": thread.title,
            "category": thread.category.name,
            "kind": thread.kind,
            "anonymous": thread.is_anonymous,
            "key_question": thread.key_question,
            "advice_wanted": list(thread.advice_wanted or []),
            "state": thread.state,
            "created_at": _when(thread.created_at),
        }
        for thread in Thread.objects.filter(author=user).select_related("category").order_by("pk")
    ]
    posts = [
        {
            "id": post.pk,
            "thread": {"id": post.thread_id, "title": post.thread.title},
            "number": post.number,
            "anonymous": post.is_anonymous,
            "text": post.body,
            "state": post.state,
            "created_at": _when(post.created_at),
            "edited_at": _when(post.edited_at),
            "attachments": [attachment.label for attachment in post.attachments.all()],
        }
        for post in Post.objects.filter(author=user)
        .select_related("thread")
        .prefetch_related("attachments")
        .order_by("pk")
    ]
    bookmarks = [
        {"post": post_ref(bookmark.post), "created_at": _when(bookmark.created_at)}
        for bookmark in Bookmark.objects.filter(user=user).select_related("post__thread")
    ]
    subscriptions = []
    for subscription in Subscription.objects.filter(user=user).select_related("thread", "category"):
        if subscription.thread_id:
            target = {"thread": thread_ref(subscription.thread)}
        else:
            category = subscription.category
            target = {"category": category.name if category.pk in readable else None}
        subscriptions.append({**target, "level": subscription.level})
    flags = [
        {
            "post": post_ref(flag.post),
            "reason": flag.reason,
            "note": flag.note,
            "created_at": _when(flag.created_at),
            "resolved_at": _when(flag.resolved_at),
            "upheld": flag.upheld,
        }
        for flag in Flag.objects.filter(flagged_by=user).select_related("post__thread")
    ]
    appeals = [
        {
            "action": appeal.action_id,
            "text": appeal.text,
            "status": appeal.status,
            "response": appeal.response,
            "created_at": _when(appeal.created_at),
            "answered_at": _when(appeal.answered_at),
        }
        for appeal in Appeal.objects.filter(member=user).order_by("pk")
    ]
    actions = [
        {
            "id": action.pk,
            "action": action.action,
            "reason": action.reason,
            "created_at": _when(action.created_at),
            "thread": thread_ref(action.thread),
            "post_number": action.post.number if action.post_id else None,
            "until": (action.details or {}).get("until"),
        }
        for action in ModerationAction.objects.filter(member=user)
        .select_related("thread", "post")
        .order_by("pk")
    ]
    profile = ForumProfile.objects.filter(user=user).first()
    return {
        "threads": threads,
        "posts": posts,
        "bookmarks": bookmarks,
        "subscriptions": subscriptions,
        "flags_raised": flags,
        "appeals": appeals,
        "moderation_concerning_you": actions,
        "settings": {
            "digest": profile.digest if profile else "off",
            "last_digest_at": _when(profile.last_digest_at) if profile else None,
            "silenced_until": _when(profile.silenced_until) if profile else None,
            "suspended_until": _when(profile.suspended_until) if profile else None,
        },
    }
