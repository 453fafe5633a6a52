"""The live sessions' part of a member's GDPR export (hook ``personal_data_export``).

What the plugin holds about the member: the sessions they were invited to (title,
time, their role, whether they were removed), the messages they wrote (deleted
ones marked, with their text: it is still stored), the forum drafts they made.
Notes are shared by everyone in a session; for sessions where the member kept
them (secretary), only the session title is listed. Nothing about other people.
"""

from .models import DraftThread, Message, Participant, Role


def _when(value):
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    participations = Participant.objects.filter(user=user).select_related("session")
    sessions = [
        {
            "title": p.session.title,
            "starts_at": _when(p.session.starts_at),
            "state": p.session.state,
            "role": p.role,
            "removed": p.removed_at is not None,
            "first_joined_at": _when(p.first_joined_at),
        }
        for p in participations.order_by("session__starts_at")
    ]
    messages = [
        {
            "session": m.session.title,
            "seq": m.seq,
            "text": m.body,
            "written_at": _when(m.created_at),
            "edited_at": _when(m.edited_at),
            "deleted": m.deleted_at is not None,
        }
        for m in Message.objects.filter(author=user).select_related("session").order_by("pk")
    ]
    drafts = [
        {"session": d.session.title, "title": d.title, "text": d.body, "status": d.status}
        for d in DraftThread.objects.filter(author=user).select_related("session")
    ]
    notes = [p.session.title for p in participations if p.role == Role.SECRETARY]
    return {
        "sessions": sessions,
        "messages": messages,
        "forum_drafts": drafts,
        "notes_kept_in": notes,
    }
