"""Reads with permission: only participants ever see a conversation.

Everything that shows the other participant goes through :func:`correspondent`,
which applies the alias rule (``Participant.sees_alias``) and otherwise the one
rendering path for persons (``present_person``).
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404
from wagtail.models import Page

from komma.accounts.models import User
from komma.accounts.presentation import PersonCard, present_person
from komma.accounts.validators import PSEUDONYM_RE

from .models import Conversation, Message, Participant

INBOX_PAGE_SIZE = 20
MAX_DB_ID = 2**63 - 1  # larger ids overflow the database driver instead of missing


def _valid_id(value) -> bool:
    return isinstance(value, int) and 0 < value <= MAX_DB_ID


@dataclass(frozen=True)
class Correspondent:
    """How a viewer sees a participant: an alias (no avatar, no link) or a person card."""

    alias: str = ""
    card: PersonCard | None = None

    @property
    def label(self) -> str:
        """Plain text, for e-mails and titles."""
        return self.alias or (self.card.pseudonym if self.card else "")


def correspondent(viewer_participant: Participant, user, viewer) -> Correspondent:
    """How ``viewer`` (whose side is ``viewer_participant``) sees ``user`` in this conversation.

    The starter of an alias conversation sees the other side only as the alias,
    never the pseudonym or avatar. A deleted account is a "former member" for
    everybody (``present_person``), alias or not: nothing is left to protect and
    the reader learns that replies will not arrive.
    """
    if user is not None and user.pk == viewer.pk:
        return Correspondent(card=present_person(user, viewer, with_identity=False))
    if viewer_participant.sees_alias and user is not None and not user.is_deleted:
        return Correspondent(alias=viewer_participant.conversation.recipient_alias)
    return Correspondent(card=present_person(user, viewer, with_identity=False))


def addressee(recipient, viewer, alias: str = "") -> Correspondent:
    """How the writer of a new conversation sees its recipient (the alias rule applies)."""
    if alias:
        return Correspondent(alias=alias)
    return Correspondent(card=present_person(recipient, viewer, with_identity=False))


# --- One conversation --------------------------------------------------------------
def access_conversation(user, conversation_id) -> Conversation:
    """The conversation with the viewer's and the other side attached; 404 for anyone else.

    ``conversation.me`` is the viewer's :class:`Participant`, ``conversation.other``
    the other one (None if it is gone). Outsiders get the same 404 as a missing id,
    so ids reveal nothing. One query.
    """
    if not user.is_authenticated or not _valid_id(conversation_id):
        raise Http404
    participants = list(
        Participant.objects.filter(conversation_id=conversation_id).select_related(
            "user", "conversation", "conversation__context_page"
        )
    )
    me = next((p for p in participants if p.user_id == user.pk), None)
    if me is None:
        raise Http404
    conversation = me.conversation
    conversation.me = me
    conversation.other = next((p for p in participants if p.user_id != user.pk), None)
    for participant in participants:  # one shared conversation object for both sides
        participant.conversation = conversation
    return conversation


@dataclass(frozen=True)
class ThreadMessage:
    """A message as the viewer sees it."""

    message: Message
    author: Correspondent
    is_own: bool
    is_new: bool


def thread_messages(conversation: Conversation, viewer, *, read_until=None) -> list[ThreadMessage]:
    """The messages of an accessed conversation, oldest first; one query.

    ``read_until`` is when the viewer had read the conversation before this visit:
    later messages from the other side are marked new.
    """
    me = conversation.me
    rows = []
    for message in conversation.messages.select_related("author"):
        is_own = message.author_id == viewer.pk
        rows.append(
            ThreadMessage(
                message=message,
                author=correspondent(me, message.author, viewer),
                is_own=is_own,
                is_new=not is_own and (read_until is None or message.created_at > read_until),
            )
        )
    return rows


def can_reply(conversation: Conversation) -> bool:
    """Whether the other side can still receive messages (active, not deleted)."""
    other = conversation.other
    return other is not None and other.user.is_active and not other.user.is_deleted


# --- The inbox ---------------------------------------------------------------------
@dataclass(frozen=True)
class InboxRow:
    """One conversation in the viewer's inbox."""

    conversation: Conversation
    participant: Participant
    correspondent: Correspondent
    is_unread: bool


def inbox_page(user, page_number, *, archived: bool = False):
    """A page of the viewer's conversations, newest activity first, with rows to show.

    Three queries whatever the number of conversations: the count, the page and the
    participants (with their users) of the conversations on it.
    """
    participations = (
        Participant.objects.filter(user=user, archived=archived)
        .select_related("conversation")
        .prefetch_related(
            Prefetch(
                "conversation__participants",
                queryset=Participant.objects.select_related("user"),
                to_attr="all_participants",
            )
        )
        .order_by("-conversation__last_message_at", "-conversation_id")
    )
    page = Paginator(participations, INBOX_PAGE_SIZE).get_page(page_number)
    rows = []
    for participant in page.object_list:
        conversation = participant.conversation
        other = next((p for p in conversation.all_participants if p.user_id != user.pk), None)
        rows.append(
            InboxRow(
                conversation=conversation,
                participant=participant,
                correspondent=correspondent(participant, other.user if other else None, user),
                is_unread=participant.is_unread,
            )
        )
    return page, rows


def unread_count(user) -> int:
    """How many of the viewer's inbox conversations hold unread messages; one query.

    Kept on the user object for the request (the account menu and the inbox both
    ask); ``actions.do_mark_read`` forgets it.
    """
    if not user.is_authenticated:
        return 0
    cached = getattr(user, "_komma_unread_count", None)
    if cached is None:
        cached = (
            Participant.objects.filter(user=user, archived=False)
            .filter(
                Q(last_read_at__isnull=True)
                | Q(last_read_at__lt=F("conversation__last_message_at"))
            )
            .count()
        )
        user._komma_unread_count = cached
    return cached


# --- Starting ----------------------------------------------------------------------
def member_by_pseudonym(pseudonym: str) -> User | None:
    """The account with this pseudonym, whatever its state (the action decides), or None."""
    if not PSEUDONYM_RE.fullmatch(pseudonym or ""):  # junk (e.g. NUL bytes) never queries
        return None
    return User.objects.filter(pseudonym__iexact=pseudonym).first()


def contact_page(page_id) -> Page:
    """The live page a contact link points to, as its specific type; 404 otherwise."""
    if not _valid_id(page_id):
        raise Http404
    try:
        return Page.objects.live().get(pk=page_id).specific
    except Page.DoesNotExist as exc:
        raise Http404 from exc


def contact_target(page, block_id: str, viewer):
    """Who stands behind the contact block ``block_id`` of ``page``, for ``viewer``.

    The pages app decides (visibility, which block, which member, which alias); it
    raises Http404 for a missing or hidden page or block. Imported at call time so
    this app does not import page models at start-up.
    """
    from komma.pages import contact

    return contact.contact_target(page, block_id, viewer)


def readable_context_page(conversation, user):
    """The page the conversation started from, if it is live and ``user`` may still read it
    (a page closed since must not show its title here)."""
    from wagtail.models import Page

    from komma.pages.visibility import filter_visible

    if conversation.context_page_id is None:
        return None
    pages = Page.objects.live().filter(pk=conversation.context_page_id)
    return filter_visible(pages, user).first()
