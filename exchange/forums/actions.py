"""Every write of members in the forums: threads, replies, edits, reactions,
bookmarks, solutions, following and reading.

``check_<verb>_<noun>`` validates and authorises, then calls ``do_<verb>_<noun>``,
which writes atomically. Bad input raises ``ValidationError`` (with a field
dict where a form shows it) or ``PermissionDenied`` before anything is stored,
so a form can show the message with the writer's text intact.

Moderators' writes are in ``moderation``; notification fan-out in ``notifications``.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from komma.accounts.models import User
from komma.core.ratelimit import allow
from komma.media.images import image_info, without_metadata

from . import words
from .access import check_may_write, forget_viewer, forum_viewer, is_moderator
from .models import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AdviceWanted,
    Attachment,
    Bookmark,
    Category,
    Flag,
    FlagReason,
    ForumProfile,
    ForumSettings,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    State,
    Subscription,
    Thread,
    ThreadKind,
    WatchLevel,
)
from .rendering import mention_candidates, render_markdown

POSTS_PER_HOUR = 30  # everyone; new members also have the daily limit in ForumSettings
MAX_ATTACHMENTS = 5
IMAGE_MAX_BYTES = 5 * 1024 * 1024
PDF_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000


# --- Input ------------------------------------------------------------------------------
@dataclass
class Upload:
    """One uploaded file, read into memory by the form (bounded by the size limits)."""

    name: str
    data: bytes
    alt_text: str = ""


@dataclass
class CheckedUpload:
    kind: str
    data: bytes
    extension: str
    width: int | None = None
    height: int | None = None
    alt_text: str = ""


@dataclass
class CaseDetails:
    """The structured form of a case ("Fall einbringen")."""

    situation: str
    key_question: str
    tried: str = ""
    advice_wanted: list[str] = field(default_factory=list)


def clean_body(body: str, field_name: str = "body") -> str:
    """Refuse an empty, oversized or binary text; keep the writer's own line breaks."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({field_name: _("Please write something.")}, code="required")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {field_name: _("A post may have at most %(n)d characters.") % {"n": BODY_MAX_LENGTH}},
            code="max_length",
        )
    if "\x00" in body:
        raise ValidationError({field_name: _("The text contains invalid characters.")})
    return body


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < 5:
        raise ValidationError(
            {"title": _("Please enter a title of at least 5 characters.")}, code="required"
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {"title": _("The title may have at most %(n)d characters.") % {"n": TITLE_MAX_LENGTH}},
            code="max_length",
        )
    return title


def check_uploads(uploads: list[Upload]) -> list[CheckedUpload]:
    """Images (JPEG, PNG, WebP; re-encoded without metadata) and PDFs, within limits.

    The type is read from the content, not from the name or the browser's claim.
    """
    uploads = [upload for upload in uploads or [] if upload.data]
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("At most %(n)d attachments per post.") % {"n": MAX_ATTACHMENTS}}
        )
    checked = []
    for upload in uploads:
        label = upload.name[:80]
        if upload.data.startswith(b"%PDF-"):
            if len(upload.data) > PDF_MAX_BYTES:
                raise ValidationError(
                    {"attachments": _("%(name)s is larger than 10 MB.") % {"name": label}}
                )
            checked.append(CheckedUpload("pdf", upload.data, ".pdf"))
            continue
        if len(upload.data) > IMAGE_MAX_BYTES:
            raise ValidationError(
                {"attachments": _("%(name)s is larger than 5 MB.") % {"name": label}}
            )
        image_info = _image_info(upload.data)
        stripped = without_metadata(upload.data) if image_info else None
        if image_info is None or stripped is None:
            raise ValidationError(
                {
                    "attachments": _(
                        "%(name)s is neither an image (JPEG, PNG, WebP) nor a PDF."
                    ) % {"name": label}
                }
            )  # fmt: skip
        image_format, width, height = image_info
        extension = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[image_format]
        checked.append(
            CheckedUpload("image", stripped, extension, width, height, upload.alt_text[:300])
        )
    return checked


def _image_info(data: bytes):
    # The shared check (komma.media.images): type from the content, pixel bound
    # before decoding, structure verified.
    return image_info(data, max_pixels=IMAGE_MAX_PIXELS)


def compose_case_body(case: CaseDetails) -> str:
    """The opening post of a case: the structured answers under headings.

    Written in the site's language whatever the writer's UI language: it is stored
    content that every reader sees the same.
    """
    with translation.override(settings.LANGUAGE_CODE):
        # Headings are translated outside the f-strings: xgettext does not read those.
        situation, question = _("Situation"), _("Key question")
        tried, wanted_heading = _("What has been tried"), _("Advice wanted")
        labels = dict(AdviceWanted.choices)
        parts = [f"# {situation}\n\n{case.situation.strip()}"]
        parts.append(f"# {question}\n\n{case.key_question.strip()}")
        if case.tried.strip():
            parts.append(f"# {tried}\n\n{case.tried.strip()}")
        if case.advice_wanted:
            wanted = "\n".join(f"- {labels[key]}" for key in case.advice_wanted if key in labels)
            parts.append(f"# {wanted_heading}\n\n{wanted}")
        return "\n\n".join(parts)


def clean_case(case: CaseDetails) -> CaseDetails:
    errors = {}
    for name in ("situation", "key_question"):
        if not getattr(case, name, "").strip():
            errors[name] = _("Please fill in this field.")
    if len(case.key_question or "") > 300:
        errors["key_question"] = _("The key question may have at most 300 characters.")
    unknown = set(case.advice_wanted) - set(AdviceWanted.values)
    if unknown:
        errors["advice_wanted"] = _("Please choose from the list.")
    if errors:
        raise ValidationError(errors)
    return case


# --- Shared rules for new posts ---------------------------------------------------------
def _existing_post(user, client_token) -> Post | None:
    if client_token is None:
        return None
    return Post.objects.filter(author=user, client_token=client_token).first()


def _check_rate(user, viewer, thread: Thread | None) -> None:
    """Slow mode of the thread, daily limit of new members, hourly limit of everyone."""
    now = timezone.now()
    if (
        thread is not None
        and thread.slow_mode_seconds
        and not is_moderator(viewer, thread.category_id)
    ):
        last = Post.objects.filter(thread=thread, author=user).aggregate(last=Max("created_at"))[
            "last"
        ]
        if last and last > now - timedelta(seconds=thread.slow_mode_seconds):
            wait = int((last + timedelta(seconds=thread.slow_mode_seconds) - now).total_seconds())
            raise ValidationError(
                _("This thread is in slow mode. You can post again in %(n)d seconds.")
                % {"n": max(wait, 1)},
                code="slow_mode",
            )
    limits = ForumSettings.load()
    if viewer.approved_posts < limits.new_member_posts and not viewer.is_any_moderator:
        today = Post.objects.filter(author=user, created_at__gte=now - timedelta(days=1)).count()
        if today >= limits.new_member_daily_limit:
            raise ValidationError(
                _(
                    "New members may write %(n)d posts a day. Please try again tomorrow."
                ) % {"n": limits.new_member_daily_limit},
                code="daily_limit",
            )  # fmt: skip
    if not allow("forum_post", user.pk, POSTS_PER_HOUR, 3600):
        raise ValidationError(
            _("You have written many posts in a short time. Please try again later."),
            code="rate_limited",
        )


def _moderation_state(viewer, category: Category, triggered: str | None) -> str:
    if triggered == words.WatchedWord.Action.BLOCK:
        raise AssertionError("blocked texts never reach this point")
    if is_moderator(viewer, category):
        return State.PUBLISHED
    if category.premoderated or triggered == words.WatchedWord.Action.REQUIRE_APPROVAL:
        return State.PENDING
    if viewer.approved_posts < ForumSettings.load().new_member_posts:
        return State.PENDING
    return State.PUBLISHED


def _check_words(*texts: str) -> tuple[str | None, list]:
    found = words.matches(*texts)
    action = words.strongest(found)
    if action == words.WatchedWord.Action.BLOCK:
        blocking = ", ".join(f"„{m.word}“" for m in found if m.action == action)
        raise ValidationError(
            _(
                "Your text contains words the moderators do not allow here (%(words)s). "
                "Please rephrase it."
            ) % {"words": blocking},
            code="blocked_word",
        )  # fmt: skip
    return action, found


def _mentionable(text: str) -> dict[str, User]:
    candidates = mention_candidates(text)
    if not candidates:
        return {}
    users = User.objects.filter(
        is_active=True, deleted_at__isnull=True, pseudonym__iregex="^({})$".format("|".join(
            _regex_escape(name) for name in sorted(candidates)[:50]
        ))
    )  # fmt: skip
    return {user.pseudonym.lower(): user for user in users}


def _regex_escape(name: str) -> str:
    # Pseudonyms are letters, digits, ".", "_", "-": only "." needs escaping.
    return name.replace(".", r"\.")


def _render(body: str) -> tuple[str, list[User]]:
    mentionable = _mentionable(body)
    html = render_markdown(body, {key: user.pseudonym for key, user in mentionable.items()})
    return html, list(mentionable.values())


def _store_attachments(post: Post, uploads: list[CheckedUpload]) -> None:
    for index, upload in enumerate(uploads, start=1):
        attachment = Attachment(
            post=post,
            kind=upload.kind,
            label=_("Attachment %(n)d") % {"n": index} + upload.extension,
            size=len(upload.data),
            width=upload.width,
            height=upload.height,
            alt_text=upload.alt_text,
        )
        attachment.file.save(f"a{upload.extension}", ContentFile(upload.data), save=False)
        attachment.save()


def _flag_for_words(post: Post, found) -> None:
    flagged = [m.word for m in found if m.action == words.WatchedWord.Action.FLAG]
    if flagged:
        Flag.objects.create(
            post=post,
            flagged_by=None,
            reason=FlagReason.OTHER,
            note=_("Watched words: %(words)s") % {"words": ", ".join(flagged)},
        )
        Post.objects.filter(pk=post.pk).update(open_flag_count=1)
        post.open_flag_count = 1


# --- Threads ------------------------------------------------------------------------------
def check_create_thread(
    user, category: Category, *, title: str, body: str = "", case: CaseDetails | None = None,
    anonymous: bool = False, uploads: list[Upload] | None = None, client_token=None,
) -> Thread:  # fmt: skip
    """Validate, authorise and rate-limit a new thread (discussion or case), then create it.

    A repeated ``client_token`` (double submit) returns the thread already created.
    Anonymous posting is offered for cases only.
    """
    viewer = check_may_write(user, category)
    existing = _existing_post(user, client_token)
    if existing is not None:
        return existing.thread
    errors = {}
    try:
        title = clean_title(title)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if case is not None:
        try:
            case = clean_case(case)
            body = compose_case_body(case)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    else:
        anonymous = False
        try:
            body = clean_body(body)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    try:
        checked_uploads = check_uploads(uploads)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            _("A post may have at most %(n)d characters.") % {"n": BODY_MAX_LENGTH}
        )
    triggered, found = _check_words(title, body)
    _check_rate(user, viewer, None)
    return do_create_thread(
        user, category, title=title, body=body, case=case, anonymous=anonymous,
        state=_moderation_state(viewer, category, triggered), uploads=checked_uploads,
        client_token=client_token, watched=found,
    )  # fmt: skip


def do_create_thread(
    user, category: Category, *, title: str, body: str, case: CaseDetails | None, anonymous: bool,
    state: str, uploads: list[CheckedUpload], client_token, watched=(),
) -> Thread:  # fmt: skip
    """Store the thread and its opening post; count and notify when published."""
    html, mentioned = _render(body)

    def write() -> Post:
        now = timezone.now()
        thread = Thread.objects.create(
            category=category,
            kind=ThreadKind.CASE if case else ThreadKind.DISCUSSION,
            title=title,
            author=user,
            is_anonymous=anonymous,
            key_question=case.key_question.strip() if case else "",
            advice_wanted=list(case.advice_wanted) if case else [],
            state=state,
            created_at=now,
            last_post_at=now,
            last_number=1,
        )
        post = Post.objects.create(
            thread=thread, number=1, author=user, is_anonymous=anonymous, body=body,
            body_html=html, state=state, created_at=now, client_token=client_token,
        )  # fmt: skip
        _store_attachments(post, uploads)
        _flag_for_words(post, watched)
        ReadState.objects.create(user=user, thread=thread, last_read_number=1)
        Subscription.objects.create(user=user, thread=thread, level=WatchLevel.WATCHING)
        if state == State.PUBLISHED:
            after_publish(post, mentioned=mentioned)
        return post

    post = _store_once(user, client_token, write)
    thread = post.thread
    thread.opening_post = post
    return thread


# --- Replies --------------------------------------------------------------------------
def check_reply(
    user, thread: Thread, *, body: str, quoted: Post | None = None,
    uploads: list[Upload] | None = None, client_token=None,
) -> Post:  # fmt: skip
    """Validate, authorise and rate-limit a reply to ``thread`` (from ``access_thread``)."""
    viewer = check_may_write(user, thread.category)
    existing = _existing_post(user, client_token)
    if existing is not None:
        return existing
    if thread.state != State.PUBLISHED:
        raise ValidationError(_("This thread is not open for replies."), code="not_published")
    if thread.is_locked and not is_moderator(viewer, thread.category_id):
        raise ValidationError(
            _("This thread is locked. New replies are not possible."), code="locked"
        )
    errors = {}
    try:
        body = clean_body(body)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        checked_uploads = check_uploads(uploads)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if quoted is not None and (quoted.thread_id != thread.pk or quoted.state != State.PUBLISHED):
        quoted = None
    triggered, found = _check_words(body)
    _check_rate(user, viewer, thread)
    return do_reply(
        user, thread, body=body, quoted=quoted, uploads=checked_uploads,
        state=_moderation_state(viewer, thread.category, triggered), client_token=client_token,
        watched=found,
    )  # fmt: skip


def do_reply(
    user, thread: Thread, *, body: str, quoted: Post | None, uploads: list[CheckedUpload],
    state: str, client_token, watched=(),
) -> Post:  # fmt: skip
    """Store the reply with the next number of the thread; count and notify when published."""
    html, mentioned = _render(body)

    def write() -> Post:
        # The row lock serialises numbering within the thread.
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        number = locked.last_number + 1
        Thread.objects.filter(pk=thread.pk).update(last_number=number)
        post = Post.objects.create(
            thread=thread, number=number, author=user, body=body, body_html=html,
            is_anonymous=thread.is_anonymous and thread.author_id == user.pk,
            quoted=quoted, state=state, client_token=client_token,
        )  # fmt: skip
        _store_attachments(post, uploads)
        _flag_for_words(post, watched)
        ReadState.objects.update_or_create(
            user=user, thread=thread, defaults={"last_read_number": number}
        )
        if state == State.PUBLISHED:
            after_publish(post, mentioned=mentioned)
        thread.last_number = number
        return post

    return _store_once(user, client_token, write)


def _store_once(user, client_token, write) -> Post:
    """Run ``write()`` atomically; a double submit that raced this one (same client
    token, stored by the other request) answers with the stored post instead."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        existing = _existing_post(user, client_token)
        if existing is None:
            raise
        return existing


def after_publish(post: Post, *, mentioned=None) -> None:
    """A post became visible (written, or approved): counters, trust, notifications.

    Runs inside the caller's transaction. ``mentioned``: users named with ``@``
    (the approval path passes None and they are looked up again).
    """
    from search.indexing import schedule

    from .notifications import notify_new_post
    from .search import reindex_thread

    refresh_thread_stats(post.thread_id)
    reindex_thread(post.thread_id, with_posts=False)
    schedule(Post, post.pk)
    # Counted up, not recounted: trust granted otherwise (an administrator, an import)
    # must not fall back below the threshold.
    ForumProfile.objects.get_or_create(user_id=post.author_id)
    ForumProfile.objects.filter(user_id=post.author_id).update(
        approved_posts=F("approved_posts") + 1
    )
    forget_viewer(post.author)
    if mentioned is None:
        mentioned = list(_mentionable(post.body).values())
    notify_new_post(post, mentioned=mentioned)


def refresh_thread_stats(thread_id: int) -> None:
    """Recount a thread's published posts and its category's totals from the posts.

    Called after every change of what is published, so the counters cannot drift.
    """
    thread = Thread.objects.select_related("category").get(pk=thread_id)
    published = Post.objects.filter(thread_id=thread_id, state=State.PUBLISHED)
    last = published.order_by("-number").only("pk", "created_at").first()
    Thread.objects.filter(pk=thread_id).update(
        post_count=published.count(),
        last_post=last,
        last_post_at=last.created_at if last else thread.created_at,
    )
    refresh_category_stats(thread.category_id)


def refresh_category_stats(category_id: int) -> None:
    threads = Thread.objects.filter(category_id=category_id, state=State.PUBLISHED)
    posts = Post.objects.filter(
        thread__category_id=category_id, thread__state=State.PUBLISHED, state=State.PUBLISHED
    )
    last = posts.order_by("-created_at", "-pk").only("pk").first()
    Category.objects.filter(pk=category_id).update(
        thread_count=threads.count(), post_count=posts.count(), last_post=last
    )


# --- Editing ------------------------------------------------------------------------------
def check_edit_post(user, post: Post, *, body: str, reason: str = "", title: str | None = None):
    """The author edits their post (not in a locked thread); a moderator edits any post
    with a reason, which is logged. The previous text goes into the edit history."""
    viewer = forum_viewer(user)
    moderating = post.author_id != user.pk
    if moderating:
        if not is_moderator(viewer, post.thread.category_id):
            raise PermissionDenied(_("You may only edit your own posts."))
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Please give a reason.")}, code="required")
    else:
        check_may_write(user, post.thread.category)
        if post.thread.is_locked and not is_moderator(viewer, post.thread.category_id):
            raise ValidationError(_("This thread is locked. Posts can no longer be edited."))
        if post.state in (State.HIDDEN, State.REJECTED):
            raise ValidationError(_("This post was removed by the moderators."))
    errors = {}
    try:
        body = clean_body(body)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if title is not None and post.number == 1:
        try:
            title = clean_title(title)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    else:
        title = None
    if errors:
        raise ValidationError(errors)
    triggered, found = (None, []) if moderating else _check_words(body, title or "")
    if body == post.body and (title is None or title == post.thread.title):
        return post  # nothing changed: no revision, no "edited" marker
    # An edit is held for approval like a new post would be (a watched word that
    # requires it): otherwise harmless text could be edited into anything.
    hold = (
        not moderating
        and post.state == State.PUBLISHED
        and triggered == words.WatchedWord.Action.REQUIRE_APPROVAL
    )
    return do_edit_post(
        user, post, body=body, title=title, reason=reason, moderating=moderating,
        hold=hold, watched=found,
    )  # fmt: skip


def do_edit_post(
    user, post: Post, *, body: str, title: str | None, reason: str, moderating: bool,
    hold: bool = False, watched=(),
) -> Post:  # fmt: skip
    """Keep the old text as a revision, store the new one rendered; log moderators' edits.

    ``hold``: the edited post waits for approval again (it leaves the thread's counts
    until a moderator approves it); ``watched``: watched words found, flagged as on
    a new post.
    """
    html, _mentioned = _render(body)
    with transaction.atomic():
        PostRevision.objects.create(post=post, body=post.body, edited_by=user, reason=reason)
        post.body, post.body_html, post.edited_at = body, html, timezone.now()
        if hold:
            post.state = State.PENDING
        post.save(update_fields=["body", "body_html", "edited_at", "state"])
        if hold:
            if post.number == 1:
                Thread.objects.filter(pk=post.thread_id).update(state=State.PENDING)
            refresh_thread_stats(post.thread_id)
        if post.open_flag_count == 0:
            _flag_for_words(post, watched)
        if title is not None:
            Thread.objects.filter(pk=post.thread_id).update(title=title)
            post.thread.title = title
        if moderating:
            from .models import ModAction
            from .moderation import log_action

            log_action(user, ModAction.EDIT, reason, post=post, notify_member=True)
    from .search import reindex_thread

    # The thread's text or title changed (and the post itself, if it is held now).
    reindex_thread(post.thread_id, with_posts=hold)
    return post


# --- Reactions, bookmarks, solution ---------------------------------------------------
def _check_may_interact(user, post: Post) -> None:
    viewer = forum_viewer(user)
    if viewer.is_suspended() or post.state != State.PUBLISHED:
        raise PermissionDenied


def do_toggle_helpful(user, post: Post) -> bool:
    """Mark or unmark ``post`` as "hilfreich"; one per member; not one's own post.

    Returns whether the post is now marked.
    """
    _check_may_interact(user, post)
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot mark your own post as helpful."))
    with transaction.atomic():
        marked = _toggle(Reaction, user, post)
        Post.objects.filter(pk=post.pk).update(helpful_count=post.reactions.count())
    return marked


def do_toggle_bookmark(user, post: Post) -> bool:
    """Bookmark or un-bookmark ``post``; returns whether it is bookmarked now."""
    with transaction.atomic():
        return _toggle(Bookmark, user, post)


def _toggle(model, user, post: Post) -> bool:
    """Remove the member's row for ``post`` if there is one, else add it; True if added."""
    deleted, _rows = model.objects.filter(post=post, user=user).delete()
    if not deleted:
        model.objects.get_or_create(post=post, user=user)
    return not deleted


def check_mark_solution(user, post: Post) -> Thread:
    """The thread's author (or a moderator) marks ``post`` as the solution, or unmarks it."""
    thread = post.thread
    viewer = check_may_write(user, thread.category)  # silenced members may not
    if thread.author_id != user.pk and not is_moderator(viewer, thread.category_id):
        raise PermissionDenied(_("Only the author of the thread can mark a solution."))
    if post.number == 1 or post.state != State.PUBLISHED:
        raise ValidationError(_("Only a published reply can be the solution."))
    new = None if thread.solution_id == post.pk else post
    Thread.objects.filter(pk=thread.pk).update(solution=new)
    thread.solution = new
    return thread


# --- Following and reading -------------------------------------------------------------
def do_set_watch_level(user, *, level: str, thread: Thread | None = None,
                       category: Category | None = None) -> Subscription:  # fmt: skip
    """Watch, follow normally or mute a thread or a category."""
    if level not in WatchLevel.values or (thread is None) == (category is None):
        raise ValidationError(_("Please choose how to follow."))
    target = {"thread": thread} if thread is not None else {"category": category}
    subscription, _created = Subscription.objects.update_or_create(
        user=user, **target, defaults={"level": level}
    )
    return subscription


def do_mark_read(user, thread: Thread, number: int) -> None:
    """Remember that ``user`` has seen posts up to ``number`` (never moves backwards)."""
    number = min(int(number), thread.last_number)
    updated = ReadState.objects.filter(
        user=user, thread=thread, last_read_number__lt=number
    ).update(last_read_number=number)
    if not updated:
        ReadState.objects.get_or_create(
            user=user, thread=thread, defaults={"last_read_number": number}
        )


def do_mark_category_read(user, category: Category) -> int:
    """Mark every thread of ``category`` read; returns how many threads changed."""
    changed = 0
    for thread_id, last_number in Thread.objects.filter(
        category=category, state=State.PUBLISHED
    ).values_list("pk", "last_number"):
        state, created = ReadState.objects.get_or_create(
            user=user, thread_id=thread_id, defaults={"last_read_number": last_number}
        )
        if not created and state.last_read_number < last_number:
            state.last_read_number = last_number
            state.save(update_fields=["last_read_number"])
            changed += 1
        changed += int(created)
    return changed
