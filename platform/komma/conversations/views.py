"""Views of the conversations app: thin — parse, call an action or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import actions, selectors
from .forms import ArchiveForm, ReplyForm, StartConversationForm

MAIL_FAILED = gettext_lazy(
    "Your message has been sent. The e-mail that tells the other member about it "
    "could not be sent; they will see the message when they next log in."
)


@login_required
def inbox(request, archived=False):
    """The member's conversations (or the archived ones), newest activity first."""
    page, rows = selectors.inbox_page(request.user, request.GET.get("seite"), archived=archived)
    return render(
        request,
        "conversations/inbox.html",
        {
            "page": page,
            "rows": rows,
            "archived": archived,
            "unread": selectors.unread_count(request.user),
        },
    )


@login_required
def thread(request, conversation_id):
    """One conversation: its messages, a reply form at the bottom; marks it read."""
    conversation = selectors.access_conversation(request.user, conversation_id)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = actions.check_send_message(
                request.user, conversation, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)  # the bound form keeps the draft
        else:
            _report_sent(request, message.mail_delivery)
            url = reverse("conversations:thread", args=[conversation.pk])
            return redirect(f"{url}#nachricht-{message.pk}")
    read_until = conversation.me.last_read_at  # before this visit: what is new
    actions.do_mark_read(conversation, request.user)
    me, other = conversation.me, conversation.other
    return render(
        request,
        "conversations/thread.html",
        {
            "conversation": conversation,
            "other": selectors.correspondent(me, other.user if other else None, request.user),
            "thread": selectors.thread_messages(conversation, request.user, read_until=read_until),
            "can_reply": selectors.can_reply(conversation),
            # The contacted member learns how the other side sees them.
            "seen_as_alias": bool(conversation.recipient_alias) and not me.is_starter,
            "context_page": selectors.readable_context_page(conversation, request.user),
            "form": form,
        },
    )


@login_required
@require_POST
def set_archived(request, conversation_id):
    """Archive a conversation or move it back to the inbox (only for the requester)."""
    conversation = selectors.access_conversation(request.user, conversation_id)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed. Please try again."))
        return redirect("conversations:thread", conversation_id=conversation.pk)
    archived = form.cleaned_data["archived"]
    actions.do_set_archived(conversation, archived=archived)
    if archived:
        messages.success(
            request, _("The conversation has been archived. A new message brings it back.")
        )
        return redirect("conversations:inbox")
    messages.success(request, _("The conversation is back in your inbox."))
    return redirect("conversations:thread", conversation_id=conversation.pk)


@login_required
def start(request, pseudonym):
    """Write to a member found by pseudonym (the profile's "write a message" link)."""
    recipient = selectors.member_by_pseudonym(pseudonym)
    return _start(request, recipient=recipient)


@login_required
def contact(request, page_id, block_id):
    """Write to the team behind a contact block of a page, possibly under an alias."""
    page = selectors.contact_page(page_id)
    target = selectors.contact_target(page, block_id, request.user)
    return _start(
        request,
        recipient=target.user,
        context_page=page,
        alias=target.alias or "",
        initial={"subject": page.title[: StartConversationForm.base_fields["subject"].max_length]},
    )


def _start(request, *, recipient, context_page=None, alias="", initial=None):
    """The form of a new conversation: checks the recipient first, then subject and text."""
    try:
        actions.check_may_write_to(request.user, recipient)
    except ValidationError as exc:
        return render(
            request,
            "conversations/unavailable.html",
            {"reason": exc.messages[0]},
            status=400 if exc.code == "self" else 404,
        )
    form = StartConversationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = actions.check_start_conversation(
                request.user,
                recipient,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                context_page=context_page,
                recipient_alias=alias,
            )
        except ValidationError as exc:
            form.add_error(None, exc)  # the bound form keeps the draft
        else:
            _report_sent(request, conversation.mail_delivery)
            return redirect("conversations:thread", conversation_id=conversation.pk)
    return render(
        request,
        "conversations/start.html",
        {
            "form": form,
            "to": selectors.addressee(recipient, request.user, alias),
            "context_page": context_page,
        },
    )


def _report_sent(request, mail_delivery) -> None:
    """Say that the message went out, and honestly when its e-mail notice did not."""
    if mail_delivery is not None and mail_delivery.failed:
        messages.warning(request, MAIL_FAILED)
    else:
        messages.success(request, _("Your message has been sent."))
