"""Every write of moderators in the forums, and the members' flags and appeals.

``check_<verb>_<noun>`` authorises and validates, then calls ``do_<verb>_<noun>``,
which writes atomically. Every moderator action needs a reason, is written to the
moderation log (``ModerationAction``) and tells the affected member what happened
and why (``notifications.notify_moderation``) — unless the moderator acted on their
own content. The log stores references (moderator, member, thread, post), never
copies of anything about a person: pages show people by pseudonym only.

Bad input raises ``ValidationError`` (a field dict where a form shows it) and
missing rights raise ``PermissionDenied`` before anything changes.

The second half holds the reads of the moderators' pages (queue, log, member
page): who may see which entries, and who is shown as the author of an
anonymous case (``access.sees_anonymous_author``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from komma.core.ratelimit import allow

from . import words
from .access import (
    ForumViewer,
    check_moderator,
    forget_viewer,
    forum_viewer,
    is_moderator,
    may_see_post,
    profile_for,
    sees_anonymous_author,
)
from .models import (
    REASON_MAX_LENGTH,
    Appeal,
    Category,
    Flag,
    FlagReason,
    ForumProfile,
    ForumSettings,
    ModAction,
    ModerationAction,
    Notification,
    NotificationKind,
    Post,
    State,
    Thread,
    WatchedWord,
)

FLAGS_PER_HOUR = 20
APPEAL_MAX_LENGTH = 2_000
NOTE_MAX_LENGTH = REASON_MAX_LENGTH
SLOW_MODE_MAX_SECONDS = 7 * 24 * 3600
SANCTION_MAX = timedelta(days=3650)
# Actions a member may appeal (those that take something away from them).
APPEALABLE = frozenset(
    {
        ModAction.REJECT, ModAction.HIDE, ModAction.EDIT, ModAction.LOCK, ModAction.MOVE,
        ModAction.SLOW_MODE, ModAction.SILENCE, ModAction.SUSPEND, ModAction.REVEAL,
    }
)  # fmt: skip


# --- Shared helpers -------------------------------------------------------------------
def clean_reason(reason: str, field_name: str = "reason") -> str:
    """A moderator's reason: required, at most ``REASON_MAX_LENGTH`` characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field_name: _("Please give a reason.")}, code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field_name: _("At most %(n)d characters, please.") % {"n": REASON_MAX_LENGTH}},
            code="max_length",
        )
    return reason


def _check_global_moderator(user) -> ForumViewer:
    viewer = forum_viewer(user)
    if not viewer.is_global_moderator:
        raise PermissionDenied(
            _("Only members of the role Moderation may do this, as it affects every category.")
        )
    return viewer


def log_action(
    moderator, action: str, reason: str, *, category=None, thread=None, post=None, member=None,
    details=None, notify_member=False,
) -> ModerationAction:  # fmt: skip
    """Write one entry of the moderation log; tell the affected member if asked.

    With ``post``, the thread, category and member default to the post's; with
    ``thread``, the category defaults to the thread's. A moderator acting on their
    own content is not notified.
    """
    if post is not None:
        thread = thread or post.thread
        member = member or post.author
    if thread is not None and category is None:
        category = thread.category
    entry = ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        reason=reason,
        category=category,
        thread=thread,
        post=post,
        member=member,
        details=details or {},
    )
    if notify_member and member is not None and member.pk != moderator.pk:
        from .notifications import notify_moderation

        notify_moderation(entry, member.pk, post=post)
    return entry


def _opening_post(thread: Thread) -> Post:
    post = (
        Post.objects.select_related("thread__category", "author")
        .filter(thread=thread, number=1)
        .first()
    )
    if post is None:
        raise ValidationError(_("This thread has no opening post."))
    post.thread = thread
    return post


def _set_state(post: Post, state: str, state_reason: str = "") -> None:
    """Set the state of ``post``; the opening post carries its thread along."""
    post.state, post.state_reason = state, state_reason
    post.save(update_fields=["state", "state_reason"])
    if post.number == 1:
        Thread.objects.filter(pk=post.thread_id).update(state=state)
        post.thread.state = state


def _resolve_flags(post: Post, moderator, *, upheld: bool) -> int:
    """Close the open flags of ``post``; returns how many there were."""
    closed = Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator, upheld=upheld
    )
    Post.objects.filter(pk=post.pk).update(open_flag_count=0)
    post.open_flag_count = 0
    return closed


def _refresh(thread_id: int, *, with_posts: bool = True) -> None:
    from .actions import refresh_thread_stats
    from .search import reindex_thread

    refresh_thread_stats(thread_id)
    reindex_thread(thread_id, with_posts=with_posts)


def hidden_by_flags(post: Post) -> bool:
    """A post hidden automatically by members' flags (no moderator has looked yet).

    Moderators resolve the open flags whenever they hide, unhide or dismiss, and
    hidden posts cannot be flagged, so open flags on a hidden post mean this.
    """
    return post.state == State.HIDDEN and post.open_flag_count > 0


# --- Approve and reject ------------------------------------------------------------------
def check_approve(moderator, post: Post, reason: str) -> ModerationAction:
    """Publish a pending post (the opening post publishes its thread)."""
    check_moderator(moderator, post.thread.category_id)
    reason = clean_reason(reason)
    if post.state != State.PENDING:
        raise ValidationError(_("This post is not waiting for approval."), code="state")
    return do_approve(moderator, post, reason)


def do_approve(moderator, post: Post, reason: str) -> ModerationAction:
    from .actions import after_publish
    from .search import reindex_thread

    with transaction.atomic():
        _set_state(post, State.PUBLISHED)
        entry = log_action(moderator, ModAction.APPROVE, reason, post=post, notify_member=True)
        after_publish(post)
        if post.number == 1:
            reindex_thread(post.thread_id, with_posts=True)
    return entry


def check_reject(moderator, post: Post, reason: str) -> ModerationAction:
    """Refuse a pending post. Its text stays for the log and an appeal, never for members."""
    check_moderator(moderator, post.thread.category_id)
    reason = clean_reason(reason)
    if post.state != State.PENDING:
        raise ValidationError(_("This post is not waiting for approval."), code="state")
    return do_reject(moderator, post, reason)


def do_reject(moderator, post: Post, reason: str) -> ModerationAction:
    with transaction.atomic():
        _set_state(post, State.REJECTED, reason)
        _resolve_flags(post, moderator, upheld=True)
        entry = log_action(moderator, ModAction.REJECT, reason, post=post, notify_member=True)
        _refresh(post.thread_id, with_posts=post.number == 1)
    return entry


# --- Hide and unhide ----------------------------------------------------------------------
def check_hide(moderator, post: Post, reason: str) -> ModerationAction:
    """Hide a published post (the opening post hides the whole thread).

    A post hidden by flags can be hidden "for good": the flags are upheld.
    """
    check_moderator(moderator, post.thread.category_id)
    reason = clean_reason(reason)
    if post.state != State.PUBLISHED and not hidden_by_flags(post):
        raise ValidationError(_("Only a published post can be hidden."), code="state")
    return do_hide(moderator, post, reason)


def do_hide(moderator, post: Post, reason: str) -> ModerationAction:
    with transaction.atomic():
        _set_state(post, State.HIDDEN, reason)
        flags = _resolve_flags(post, moderator, upheld=True)
        entry = log_action(
            moderator, ModAction.HIDE, reason, post=post, notify_member=True,
            details={"thread": post.number == 1, "flags_upheld": flags},
        )  # fmt: skip
        _refresh(post.thread_id, with_posts=post.number == 1)
    return entry


def check_unhide(moderator, post: Post, reason: str) -> ModerationAction:
    """Show a hidden post (or thread) again; open flags on it are dismissed."""
    check_moderator(moderator, post.thread.category_id)
    reason = clean_reason(reason)
    if post.state != State.HIDDEN:
        raise ValidationError(_("This post is not hidden."), code="state")
    return do_unhide(moderator, post, reason)


def do_unhide(moderator, post: Post, reason: str) -> ModerationAction:
    with transaction.atomic():
        _set_state(post, State.PUBLISHED)
        flags = _resolve_flags(post, moderator, upheld=False)
        entry = log_action(
            moderator, ModAction.UNHIDE, reason, post=post, notify_member=True,
            details={"thread": post.number == 1, "flags_dismissed": flags},
        )  # fmt: skip
        _refresh(post.thread_id, with_posts=post.number == 1)
    return entry


def check_dismiss_flags(moderator, post: Post, reason: str) -> ModerationAction:
    """The post is fine: close its open flags; a post hidden by flags is shown again.

    The author is told only when the post had been hidden (otherwise nothing
    happened to them, and they need not learn that someone flagged it).
    """
    check_moderator(moderator, post.thread.category_id)
    reason = clean_reason(reason)
    if (
        post.open_flag_count == 0
        and not Flag.objects.filter(post=post, resolved_at__isnull=True).exists()
    ):
        raise ValidationError(_("This post has no open flags."), code="state")
    return do_dismiss_flags(moderator, post, reason)


def do_dismiss_flags(moderator, post: Post, reason: str) -> ModerationAction:
    with transaction.atomic():
        was_hidden = hidden_by_flags(post)
        flags = _resolve_flags(post, moderator, upheld=False)
        if was_hidden:
            _set_state(post, State.PUBLISHED)
        entry = log_action(
            moderator, ModAction.DISMISS_FLAGS, reason, post=post, notify_member=was_hidden,
            details={"flags": flags, "shown_again": was_hidden},
        )  # fmt: skip
        if was_hidden:
            _refresh(post.thread_id, with_posts=post.number == 1)
    return entry


# --- Edit -----------------------------------------------------------------------------------
def check_moderator_edit(moderator, post: Post, *, body: str, reason: str, title=None):
    """A moderator edits someone's post; ``actions.check_edit_post`` logs it."""
    from .actions import check_edit_post

    check_moderator(moderator, post.thread.category_id)
    if post.author_id != moderator.pk:
        clean_reason(reason)
    return check_edit_post(moderator, post, body=body, reason=reason, title=title)


# --- Thread settings ----------------------------------------------------------------------
def _thread_flag(moderator, thread: Thread, reason: str, *, field: str, value: bool,
                 action: str, already: str) -> ModerationAction:  # fmt: skip
    check_moderator(moderator, thread.category_id)
    reason = clean_reason(reason)
    if getattr(thread, field) == value:
        raise ValidationError(already, code="state")
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(**{field: value})
        setattr(thread, field, value)
        entry = log_action(
            moderator, action, reason, thread=thread, member=thread.author, notify_member=True
        )
    return entry


def check_lock(moderator, thread: Thread, reason: str) -> ModerationAction:
    return _thread_flag(
        moderator, thread, reason, field="is_locked", value=True, action=ModAction.LOCK,
        already=_("This thread is already locked."),
    )  # fmt: skip


def check_unlock(moderator, thread: Thread, reason: str) -> ModerationAction:
    return _thread_flag(
        moderator, thread, reason, field="is_locked", value=False, action=ModAction.UNLOCK,
        already=_("This thread is not locked."),
    )  # fmt: skip


def check_pin(moderator, thread: Thread, reason: str) -> ModerationAction:
    return _thread_flag(
        moderator, thread, reason, field="is_pinned", value=True, action=ModAction.PIN,
        already=_("This thread is already pinned."),
    )  # fmt: skip


def check_unpin(moderator, thread: Thread, reason: str) -> ModerationAction:
    return _thread_flag(
        moderator, thread, reason, field="is_pinned", value=False, action=ModAction.UNPIN,
        already=_("This thread is not pinned."),
    )  # fmt: skip


def check_slow_mode(moderator, thread: Thread, seconds, reason: str) -> ModerationAction:
    """Set the minimum seconds between two posts of one member in ``thread`` (0 = off)."""
    check_moderator(moderator, thread.category_id)
    reason = clean_reason(reason)
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        seconds = -1
    if not 0 <= seconds <= SLOW_MODE_MAX_SECONDS:
        raise ValidationError(
            {"seconds": _("Please choose a slow mode between off and one week.")}, code="invalid"
        )
    if seconds == thread.slow_mode_seconds:
        raise ValidationError(
            {"seconds": _("The thread already has this slow mode.")}, code="state"
        )
    previous = thread.slow_mode_seconds
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(slow_mode_seconds=seconds)
        thread.slow_mode_seconds = seconds
        entry = log_action(
            moderator, ModAction.SLOW_MODE, reason, thread=thread, member=thread.author,
            details={"seconds": seconds, "previous": previous}, notify_member=True,
        )  # fmt: skip
    return entry


def movable_categories(moderator, thread: Thread):
    """The categories ``moderator`` may move ``thread`` to (they moderate them)."""
    viewer = forum_viewer(moderator)
    categories = Category.objects.exclude(pk=thread.category_id)
    if not viewer.is_global_moderator:
        categories = categories.filter(pk__in=viewer.moderated_category_ids)
    return categories


def check_move(moderator, thread: Thread, category: Category, reason: str) -> ModerationAction:
    """Move ``thread`` to ``category``; the moderator must moderate both."""
    check_moderator(moderator, thread.category_id)
    reason = clean_reason(reason)
    if category is None or not is_moderator(forum_viewer(moderator), category):
        raise ValidationError(
            {"category": _("Please choose a category you moderate.")}, code="invalid"
        )
    if category.pk == thread.category_id:
        raise ValidationError(
            {"category": _("The thread is already in this category.")}, code="state"
        )
    return do_move(moderator, thread, category, reason)


def do_move(moderator, thread: Thread, category: Category, reason: str) -> ModerationAction:
    from .actions import refresh_category_stats

    old = thread.category
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(category=category)
        thread.category = category
        entry = log_action(
            moderator, ModAction.MOVE, reason, thread=thread, category=category,
            member=thread.author, notify_member=True,
            details={"from_category": old.pk, "from_name": old.name,
                     "to_category": category.pk, "to_name": category.name},
        )  # fmt: skip
        # Counters of both categories; the access tokens of thread and posts change.
        _refresh(thread.pk, with_posts=True)
        refresh_category_stats(old.pk)
    return entry


def check_reveal(moderator, thread: Thread, reason: str) -> ModerationAction:
    """Show the author of an anonymous case to every moderator (never to members).

    Only a moderator who already sees the author may reveal it.
    """
    viewer = check_moderator(moderator, thread.category_id)
    reason = clean_reason(reason)
    if not thread.is_anonymous:
        raise ValidationError(_("This thread is not anonymous."), code="state")
    if thread.revealed_at is not None:
        raise ValidationError(_("This case has already been revealed."), code="state")
    category_moderators = set(thread.category.moderators.values_list("pk", flat=True))
    if not sees_anonymous_author(viewer, thread, category_moderators):
        raise PermissionDenied(
            _("Only the moderators who see the author of this case may reveal it.")
        )
    with transaction.atomic():
        now = timezone.now()
        Thread.objects.filter(pk=thread.pk).update(revealed_at=now)
        thread.revealed_at = now
        entry = log_action(
            moderator, ModAction.REVEAL, reason, thread=thread, member=thread.author,
            notify_member=True,
        )  # fmt: skip
    return entry


# --- Sanctions ----------------------------------------------------------------------------
def _check_sanction(moderator, member, reason: str) -> str:
    _check_global_moderator(moderator)
    reason = clean_reason(reason)
    if member.pk == moderator.pk:
        raise ValidationError(_("You cannot sanction yourself."), code="self")
    return reason


def _clean_duration(duration) -> timedelta:
    if not isinstance(duration, timedelta) or not timedelta(0) < duration <= SANCTION_MAX:
        raise ValidationError({"duration": _("Please choose a period.")}, code="invalid")
    return duration


def check_silence(moderator, member, duration: timedelta, reason: str) -> ModerationAction:
    """The member may read but not write until the end of ``duration``."""
    reason = _check_sanction(moderator, member, reason)
    duration = _clean_duration(duration)
    return _do_sanction(moderator, member, "silenced_until", ModAction.SILENCE, duration, reason)


def check_suspend(moderator, member, duration: timedelta, reason: str) -> ModerationAction:
    """The member loses the forums (every forum page answers 404) until the end."""
    reason = _check_sanction(moderator, member, reason)
    duration = _clean_duration(duration)
    return _do_sanction(moderator, member, "suspended_until", ModAction.SUSPEND, duration, reason)


def _do_sanction(moderator, member, field: str, action: str, duration, reason):
    until = timezone.now() + duration
    with transaction.atomic():
        profile = profile_for(member)
        setattr(profile, field, until)
        profile.save(update_fields=[field])
        entry = log_action(
            moderator, action, reason, member=member, notify_member=True,
            details={"until": until.isoformat()},
        )  # fmt: skip
    forget_viewer(member)
    return entry


def active_sanctions(member, now=None) -> dict:
    """``{"silenced_until": datetime|None, "suspended_until": datetime|None}``, current only."""
    now = now or timezone.now()
    profile = ForumProfile.objects.filter(user=member).first()
    result = {"silenced_until": None, "suspended_until": None}
    if profile is not None:
        for field in result:
            value = getattr(profile, field)
            if value and value > now:
                result[field] = value
    return result


def check_lift(moderator, member, reason: str) -> ModerationAction:
    """End the member's silence and suspension now."""
    reason = _check_sanction(moderator, member, reason)
    active = active_sanctions(member)
    if not any(active.values()):
        raise ValidationError(_("This member has no active sanction."), code="state")
    with transaction.atomic():
        ForumProfile.objects.filter(user=member).update(silenced_until=None, suspended_until=None)
        entry = log_action(
            moderator, ModAction.LIFT, reason, member=member, notify_member=True,
            details={key: value.isoformat() for key, value in active.items() if value},
        )  # fmt: skip
    forget_viewer(member)
    return entry


# --- Flags (members) ------------------------------------------------------------------------
def hidden_by_flags_reason() -> str:
    """The stored reason of a post hidden by flags, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Hidden after several flags until a moderator reviews it.")


def check_flag_post(user, post: Post, reason: str, note: str = "") -> Flag:
    """A member reports ``post`` (one open flag per member and post, not their own).

    When the open flags reach ``ForumSettings.flags_to_hide`` the post is hidden
    until a moderator reviews it. Neither the flagger nor the author learns who
    else flagged.
    """
    viewer = forum_viewer(user)
    if not may_see_post(viewer, post) or viewer.is_suspended():
        raise PermissionDenied(_("You cannot flag this post."))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot flag your own post."), code="own")
    if post.state != State.PUBLISHED:
        raise ValidationError(
            _("This post is already being reviewed by the moderators."), code="state"
        )
    errors = {}
    if reason not in FlagReason.values:
        errors["reason"] = _("Please choose a reason.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("At most %(n)d characters, please.") % {"n": NOTE_MAX_LENGTH}
    elif reason == FlagReason.OTHER and not note:
        errors["note"] = _("Please tell the moderators what is wrong with the post.")
    if errors:
        raise ValidationError(errors)
    if Flag.objects.filter(post=post, flagged_by=user, resolved_at__isnull=True).exists():
        raise ValidationError(
            _("You have already flagged this post. The moderators will look at it."),
            code="duplicate",
        )
    if not allow("forum_flag", user.pk, FLAGS_PER_HOUR, 3600):
        raise ValidationError(
            _("You have flagged many posts in a short time. Please try again later."),
            code="rate_limited",
        )
    return do_flag_post(user, post, reason, note)


def do_flag_post(user, post: Post, reason: str, note: str) -> Flag:
    try:
        with transaction.atomic():
            flag = Flag.objects.create(post=post, flagged_by=user, reason=reason, note=note)
            open_flags = Flag.objects.filter(post=post, resolved_at__isnull=True).count()
            Post.objects.filter(pk=post.pk).update(open_flag_count=open_flags)
            post.open_flag_count = open_flags
            threshold = ForumSettings.load().flags_to_hide
            if threshold and open_flags >= threshold and post.state == State.PUBLISHED:
                _set_state(post, State.HIDDEN, hidden_by_flags_reason())
                _refresh(post.thread_id, with_posts=post.number == 1)
    except IntegrityError:
        raise ValidationError(
            _("You have already flagged this post. The moderators will look at it."),
            code="duplicate",
        ) from None
    return flag


# --- Appeals --------------------------------------------------------------------------------
def check_appeal(user, action: ModerationAction, text: str) -> Appeal:
    """The affected member replies to a moderator's action (one open appeal per action)."""
    if action.member_id != user.pk or action.moderator_id == user.pk:
        raise PermissionDenied(_("Only the member concerned can reply to this decision."))
    if action.action not in APPEALABLE:
        raise ValidationError(_("This decision cannot be appealed."), code="not_appealable")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Please write your reply.")}, code="required")
    if len(text) > APPEAL_MAX_LENGTH:
        raise ValidationError(
            {"text": _("At most %(n)d characters, please.") % {"n": APPEAL_MAX_LENGTH}},
            code="max_length",
        )
    if Appeal.objects.filter(action=action, member=user, status=Appeal.Status.OPEN).exists():
        raise ValidationError(
            _("You have already replied to this decision. The moderators will answer."),
            code="duplicate",
        )
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(action=action, member=user, text=text)
    except IntegrityError:
        raise ValidationError(
            _("You have already replied to this decision. The moderators will answer."),
            code="duplicate",
        ) from None
    return appeal


def may_answer_appeal(viewer: ForumViewer, appeal: Appeal) -> bool:
    category_id = appeal.action.category_id
    if category_id is None:
        return viewer.is_global_moderator
    return is_moderator(viewer, category_id)


def check_answer_appeal(moderator, appeal: Appeal, status: str, response: str) -> ModerationAction:
    """Answer an appeal: the decision stands (upheld) or is reversed.

    Reversing undoes what can be undone safely: a hidden or rejected post is shown,
    a locked thread unlocked, a silence or suspension lifted. Moves, edits and
    reveals are left to the moderator (the answer says what was done).
    """
    viewer = forum_viewer(moderator)
    if not may_answer_appeal(viewer, appeal):
        raise PermissionDenied(_("Only moderators of this category may answer this appeal."))
    if appeal.member_id == moderator.pk:
        raise PermissionDenied(_("You cannot answer your own appeal."))
    errors = {}
    if status not in (Appeal.Status.UPHELD, Appeal.Status.REVERSED):
        errors["status"] = _("Please choose a decision.")
    try:
        response = clean_reason(response, "response")
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if appeal.status != Appeal.Status.OPEN:
        raise ValidationError(_("This appeal has already been answered."), code="state")
    return do_answer_appeal(moderator, appeal, status, response)


def _undo(moderator, action: ModerationAction) -> bool:
    """Undo ``action`` where that is safe; returns whether something changed."""
    post = action.post
    if post is not None:
        post = Post.objects.select_related("thread__category", "author").get(pk=post.pk)
    if action.action == ModAction.HIDE and post is not None and post.state == State.HIDDEN:
        _set_state(post, State.PUBLISHED)
        _refresh(post.thread_id, with_posts=post.number == 1)
        return True
    if action.action == ModAction.REJECT and post is not None and post.state == State.REJECTED:
        from .actions import after_publish
        from .search import reindex_thread

        _set_state(post, State.PUBLISHED)
        after_publish(post)
        reindex_thread(post.thread_id, with_posts=post.number == 1)
        return True
    if action.action == ModAction.LOCK and action.thread_id:
        return bool(
            Thread.objects.filter(pk=action.thread_id, is_locked=True).update(is_locked=False)
        )
    if action.action in (ModAction.SILENCE, ModAction.SUSPEND) and action.member_id:
        field = "silenced_until" if action.action == ModAction.SILENCE else "suspended_until"
        changed = ForumProfile.objects.filter(
            user_id=action.member_id, **{f"{field}__gt": timezone.now()}
        ).update(**{field: None})
        forget_viewer(action.member)
        return bool(changed)
    return False


def do_answer_appeal(moderator, appeal: Appeal, status: str, response: str) -> ModerationAction:
    action = appeal.action
    with transaction.atomic():
        undone = _undo(moderator, action) if status == Appeal.Status.REVERSED else False
        appeal.status, appeal.response = status, response
        appeal.answered_by, appeal.answered_at = moderator, timezone.now()
        appeal.save(update_fields=["status", "response", "answered_by", "answered_at"])
        entry = log_action(
            moderator, ModAction.APPEAL_ANSWER, response, category=action.category,
            thread=action.thread, post=action.post, member=appeal.member,
            details={"appeal": appeal.pk, "appealed_action": action.pk, "status": status,
                     "undone": undone},
        )  # fmt: skip
        Notification.objects.create(
            recipient_id=appeal.member_id, kind=NotificationKind.APPEAL,
            thread_id=action.thread_id, post_id=action.post_id, action=entry,
        )  # fmt: skip
    return entry


# --- Watched words ------------------------------------------------------------------------
def clean_word(word: str) -> str:
    word = " ".join((word or "").split()).lower()
    if len(word.replace("*", "")) < 2:
        raise ValidationError(
            {"word": _("Please enter a word or phrase of at least 2 letters.")}, code="required"
        )
    if len(word) > 100:
        raise ValidationError({"word": _("At most 100 characters, please.")}, code="max_length")
    return word


def check_add_watched_word(moderator, word: str, action: str, reason: str) -> WatchedWord:
    """Watch for ``word`` everywhere (global moderators: it affects every category)."""
    _check_global_moderator(moderator)
    errors = {}
    try:
        word = clean_word(word)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if action not in WatchedWord.Action.values:
        errors["action"] = _("Please choose what happens on a match.")
    try:
        reason = clean_reason(reason)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if WatchedWord.objects.filter(word__iexact=word).exists():
        raise ValidationError({"word": _("This word is already watched.")}, code="duplicate")
    with transaction.atomic():
        watched = WatchedWord.objects.create(word=word, action=action, created_by=moderator)
        log_action(
            moderator, ModAction.WATCHED_WORD, reason,
            details={"added": word, "word_action": action},
        )  # fmt: skip
    words.forget_cache()
    return watched


def check_remove_watched_word(moderator, watched: WatchedWord, reason: str) -> ModerationAction:
    _check_global_moderator(moderator)
    reason = clean_reason(reason)
    with transaction.atomic():
        entry = log_action(
            moderator, ModAction.WATCHED_WORD, reason,
            details={"removed": watched.word, "word_action": watched.action},
        )  # fmt: skip
        watched.delete()
    words.forget_cache()
    return entry


@dataclass(frozen=True)
class WordTest:
    """What a text would trigger: the matching words and the resulting action."""

    matches: list
    action: str | None

    @property
    def rows(self) -> list[tuple[str, str]]:
        """(word, label of its action) for each match, strongest first."""
        return [(match.word, WatchedWord.Action(match.action).label) for match in self.matches]

    @property
    def action_label(self) -> str:
        if self.action is None:
            return _("Nothing: the text would be published normally.")
        return {
            WatchedWord.Action.BLOCK: _("The post would be refused."),
            WatchedWord.Action.REQUIRE_APPROVAL: _("The post would wait for approval."),
            WatchedWord.Action.FLAG: _("The post would be published and flagged for moderators."),
        }[self.action]


def test_watched_words(text: str) -> WordTest:
    """The test box: which watched words ``text`` contains, and what would happen."""
    found = words.matches(text or "")
    return WordTest(matches=found, action=words.strongest(found))


test_watched_words.__test__ = False  # not a pytest test


@receiver(post_save, sender=WatchedWord, dispatch_uid="forums_watched_word_saved")
@receiver(post_delete, sender=WatchedWord, dispatch_uid="forums_watched_word_deleted")
def _watched_words_changed(sender, **kwargs):
    """Edits in the Wagtail admin take effect at once."""
    words.forget_cache()


# --- Reads of the moderators' pages ---------------------------------------------------------
def moderated_q(viewer: ForumViewer, prefix: str = "") -> Q:
    """A filter for rows whose category (``<prefix>category_id``) ``viewer`` moderates."""
    if viewer.is_global_moderator:
        return Q()
    return Q(**{f"{prefix}category_id__in": viewer.moderated_category_ids})


def category_moderator_ids() -> dict[int, set[int]]:
    """Category id -> ids of its own moderators (one query)."""
    result: dict[int, set[int]] = {}
    for category_id, user_id in Category.moderators.through.objects.values_list(
        "category_id", "user_id"
    ):
        result.setdefault(category_id, set()).add(user_id)
    return result


def anonymous_label() -> str:
    return _("Member of a model municipality")


def author_display(viewer, thread: Thread, author, anonymous: bool, cat_mods) -> dict:
    """How ``viewer`` sees the author: ``{"name", "anonymous", "known"}``."""
    if anonymous and not sees_anonymous_author(
        viewer, thread, cat_mods.get(thread.category_id, set())
    ):
        return {"name": anonymous_label(), "anonymous": True, "known": False}
    return {"name": author.display_name, "anonymous": anonymous, "known": True}


def masked_member_q(viewer: ForumViewer) -> Q:
    """Log entries whose member is the hidden author of an anonymous case for ``viewer``."""
    anonymous_author = Q(
        thread__is_anonymous=True, member_id=F("thread__author_id"), thread__revealed_at=None
    )
    if viewer.is_superuser:
        return Q(pk__in=[])
    own_moderators = Category.moderators.through.objects.filter(
        category_id=OuterRef("thread__category_id")
    )
    sees = Exists(own_moderators.filter(user_id=viewer.user_id))
    if viewer.is_global_moderator:
        sees = sees | ~Exists(own_moderators)
    return anonymous_author & ~Q(thread__author_id=viewer.user_id) & ~sees


def review_queue(user) -> dict:
    """The queue of ``user``'s categories: pending posts, flagged or flag-hidden posts,
    open appeals. Each post comes with ``author_shown`` (see ``author_display``)."""
    viewer = forum_viewer(user)
    if not viewer.is_any_moderator:
        raise PermissionDenied(_("Only moderators may open the review queue."))
    scope = moderated_q(viewer, "thread__")
    posts = Post.objects.select_related("thread__category", "author").filter(scope)
    open_flags = Prefetch(
        "flags", queryset=Flag.objects.filter(resolved_at__isnull=True), to_attr="open_flags"
    )
    pending = list(
        posts.filter(state=State.PENDING)
        .prefetch_related(open_flags)
        .order_by("created_at", "pk")[:200]
    )
    flagged = list(
        posts.filter(open_flag_count__gt=0, state__in=(State.PUBLISHED, State.HIDDEN))
        .prefetch_related(open_flags)
        .order_by("-open_flag_count", "created_at")[:200]
    )
    cat_mods = category_moderator_ids()
    for post in pending + flagged:
        post.author_shown = author_display(
            viewer, post.thread, post.author, post.is_anonymous, cat_mods
        )
        post.is_hidden_by_flags = hidden_by_flags(post)
    appeals = list(
        Appeal.objects.filter(status=Appeal.Status.OPEN)
        .filter(_appeal_scope(viewer))
        .select_related("action__thread__category", "action__post", "member", "action__moderator")
        .order_by("created_at")[:200]
    )
    for appeal in appeals:
        appeal.member_shown = _appeal_member(viewer, appeal, cat_mods)
    return {"pending": pending, "flagged": flagged, "appeals": appeals}


def _appeal_scope(viewer: ForumViewer) -> Q:
    if viewer.is_global_moderator:
        return Q()
    return Q(action__category_id__in=viewer.moderated_category_ids)


def _appeal_member(viewer, appeal: Appeal, cat_mods) -> dict:
    thread = appeal.action.thread
    anonymous = bool(thread and thread.is_anonymous and thread.author_id == appeal.member_id)
    if thread is None:
        return {"name": appeal.member.display_name, "anonymous": False, "known": True}
    return author_display(viewer, thread, appeal.member, anonymous, cat_mods)


def open_appeals(user):
    viewer = forum_viewer(user)
    if not viewer.is_any_moderator:
        raise PermissionDenied(_("Only moderators may open the appeals."))
    appeals = list(
        Appeal.objects.filter(_appeal_scope(viewer))
        .select_related("action__thread__category", "action__post", "member", "answered_by")
        .order_by("status", "-created_at")[:200]
    )
    cat_mods = category_moderator_ids()
    for appeal in appeals:
        appeal.member_shown = _appeal_member(viewer, appeal, cat_mods)
    return appeals


def access_appeal(user, pk) -> Appeal:
    """An appeal the moderator ``user`` may answer; 404 otherwise."""
    from django.http import Http404

    viewer = forum_viewer(user)
    appeal = (
        Appeal.objects.select_related(
            "action__thread__category", "action__post", "action__moderator", "member",
            "answered_by",
        ).filter(pk=pk).first()
    )  # fmt: skip
    if appeal is None or not viewer.is_any_moderator or not may_answer_appeal(viewer, appeal):
        raise Http404
    appeal.member_shown = _appeal_member(viewer, appeal, category_moderator_ids())
    return appeal


@dataclass
class LogFilters:
    action: str = ""
    moderator: object = None  # a User
    member: object = None  # a User
    category: Category | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None


def log_entries(user, filters: LogFilters | None = None):
    """The log entries ``user`` may see (their categories; global ones for global
    moderators), newest first, filtered. Entries about the hidden author of an
    anonymous case never match a member filter."""
    viewer = forum_viewer(user)
    if not viewer.is_any_moderator:
        raise PermissionDenied(_("Only moderators may open the moderation log."))
    entries = ModerationAction.objects.select_related(
        "moderator", "member", "thread__category", "post", "category"
    )
    if not viewer.is_global_moderator:
        entries = entries.filter(category_id__in=viewer.moderated_category_ids)
    filters = filters or LogFilters()
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.moderator is not None:
        entries = entries.filter(moderator=filters.moderator)
    if filters.member is not None:
        entries = entries.filter(member=filters.member).exclude(masked_member_q(viewer))
    if filters.category is not None:
        entries = entries.filter(
            Q(category=filters.category) | Q(details__from_category=filters.category.pk)
        )
    if filters.date_from is not None:
        entries = entries.filter(created_at__gte=filters.date_from)
    if filters.date_to is not None:
        entries = entries.filter(created_at__lt=filters.date_to)
    return entries.order_by("-created_at", "-pk")


def present_entries(user, entries) -> list:
    """Annotate log entries for display: ``member_shown`` respects anonymous cases."""
    viewer = forum_viewer(user)
    cat_mods = category_moderator_ids()
    for entry in entries:
        entry.member_shown = None
        if entry.member is not None:
            thread = entry.thread
            anonymous = bool(
                thread is not None and thread.is_anonymous and thread.author_id == entry.member_id
            )
            if thread is None:
                entry.member_shown = {
                    "name": entry.member.display_name, "anonymous": False, "known": True,
                }  # fmt: skip
            else:
                entry.member_shown = author_display(
                    viewer, thread, entry.member, anonymous, cat_mods
                )
    return entries


def member_actions(user, member, limit: int = 50) -> list:
    """Recent log entries about ``member`` that ``user`` may see (anonymous cases masked)."""
    entries = log_entries(user, LogFilters(member=member))[:limit]
    return present_entries(user, list(entries))
