"""Forums: categories, threads, posts, and everything members and moderators do
with them.

Counters and "last post" pointers are denormalised on purpose: the category list,
the thread list and the thread page are read far more often than written, and
must cost a constant number of queries however long a thread grows. Every write
that changes them goes through ``actions``, which keeps them right.

Markdown is rendered once, when a post is written or edited (``body_html``), never
per view.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

TITLE_MAX_LENGTH = 150
BODY_MAX_LENGTH = 20_000
REASON_MAX_LENGTH = 1_000


class Access(models.TextChoices):
    """Who may read and write in a category, from closed to open."""

    MODEL = "model", _("model municipalities only")
    MEMBERS = "members", _("all member municipalities")
    PARTNERS = "partners", _("members and alliance partners")


class Category(models.Model):
    """A forum area with its own audience, moderators and pre-moderation setting."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=False)
    description = models.TextField(_("description"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    access = models.CharField(
        _("access"), max_length=16, choices=Access.choices, default=Access.MODEL
    )
    premoderated = models.BooleanField(
        _("pre-moderate every post"),
        default=False,
        help_text=_("Every new thread and reply waits for a moderator's approval."),
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_forum_categories",
        help_text=_("In addition to the members of the role Moderation."),
    )
    # Denormalised for the category list (see module docstring).
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forums:category", kwargs={"slug": self.slug})


class ThreadKind(models.TextChoices):
    DISCUSSION = "discussion", _("discussion")
    CASE = "case", _("case for peer consulting")


class State(models.TextChoices):
    """Moderation state of a thread or post. Only PUBLISHED is shown to members."""

    PUBLISHED = "published", _("published")
    PENDING = "pending", _("waiting for approval")
    HIDDEN = "hidden", _("hidden")
    REJECTED = "rejected", _("rejected")


class AdviceWanted(models.TextChoices):
    """What kind of advice a case giver asks for ("Fall einbringen")."""

    ASSESSMENT = "assessment", _("an assessment of the situation")
    EXPERIENCE = "experience", _("experiences from other municipalities")
    STEPS = "steps", _("concrete next steps")
    CONTACTS = "contacts", _("contacts and counselling services")


class Thread(models.Model):
    """A discussion or a case. Its first post (number 1) is the opening post."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="threads", verbose_name=_("category")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ThreadKind.choices, default=ThreadKind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_threads"
    )
    # An anonymous case: members see "Mitglied einer Modellkommune"; moderators see
    # the pseudonym, never the real name. ``revealed_at`` records that a moderator
    # revealed the pseudonym to the other moderators (logged, with reason).
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    revealed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Case fields (kind == CASE); the opening post carries them as text as well.
    key_question = models.CharField(_("key question"), max_length=300, blank=True)
    advice_wanted = models.JSONField(_("advice wanted"), default=list, blank=True)

    state = models.CharField(max_length=16, choices=State.choices, default=State.PUBLISHED)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    slow_mode_seconds = models.PositiveIntegerField(
        _("slow mode (seconds between posts of one member)"), default=0
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Published posts, and the highest post number ever given out in the thread.
    post_count = models.PositiveIntegerField(default=0)
    last_number = models.PositiveIntegerField(default=0)
    solution = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(
                fields=["category", "state", "-is_pinned", "-last_post_at"],
                name="forum_thread_list",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:thread", kwargs={"pk": self.pk})


class Post(models.Model):
    """One contribution. ``number`` is its position in the thread (1 = opening post)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_posts"
    )
    # Posts of the case giver in their own anonymous case are anonymous too.
    is_anonymous = models.BooleanField(default=False)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False)  # rendered and sanitised at write time
    quoted = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PUBLISHED)
    state_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    open_flag_count = models.PositiveIntegerField(default=0)
    # The writer's form token: a double submit finds the stored post, not a new one.
    client_token = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="forum_post_number"),
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=Q(client_token__isnull=False),
                name="forum_post_client_token",
            ),
        ]
        indexes = [
            models.Index(fields=["thread", "state", "number"], name="forum_post_page"),
            models.Index(fields=["author", "created_at"], name="forum_post_by_author"),
        ]

    def __str__(self):
        return f"{self.thread_id}#{self.number}"

    def get_absolute_url(self):
        return reverse("forums:post", kwargs={"pk": self.pk})


class PostRevision(models.Model):
    """A previous text of an edited post. Moderators see the edit history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    # Who replaced this text, when and (for moderators' edits) why.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-edited_at", "-pk"]

    def __str__(self):
        return f"{self.post_id} @ {self.edited_at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    """A random name: the uploader's file name can carry a name or a place."""
    # ``filename`` is the name the forum gives ("a.webp"), never the uploader's: only
    # its checked extension is kept.
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in (".pdf", ".jpg", ".png", ".webp"):
        suffix = ".pdf" if instance.kind == Attachment.Kind.PDF else ".jpg"
    return f"forum-attachments/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """An image (metadata stripped) or a PDF of a post.

    Files live outside the public media path and are served only through the
    forum's access check (``views.attachment``).
    """

    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        PDF = "pdf", _("PDF")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    # A neutral label ("Anhang 1.pdf"); the uploaded name is not kept.
    label = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    alt_text = models.CharField(_("description of the image"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.label


class Reaction(models.Model):
    """A "Hilfreich" of a member on a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="forum_reaction_once")]

    def __str__(self):
        return f"{self.user_id} -> {self.post_id}"


class Bookmark(models.Model):
    """A member's bookmark of a post (the opening post bookmarks the thread)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_bookmarks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="forum_bookmark_once")]

    def __str__(self):
        return f"{self.user_id} -> {self.post_id}"


class WatchLevel(models.TextChoices):
    """How closely a member follows a thread or a category."""

    WATCHING = "watching", _("watching: notify me of every new post")
    NORMAL = "normal", _("normal: notify me of replies to me and mentions")
    MUTED = "muted", _("muted: never notify me")


class Subscription(models.Model):
    """A member's watch level for one thread or one category (exactly one of them).

    Without a row the level is NORMAL, except that authors watch their threads.
    A thread's own row wins over its category's.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    level = models.CharField(max_length=16, choices=WatchLevel.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, category__isnull=True)
                | Q(thread__isnull=True, category__isnull=False),
                name="forum_subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="forum_subscription_thread_once",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="forum_subscription_category_once",
            ),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.level}"


class ReadState(models.Model):
    """How far a member has read a thread: the highest post number seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="forum_read_state_once")
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.thread_id}#{self.last_read_number}"


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("reply")
    MENTION = "mention", _("mention")
    QUOTE = "quote", _("quote")
    WATCHED = "watched", _("new post in a watched thread or category")
    MODERATION = "moderation", pgettext_lazy("notification kind", "moderation")
    APPEAL = "appeal", _("answer to an appeal")


class Notification(models.Model):
    """An in-app notification of one member.

    It stores references, not text about people: who acted is shown at render
    time through the post's author display, so an anonymous case stays anonymous
    and a renamed pseudonym shows its new name. ``reason`` is the moderator's
    reason, written for the affected member.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_notifications"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE)
    action = models.ForeignKey(
        "ModerationAction", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the notification went out in an e-mail digest.
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="forum_notif_unread")]

    def __str__(self):
        return f"{self.kind} -> {self.recipient_id}"


class DigestFrequency(models.TextChoices):
    OFF = "off", _("no e-mail")
    DAILY = "daily", _("daily digest")
    WEEKLY = "weekly", _("weekly digest")


class ForumProfile(models.Model):
    """A member's forum settings and standing: digest, trust, sanctions.

    ``approved_posts`` counts the member's published posts; below the threshold
    in ``ForumSettings`` the member is new (first posts pre-moderated, daily limit).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_profile"
    )
    digest = models.CharField(
        _("e-mail digest"), max_length=8, choices=DigestFrequency.choices,
        default=DigestFrequency.OFF,
    )  # fmt: skip
    last_digest_at = models.DateTimeField(null=True, blank=True)
    approved_posts = models.PositiveIntegerField(default=0)
    silenced_until = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"forum profile {self.user_id}"


class FlagReason(models.TextChoices):
    HATE = "hate", _("hate speech")
    DOXXING = "doxxing", _("personal data or doxxing")
    OFF_TOPIC = "off_topic", _("off-topic")
    OTHER = "other", _("other")


class Flag(models.Model):
    """A member reports a post. Open flags wait for a moderator."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    # None: flagged by the system (a watched word with the action "flag").
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=16, choices=FlagReason.choices)
    note = models.CharField(_("note for the moderators"), max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True: the moderators agreed and acted; False: the post was fine.
    upheld = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "flagged_by"],
                condition=Q(resolved_at__isnull=True),
                name="forum_flag_open_once",
            )
        ]

    def __str__(self):
        return f"{self.reason} on {self.post_id}"


class ModAction(models.TextChoices):
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")
    HIDE = "hide", _("hidden")
    UNHIDE = "unhide", _("shown again")
    EDIT = "edit", _("edited")
    LOCK = "lock", _("locked")
    UNLOCK = "unlock", _("unlocked")
    PIN = "pin", _("pinned")
    UNPIN = "unpin", _("unpinned")
    MOVE = "move", _("moved")
    SLOW_MODE = "slow_mode", _("slow mode changed")
    SILENCE = "silence", _("silenced")
    SUSPEND = "suspend", _("suspended")
    LIFT = "lift", _("sanction lifted")
    REVEAL = "reveal", _("anonymous case revealed to moderators")
    DISMISS_FLAGS = "dismiss_flags", _("flags dismissed")
    APPEAL_ANSWER = "appeal_answer", _("appeal answered")
    WATCHED_WORD = "watched_word", _("watched words changed")


class ModerationAction(models.Model):
    """The moderation log: who did what to which content or member, when and why.

    People are referenced, never copied: the log shows them by pseudonym.
    """

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16, choices=ModAction.choices)
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="forum_moderation_actions",
    )  # fmt: skip
    # Action details: the previous category of a move, the end of a sanction, ...
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        return f"{self.action} ({self.created_at:%Y-%m-%d})"


class Appeal(models.Model):
    """The affected member answers a moderation action; a moderator responds."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("decision upheld")
        REVERSED = "reversed", _("decision reversed")

    action = models.ForeignKey(ModerationAction, on_delete=models.CASCADE, related_name="appeals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("your reply to the moderators"), max_length=2_000)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("answer"), max_length=2_000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "member"],
                condition=Q(status="open"),
                name="forum_appeal_open_once",
            )
        ]

    def __str__(self):
        return f"appeal {self.pk} on {self.action_id}"


class WatchedWord(models.Model):
    """A word or phrase moderators watch for, with what happens on a match.

    ``*`` is a wildcard within a word ("hetz*" matches "Hetzer", "hetzerisch").
    Matching ignores case and is done on word boundaries.
    """

    class Action(models.TextChoices):
        BLOCK = "block", _("block the post")
        REQUIRE_APPROVAL = "require_approval", _("require approval")
        FLAG = "flag", _("flag for moderators")

    word = models.CharField(_("word or phrase"), max_length=100, unique=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["word"]
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")

    def __str__(self):
        return self.word


@register_setting(icon="group")
class ForumSettings(BaseGenericSetting):
    """Moderation thresholds, editable by administrators in Wagtail's settings."""

    new_member_posts = models.PositiveSmallIntegerField(
        _("posts until a member is no longer new"),
        default=3,
        help_text=_("The first posts of a new member wait for approval."),
    )
    new_member_daily_limit = models.PositiveSmallIntegerField(
        _("posts per day of a new member"), default=10
    )
    flags_to_hide = models.PositiveSmallIntegerField(
        _("flags until a post is hidden"),
        default=3,
        help_text=_("After this many open flags a post is hidden until a moderator reviews it."),
    )
    posts_per_page = models.PositiveSmallIntegerField(_("posts per page"), default=50)

    class Meta:
        verbose_name = _("forum settings")
