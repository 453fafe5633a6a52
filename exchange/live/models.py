"""Live peer-consulting sessions ("kollegiale Beratung" in the browser).

A session is scheduled by a facilitator, opened into a lobby and then the live
room, guided through six phases, and ended. The database is the truth: every
chat message gets a per-session sequence number (``LiveSession.last_seq`` is the
counter) and the client's own message id *before* it is broadcast, so that a
reconnecting client can be given exactly what it missed, and a retried message is
stored once (``Message`` is unique per session, author and client id).

Everything a facilitator does to someone else (mute, remove, delete a message,
lock, end) is written to ``SessionLog`` with a reason where one is required.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX_LENGTH = 150
MESSAGE_MAX_LENGTH = 4_000
NOTES_MAX_LENGTH = 50_000
REASON_MAX_LENGTH = 500
DEFAULT_CAPACITY = 9


class State(models.TextChoices):
    """scheduled → lobby → live → ended (a scheduled session may be cancelled)."""

    # A context of their own: Wagtail's catalogue translates a bare "live" as
    # "Veröffentlicht" (a published page), which a session is not.
    SCHEDULED = "scheduled", pgettext_lazy("live session state", "scheduled")
    LOBBY = "lobby", pgettext_lazy("live session state", "lobby open")
    LIVE = "live", pgettext_lazy("live session state", "live")
    ENDED = "ended", pgettext_lazy("live session state", "ended")
    CANCELLED = "cancelled", pgettext_lazy("live session state", "cancelled")


class Phase(models.TextChoices):
    """The six phases of a kollegiale Beratung, in order."""

    CASTING = "casting", _("Casting")
    NARRATIVE = "narrative", _("Spontanerzählung")
    KEY_QUESTION = "key_question", _("Schlüsselfrage")
    METHOD = "method", _("Methodenwahl")
    ADVICE = "advice", _("Beratung")
    CLOSING = "closing", _("Abschluss")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)

# Default length of each phase in minutes (the facilitator may change the timer).
PHASE_MINUTES: dict[str, int] = {
    Phase.CASTING: 5,
    Phase.NARRATIVE: 10,
    Phase.KEY_QUESTION: 5,
    Phase.METHOD: 5,
    Phase.ADVICE: 25,
    Phase.CLOSING: 10,
}


class Audience(models.TextChoices):
    """Whom a facilitator may invite."""

    MODEL = "model", _("members of model municipalities")
    MEMBERS = "members", _("members of all member municipalities")


class Role(models.TextChoices):
    """Roles cast in the room. Consultants are everyone not cast otherwise."""

    FACILITATOR = "facilitator", _("facilitator")
    CASE_GIVER = "case_giver", _("case giver")
    CONSULTANT = "consultant", _("consultant")
    SECRETARY = "secretary", _("secretary")


class LiveSession(models.Model):
    """One live peer-consulting session and its room state."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=2_000, blank=True)
    starts_at = models.DateTimeField(_("start"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    audience = models.CharField(
        _("who may be invited"), max_length=16, choices=Audience.choices, default=Audience.MODEL
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=DEFAULT_CAPACITY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_live_sessions",
        verbose_name=_("facilitator"),
    )
    case_giver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_cases",
        verbose_name=_("case giver"),
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    phase = models.CharField(max_length=16, choices=Phase.choices, blank=True)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    phase_ends_at = models.DateTimeField(null=True, blank=True)
    chat_locked = models.BooleanField(default=False)
    # During "Beratung" the case giver listens unless the facilitator lifts this.
    case_giver_may_speak = models.BooleanField(default=False)
    # The per-session message sequence (the last number handed out).
    last_seq = models.PositiveBigIntegerField(default=0)
    notes = models.TextField(_("minutes"), max_length=NOTES_MAX_LENGTH, blank=True)
    notes_version = models.PositiveIntegerField(default=0)
    notes_updated_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["state", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("live:session", kwargs={"public_id": self.public_id})

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        """Participants may connect (lobby or live)."""
        return self.state in (State.LOBBY, State.LIVE)


class Participant(models.Model):
    """An invited member of a session, with their role and room state."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_participations"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CONSULTANT)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    muted = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    hand_raised_at = models.DateTimeField(null=True, blank=True)
    first_joined_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="live_participant_once")
        ]
        indexes = [models.Index(fields=["user", "session"])]

    def __str__(self):
        return f"{self.session_id}:{self.user_id}:{self.role}"


class Message(models.Model):
    """A chat message, stored with its sequence number before anyone sees it."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_id = models.UUIDField()
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="live_message_seq"),
            models.UniqueConstraint(
                fields=["session", "author", "client_id"], name="live_message_client_once"
            ),
        ]

    def __str__(self):
        return f"{self.session_id}#{self.seq}"


class LogAction(models.TextChoices):
    SCHEDULE = "schedule", _("scheduled the session")
    EDIT = "edit", _("changed the session")
    OPEN = "open", _("opened the lobby")
    START = "start", _("started the session")
    PHASE = "phase", _("changed the phase")
    ROLE = "role", _("assigned a role")
    MUTE = "mute", _("muted")
    UNMUTE = "unmute", _("unmuted")
    REMOVE = "remove", _("removed from the session")
    DELETE_MESSAGE = "delete_message", _("deleted a message")
    LOCK = "lock", _("locked the chat")
    UNLOCK = "unlock", _("unlocked the chat")
    LIFT_LISTEN_ONLY = "lift_listen_only", _("let the case giver speak")
    RESTORE_LISTEN_ONLY = "restore_listen_only", _("made the case giver listen only")
    END = "end", _("ended the session")
    CANCEL = "cancel", _("cancelled the session")


class SessionLog(models.Model):
    """Who did what to whom in a session, when and why."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32, choices=LogAction.choices)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=100, blank=True)
    reason = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.session_id}:{self.action}"


class DraftThread(models.Model):
    """The case giver's anonymised draft of a forum thread made from the minutes.

    Nothing reaches the forum until the case giver has reviewed and submitted it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted to the forum")

    session = models.OneToOneField(LiveSession, on_delete=models.CASCADE, related_name="draft")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=20_000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    thread_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.title
