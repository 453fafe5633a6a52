"""All writes of the conversations app.

``check_<verb>_<noun>`` validates and authorises, then calls ``do_<verb>_<noun>``,
which writes atomically and queues the e-mail notification on commit. Bad input
raises ``ValidationError`` before anything is stored (and before the rate limit
counts it), so a form can show the message with the draft intact.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from komma.accounts.models import User
from komma.core.ratelimit import allow
from komma.core.tasks import MailDelivery

from .models import (
    ALIAS_MAX_LENGTH,
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Conversation,
    Message,
    Participant,
)
from .selectors import correspondent

CONVERSATIONS_PER_HOUR = 10
MESSAGES_PER_HOUR = 60


# --- Validation -------------------------------------------------------------------
def check_may_write_to(sender: User, recipient: User | None) -> None:
    """Refuse writing to oneself or to an account that cannot receive messages.

    An unknown, deactivated and deleted account get the same answer: which of them
    it is would tell a stranger something about that account.
    """
    if not sender.is_authenticated or not sender.is_active or sender.is_deleted:
        raise PermissionDenied
    if recipient is not None and recipient.pk == sender.pk:
        raise ValidationError(_("You cannot write a message to yourself."), code="self")
    if recipient is None or not recipient.is_active or recipient.is_deleted:
        raise ValidationError(
            _("There is no member here who can receive messages."), code="unavailable"
        )


def _clean_subject(subject: str) -> str:
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("Please enter a subject.")}, code="required")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(
            {
                "subject": _("The subject may have at most %(n)d characters.")
                % {"n": SUBJECT_MAX_LENGTH}
            },
            code="max_length",
        )
    return subject


def _clean_body(body: str) -> str:
    # Leading/trailing blank lines go; the writer's own line breaks inside stay.
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Please write a message.")}, code="required")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {"body": _("A message may have at most %(n)d characters.") % {"n": BODY_MAX_LENGTH}},
            code="max_length",
        )
    if "\x00" in body:
        raise ValidationError({"body": _("The message contains invalid characters.")})
    return body


# --- Starting a conversation ---------------------------------------------------------
def check_start_conversation(
    sender: User, recipient: User | None, *, subject: str, body: str,
    context_page=None, recipient_alias: str = "",
) -> Conversation:  # fmt: skip
    """Validate, authorise and rate-limit a new conversation, then start it."""
    check_may_write_to(sender, recipient)
    cleaned, errors = {}, {}
    for name, clean, value in (("subject", _clean_subject, subject), ("body", _clean_body, body)):
        try:
            cleaned[name] = clean(value)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:  # both fields' messages at once
        raise ValidationError(errors)
    if not allow("conversation_start", sender.pk, CONVERSATIONS_PER_HOUR, 3600):
        raise ValidationError(
            _("You have started many conversations in a short time. Please try again later."),
            code="rate_limited",
        )
    return do_start_conversation(
        sender, recipient, subject=cleaned["subject"], body=cleaned["body"],
        context_page=context_page, recipient_alias=(recipient_alias or "")[:ALIAS_MAX_LENGTH],
    )  # fmt: skip


def do_start_conversation(
    sender: User, recipient: User, *, subject: str, body: str, context_page=None,
    recipient_alias: str = "",
) -> Conversation:  # fmt: skip
    """Store the conversation, both participants and the first message; notify on commit.

    The returned conversation carries ``mail_delivery`` (see ``MailDelivery``).
    """
    with transaction.atomic():
        now = timezone.now()
        conversation = Conversation.objects.create(
            subject=subject,
            created_at=now,
            last_message_at=now,
            context_page=context_page,
            recipient_alias=recipient_alias,
        )
        mine, theirs = Participant.objects.bulk_create(
            [
                Participant(
                    conversation=conversation, user=sender, is_starter=True, last_read_at=now
                ),
                Participant(conversation=conversation, user=recipient),
            ]
        )
        Message.objects.create(conversation=conversation, author=sender, body=body, created_at=now)
        mine.conversation = theirs.conversation = conversation
        conversation.mail_delivery = _notify(conversation, sender=sender, to=theirs)
    return conversation


# --- Replying -------------------------------------------------------------------------
def check_send_message(sender: User, conversation: Conversation, *, body: str) -> Message:
    """Reply in a conversation from ``selectors.access_conversation`` (so ``sender`` takes part)."""
    me = getattr(conversation, "me", None)
    if me is None or me.user_id != sender.pk:
        raise PermissionDenied
    other = conversation.other
    if other is None or not other.user.is_active or other.user.is_deleted:
        raise ValidationError(
            _("The other member has left the network; your message cannot be delivered."),
            code="unavailable",
        )
    check_may_write_to(sender, other.user)
    body = _clean_body(body)
    if not allow("message_send", sender.pk, MESSAGES_PER_HOUR, 3600):
        raise ValidationError(
            _("You have sent many messages in a short time. Please try again later."),
            code="rate_limited",
        )
    return do_send_message(sender, conversation, body=body)


def do_send_message(sender: User, conversation: Conversation, *, body: str) -> Message:
    """Store the reply, move the conversation up in both inboxes; notify on commit.

    The other side is e-mailed only if they had read everything before: several
    replies in a row give one e-mail, not a flood. The returned message carries
    ``mail_delivery`` (None when no e-mail was due).
    """
    with transaction.atomic():
        # Lock the conversation: two replies at once must not both see the other
        # side as "read up to date" (two mails) or lose a last_message_at.
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        other = Participant.objects.select_related("user").get(
            conversation=locked, pk=conversation.other.pk
        )
        other.conversation = conversation
        had_read_all = (
            other.last_read_at is not None and other.last_read_at >= locked.last_message_at
        )
        now = timezone.now()
        message = Message.objects.create(
            conversation=conversation, author=sender, body=body, created_at=now
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
        conversation.last_message_at = now
        # A reply brings an archived conversation back to both inboxes (as in
        # Discourse); the writer has read their own message.
        Participant.objects.filter(conversation=conversation).update(archived=False)
        Participant.objects.filter(pk=conversation.me.pk).update(last_read_at=now)
        conversation.me.last_read_at = now
        conversation.me.archived = conversation.other.archived = False
        message.mail_delivery = (
            _notify(conversation, sender=sender, to=other) if had_read_all else None
        )
    return message


def _notify(conversation: Conversation, *, sender: User, to: Participant) -> MailDelivery:
    """Queue the "you have a new message" e-mail to ``to`` on commit.

    It names the sender as the addressee sees them in this conversation (pseudonym,
    or the alias for the starter of an alias conversation) and carries neither the
    subject nor the message: e-mails get forwarded and read on shared computers.
    In the site language: the sender's language says nothing about the addressee's.
    """
    link = settings.KOMMA_BASE_URL.rstrip("/") + reverse(
        "conversations:thread", kwargs={"conversation_id": conversation.pk}
    )
    with translation.override(settings.LANGUAGE_CODE):
        sender_label = correspondent(to, sender, to.user).label
        body = render_to_string(
            "conversations/email/new_message.txt", {"sender": sender_label, "link": link}
        )
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("New message from %(sender)s") % {
            "sender": sender_label
        }
    return MailDelivery(subject, body, [to.user.email])


# --- Reading and archiving ----------------------------------------------------------------
def do_mark_read(conversation: Conversation, viewer: User) -> None:
    """The viewer has seen the conversation up to its newest message.

    Writes only when something was unread, so reading a thread again costs no write.
    """
    me = conversation.me
    if not me.is_unread:
        return
    Participant.objects.filter(pk=me.pk).update(last_read_at=conversation.last_message_at)
    me.last_read_at = conversation.last_message_at
    if hasattr(viewer, "_komma_unread_count"):
        del viewer._komma_unread_count  # the account menu counts again


def do_set_archived(conversation: Conversation, *, archived: bool) -> None:
    """Move the conversation out of (or back into) the viewer's inbox; only their side."""
    me = conversation.me
    Participant.objects.filter(pk=me.pk).update(archived=archived)
    me.archived = archived
