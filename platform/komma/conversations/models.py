"""Private conversations between two members.

A conversation has exactly two participants: the member who started it and the one
written to. Nobody else can read it; there is deliberately no admin view of
messages (they are private, and the people here face threats).

``recipient_alias`` protects a member contacted from a page: a page that names a
municipality plus the pseudonym of "the team behind it" would unmask that member,
so the starter sees the recipient only as the alias (see ``Participant.sees_alias``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 5000
ALIAS_MAX_LENGTH = 300  # "the team behind “…”" around a page title of up to 255


class Conversation(models.Model):
    """A private exchange of messages between two members."""

    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    # Denormalised from the newest message so the inbox sorts and detects unread
    # conversations without touching the messages table.
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)
    context_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started from page"),
    )
    recipient_alias = models.CharField(
        _("recipient shown as"),
        max_length=ALIAS_MAX_LENGTH,
        blank=True,
        help_text=_("When set, the starter sees the recipient only under this name."),
    )

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        # Not the subject: generic displays (logs, error reports) must not carry
        # what members wrote to each other.
        return f"conversation #{self.pk}"


class Participant(models.Model):
    """One member's side of a conversation: read state and archive flag."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversation_participations",
    )
    is_starter = models.BooleanField(_("started the conversation"), default=False)
    # Read up to this point in time; None: never opened.
    last_read_at = models.DateTimeField(_("read until"), null=True, blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="unique_conversation_participant"
            )
        ]
        indexes = [models.Index(fields=["user", "archived"], name="conv_participant_inbox")]

    def __str__(self):
        return f"participant #{self.pk}"

    @property
    def is_unread(self) -> bool:
        """Whether a message arrived after the member last read the conversation."""
        return self.last_read_at is None or self.conversation.last_message_at > self.last_read_at

    @property
    def sees_alias(self) -> bool:
        """Whether this member sees the other participant only as the alias."""
        return self.is_starter and bool(self.conversation.recipient_alias)


class Message(models.Model):
    """One message. It stays when its author deletes the account ("former member")."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="conv_message_thread"),
            models.Index(fields=["author", "created_at"], name="conv_message_author"),
        ]

    def __str__(self):
        return f"message #{self.pk}"
