"""Signal receivers of the conversations app."""

from django.dispatch import receiver

from plugins.hooks import personal_data_export

from .models import Message, Participant


@receiver(personal_data_export, dispatch_uid="komma.conversations.personal_data_export")
def export_conversations(sender, user, **kwargs) -> dict:
    """The member's side of their conversations and every message they wrote.

    Messages of the other side are that person's data and stay out; so does who
    the other side is (an alias conversation must not name the recipient here either).
    """
    return {
        "private_conversations": [
            {
                "id": p.conversation_id,
                "subject": p.conversation.subject,
                "started_at": p.conversation.created_at.isoformat(),
                "started_by_me": p.is_starter,
                "last_message_at": p.conversation.last_message_at.isoformat(),
                "read_until": p.last_read_at.isoformat() if p.last_read_at else None,
                "archived": p.archived,
            }
            for p in Participant.objects.filter(user=user)
            .select_related("conversation")
            .order_by("conversation__created_at", "pk")
        ],
        "private_messages_written": [
            {
                "conversation": m.conversation_id,
                "subject": m.conversation.subject,
                "sent_at": m.created_at.isoformat(),
                "body": m.body,
            }
            for m in Message.objects.filter(author=user).select_related("conversation")
        ],
    }
