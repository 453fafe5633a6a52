"""The minutes of an ended session and the anonymised forum draft made from them.

Minutes: the phases with their times (from the session log), the secretary's
shared notes and, if asked for, the chat (by pseudonym, deleted messages left
out), as Markdown or plain text. Only the case giver, the facilitator and the
secretary of the session get them, and only once it has ended.

Draft thread: the case giver turns the notes into a forum thread. The prefilled
text replaces the participants' pseudonyms with neutral labels ("Fallgebende
Person", "Teilnehmende 1", …) and the case giver's own municipality and name with
neutral words. Other people's real names are *not* looked for: replacing them
would tell the case giver which words are a participant's real name. The review
step asks the case giver to check the text; submitting refuses a text that still
contains a participant's pseudonym or the case giver's municipality. Nothing is
posted before the case giver submits the reviewed draft, and the forum's own
checks (access, watched words, pre-moderation, rate limits) apply.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from komma.accounts.models import Membership
from plugins.hooks import collect, forum_thread_targets, submit_forum_thread

from .models import (
    PHASE_ORDER,
    TITLE_MAX_LENGTH,
    DraftThread,
    LiveSession,
    LogAction,
    Message,
    Participant,
    Phase,
    Role,
    SessionLog,
    State,
)

DRAFT_BODY_MAX_LENGTH = 20_000
# Words in front of a municipality's name ("Stadt Rheinfeld" is also "Rheinfeld").
MUNICIPALITY_PREFIXES = (
    "stadt", "gemeinde", "landkreis", "kreis", "markt", "hansestadt", "samtgemeinde",
    "verbandsgemeinde", "amt", "kreisfreie", "große", "grosse",
)  # fmt: skip
# … and "Modellstadt X", "Hansestadt X", "Großgemeinde X".
KIND_ENDINGS = ("stadt", "gemeinde", "kreis")


def may_get_minutes(view) -> bool:
    """``view``: a ``listing.SessionView``. Case giver, facilitator, secretary; ended only."""
    session, participant = view.session, view.participant
    if session.state != State.ENDED or view.removed:
        return False
    if participant is None:
        return False
    return (
        participant.role in (Role.CASE_GIVER, Role.FACILITATOR, Role.SECRETARY)
        or session.case_giver_id == participant.user_id
        or session.created_by_id == participant.user_id
    )


def may_draft(view) -> bool:
    """Only the case giver turns the minutes into a forum draft."""
    return may_get_minutes(view) and view.is_case_giver


# --- Minutes ----------------------------------------------------------------------------
@dataclass
class PhaseEntry:
    key: str
    label: str
    started_at: object


@dataclass
class Minutes:
    session: LiveSession
    phases: list[PhaseEntry]
    people: list[tuple[str, str]]  # (role label, pseudonym)
    notes: str
    messages: list[tuple[object, str, str]] = field(default_factory=list)  # (when, who, text)
    with_chat: bool = False


def _phase_key(detail: str) -> str | None:
    for token in re.split(r"[\s:,=/]+", detail or ""):
        if token in PHASE_ORDER:
            return token
    return None


def phases_of(session: LiveSession) -> list[PhaseEntry]:
    """The phases as they happened: the start (Casting), then every phase change."""
    labels = dict(Phase.choices)
    entries = []
    log = SessionLog.objects.filter(
        session=session, action__in=[LogAction.START, LogAction.PHASE]
    ).order_by("created_at", "pk")
    for item in log:
        key = Phase.CASTING if item.action == LogAction.START else _phase_key(item.detail)
        if key is None:
            continue
        if entries and entries[-1].key == key:
            continue
        entries.append(PhaseEntry(key=key, label=str(labels[key]), started_at=item.created_at))
    if not entries and session.started_at:
        entries.append(PhaseEntry(Phase.CASTING, str(labels[Phase.CASTING]), session.started_at))
    return entries


def build_minutes(session: LiveSession, *, with_chat: bool = False) -> Minutes:
    role_labels = dict(Role.choices)
    order = {Role.FACILITATOR: 0, Role.CASE_GIVER: 1, Role.SECRETARY: 2, Role.CONSULTANT: 3}
    participants = sorted(
        Participant.objects.filter(session=session).select_related("user"),
        key=lambda p: (order.get(p.role, 9), p.user.display_name.lower()),
    )
    people = [
        (str(role_labels.get(p.role, p.role)), p.user.display_name)
        for p in participants
        if p.removed_at is None and (p.first_joined_at or p.role != Role.CONSULTANT)
    ]
    messages = []
    if with_chat:
        rows = (
            Message.objects.filter(session=session, deleted_at__isnull=True)
            .select_related("author")
            .order_by("seq")
        )
        messages = [
            (m.created_at, m.author.display_name if m.author else _("former member"), m.body)
            for m in rows
        ]
    return Minutes(
        session=session, phases=phases_of(session), people=people, notes=session.notes,
        messages=messages, with_chat=with_chat,
    )  # fmt: skip


def _time(value) -> str:
    return date_format(timezone.localtime(value), "H:i") if value else ""


def _day(value) -> str:
    return date_format(timezone.localtime(value), "DATE_FORMAT") if value else ""


def render_minutes(minutes: Minutes, fmt: str) -> str:
    """The minutes as Markdown (``md``) or plain text (``txt``), in the reader's language."""
    session = minutes.session
    md = fmt == "md"
    lines = []

    def heading(text, level=2):
        if md:
            lines.extend([f"{'#' * level} {text}", ""])
        else:
            lines.extend([text, ("=" if level == 1 else "-") * len(text), ""])

    heading(_("Minutes: %(title)s") % {"title": session.title}, 1)
    start = session.started_at or session.starts_at
    lines.append(
        _("Date: %(day)s, %(start)s–%(end)s")
        % {"day": _day(start), "start": _time(start), "end": _time(session.ended_at)}
    )
    lines.append("")
    if minutes.people:
        heading(_("Participants"))
        lines.extend(f"- {who} ({role})" for role, who in minutes.people)
        lines.append("")
    heading(_("Phases"))
    if minutes.phases:
        lines.extend(f"- {_time(p.started_at)} {p.label}" for p in minutes.phases)
        if session.ended_at:
            lines.append(f"- {_time(session.ended_at)} {_('End of the session')}")
    else:
        lines.append(_("No phases were recorded."))
    lines.append("")
    heading(_("Notes"))
    lines.append(minutes.notes.strip() or _("No notes were taken."))
    lines.append("")
    if minutes.with_chat:
        heading(_("Chat history"))
        if not minutes.messages:
            lines.append(_("No messages."))
        for when, who, text in minutes.messages:
            body = text.strip().replace("\n", "\n  ")
            lines.append(
                f"- **{_time(when)} {who}:** {body}" if md else f"- {_time(when)} {who}: {body}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def minutes_filename(session: LiveSession, fmt: str) -> str:
    day = timezone.localtime(session.started_at or session.starts_at).strftime("%Y-%m-%d")
    return f"protokoll-live-beratung-{day}.{fmt}"


# --- The anonymised draft -------------------------------------------------------------------
@dataclass
class Anonymiser:
    """Replacements of one session: (compiled pattern, label), longest words first."""

    rules: list[tuple[re.Pattern, str]]
    forbidden: list[re.Pattern]  # what must not remain in a submitted draft

    def apply(self, text: str) -> str:
        for pattern, label in self.rules:
            text = pattern.sub(label, text)
        return text

    def finds_something(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.forbidden)


def _word(text: str) -> re.Pattern:
    # "@Name" too; not inside another word.
    return re.compile(rf"(?<![\w@])@?{re.escape(text)}(?!\w)", re.IGNORECASE)


def municipality_names(name: str) -> list[str]:
    """``name`` and the name without its kind ("Stadt Rheinfeld" → "Rheinfeld")."""
    names = [name.strip()]
    words = name.split()
    while len(words) > 1 and (
        words[0].lower() in MUNICIPALITY_PREFIXES or words[0].lower().endswith(KIND_ENDINGS)
    ):
        words = words[1:]
        names.append(" ".join(words))
    return [n for n in names if len(n) >= 3]


def anonymiser_for(session: LiveSession) -> Anonymiser:
    """Pseudonyms → role labels (numbered per participant), the case giver's own name,
    address and municipality → neutral words. Stored content: in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        case_label, facilitator_label = _("Case giver"), _("Facilitator")
        municipality_label, number_label = _("[municipality]"), _("Participant %(n)d")
    participants = list(
        Participant.objects.filter(session=session).select_related("user").order_by("pk")
    )
    words: dict[str, str] = {}
    number = 0
    for p in participants:
        user = p.user
        if user.pk == session.case_giver_id or p.role == Role.CASE_GIVER:
            label = case_label
        elif user.pk == session.created_by_id or p.role == Role.FACILITATOR:
            label = facilitator_label
        else:
            number += 1
            label = number_label % {"n": number}
        words[user.pseudonym] = label
    forbidden = [_word(name) for name in words]
    case_giver = session.case_giver
    if case_giver is not None:
        own = [case_giver.real_name, case_giver.first_name, case_giver.last_name, case_giver.email]
        for text in own:
            if text and len(text) >= 3:
                words.setdefault(text, case_label)
        towns = Membership.objects.filter(user=case_giver).select_related("municipality")
        for membership in towns:
            for name in municipality_names(membership.municipality.name):
                words.setdefault(name, municipality_label)
                forbidden.append(_word(name))
    rules = [
        (_word(text), label) for text, label in sorted(words.items(), key=lambda i: -len(i[0]))
    ]
    return Anonymiser(rules=rules, forbidden=forbidden)


def prefilled_draft(session: LiveSession) -> tuple[str, str]:
    """Title and Markdown body from the notes, anonymised."""
    anonymiser = anonymiser_for(session)
    with translation.override(settings.LANGUAGE_CODE):
        title = anonymiser.apply(session.title)[:TITLE_MAX_LENGTH]
        intro = _(
            "From a live peer consultation (kollegiale Beratung). The notes of the session, "
            "with the participants named by their role only:"
        )
        notes = anonymiser.apply(session.notes.strip()) or _("No notes were taken.")
    return title, f"{intro}\n\n{notes}\n"


def current_draft(session: LiveSession) -> DraftThread | None:
    return DraftThread.objects.filter(session=session).first()


def forum_targets(user) -> list:
    """Forum categories the user may start a thread in; empty when the forums are off."""
    return collect(forum_thread_targets.send_robust(sender=LiveSession, user=user))


def _clean_draft(title: str, body: str) -> tuple[str, str]:
    errors = {}
    title = " ".join((title or "").split())
    if len(title) < 5:
        errors["title"] = _("Please enter a title of at least 5 characters.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("The title may have at most %(n)d characters.") % {
            "n": TITLE_MAX_LENGTH
        }
    body = (body or "").strip()
    if not body:
        errors["body"] = _("Please write something.")
    elif len(body) > DRAFT_BODY_MAX_LENGTH:
        errors["body"] = _("The text may have at most %(n)d characters.") % {
            "n": DRAFT_BODY_MAX_LENGTH
        }
    elif "\x00" in body + title:
        errors["body"] = _("The text contains invalid characters.")
    if errors:
        raise ValidationError(errors)
    return title, body


def _check_draft_access(view) -> None:
    if not may_draft(view):
        raise PermissionDenied(_("Only the case giver may turn the minutes into a forum thread."))


def check_save_draft(user, view, *, title: str, body: str) -> DraftThread:
    """Keep the case giver's reviewed text (the review step before submitting)."""
    _check_draft_access(view)
    title, body = _clean_draft(title, body)
    anonymiser = anonymiser_for(view.session)
    if anonymiser.finds_something(title + "\n" + body):
        raise ValidationError(
            {
                "body": _(
                    "The text still contains a participant's pseudonym or your municipality. "
                    "Please replace them with neutral words."
                )
            }
        )
    return do_save_draft(user, view.session, title=title, body=body)


@transaction.atomic
def do_save_draft(user, session: LiveSession, *, title: str, body: str) -> DraftThread:
    draft = DraftThread.objects.select_for_update().filter(session=session).first()
    if draft is not None and draft.status == DraftThread.Status.SUBMITTED:
        raise ValidationError(_("This draft has already been submitted to the forum."))
    if draft is None:
        draft = DraftThread(session=session)
    draft.author, draft.title, draft.body = user, title, body
    draft.updated_at = timezone.now()
    draft.save()
    return draft


@dataclass
class SubmitResult:
    url: str
    pending: bool


def check_submit_draft(user, view, *, category_id: int, anonymous: bool) -> SubmitResult:
    """Submit the saved (reviewed) draft through the forum's own checks."""
    _check_draft_access(view)
    draft = current_draft(view.session)
    if draft is None:
        raise ValidationError(_("Please check the draft first."))
    if draft.status == DraftThread.Status.SUBMITTED:
        raise ValidationError(_("This draft has already been submitted to the forum."))
    if anonymiser_for(view.session).finds_something(draft.title + "\n" + draft.body):
        raise ValidationError(_("Please check the draft again."))
    targets = {target.id: target for target in forum_targets(user)}
    if not targets:
        raise ValidationError(_("The forums are not available. You can download the minutes."))
    target = targets.get(category_id)
    if target is None:
        raise ValidationError({"category": _("Please choose a forum category from the list.")})
    if anonymous and not target.allows_anonymous:
        raise ValidationError({"anonymous": _("This category does not allow anonymous posts.")})
    return do_submit_draft(user, draft, category_id=category_id, anonymous=anonymous)


@transaction.atomic
def do_submit_draft(user, draft: DraftThread, *, category_id: int, anonymous: bool):
    """Hand the draft to the forum; mark it submitted when the forum took it.

    The draft row stays locked while the forum writes, so a double click posts once.
    """
    draft = DraftThread.objects.select_for_update().get(pk=draft.pk)
    if draft.status == DraftThread.Status.SUBMITTED:
        raise ValidationError(_("This draft has already been submitted to the forum."))
    results = collect(
        submit_forum_thread.send_robust(
            sender=LiveSession,
            user=user,
            category_id=category_id,
            title=draft.title,
            body=draft.body,
            anonymous=anonymous,
        )
    )
    if not results:
        raise ValidationError(_("The forums are not available. You can download the minutes."))
    result = results[0]
    if not result.ok:
        raise ValidationError(list(result.errors) or [_("The forum did not accept the thread.")])
    draft.status = DraftThread.Status.SUBMITTED
    draft.thread_url = result.url[:300]
    draft.updated_at = timezone.now()
    draft.save(update_fields=["status", "thread_url", "updated_at"])
    return SubmitResult(url=result.url, pending=result.pending)
