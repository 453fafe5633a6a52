"""Interactive checklists: reads, writes and exports of a municipality's progress.

A checklist is a toolbox resource (editorial, readable by its visibility level);
its *progress* is municipal data: one ``ChecklistProgress`` row per checked step
and municipality, shared by all members of that municipality and invisible to
everyone else. ``ChecklistRun`` remembers when the municipality started the
checklist and who last reset it.

Reads (``access_checklist``, ``overview``, ``checklist_state``) take the
municipality the caller already obtained through ``access.access_municipality``,
so a foreign municipality can never be passed in from a URL.

Writes follow the ``check_<verb>_<noun>`` / ``do_<verb>_<noun>`` pattern: the check
raises ``Http404`` for a forged step id (a step of another checklist does not
exist here) and ``ValidationError`` for bad input, before anything is written.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from komma.core.text import check_plain_text

from .access import access_resource, visible_resources
from .models import ChecklistItem, ChecklistProgress, ChecklistRun, Kind, Resource

NOTE_MAX_LENGTH = ChecklistProgress._meta.get_field("note").max_length
EXPORT_FORMATS = ("md", "txt", "pdf")


# --------------------------------------------------------------------------- reads


def checklist_resources(user):
    """Published checklist resources ``user`` may read (a queryset)."""
    return visible_resources(user).filter(kind=Kind.CHECKLIST)


def access_checklist(user, slug: str) -> Resource:
    """The published checklist ``slug`` if ``user`` may read it; else 404."""
    return access_resource(user, slug, kind=Kind.CHECKLIST)


@dataclass(frozen=True)
class ChecklistSummary:
    """One line of the overview: a checklist and the municipality's progress."""

    resource: Resource
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def overview(user, municipality) -> list[ChecklistSummary]:
    """Every checklist ``user`` may read with ``municipality``'s progress (one query)."""
    rows = checklist_resources(user).annotate(
        total_steps=Count("items", distinct=True),
        done_steps=Count(
            "items__progress",
            filter=Q(items__progress__municipality=municipality),
            distinct=True,
        ),
    )
    return [ChecklistSummary(r, r.done_steps, r.total_steps) for r in rows]


@dataclass
class StepState:
    """One step with the municipality's progress on it (``progress`` is None when open)."""

    item: ChecklistItem
    number: int
    progress: ChecklistProgress | None = None

    @property
    def done(self) -> bool:
        return self.progress is not None


@dataclass
class ChecklistState:
    """A checklist as one municipality sees it."""

    resource: Resource
    municipality: object
    steps: list[StepState] = field(default_factory=list)
    run: ChecklistRun | None = None

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def total(self) -> int:
        return len(self.steps)


def progress_by_item(municipality, item_ids) -> dict[int, ChecklistProgress]:
    """The municipality's progress rows of these steps, with who checked them (one query)."""
    if municipality is None or not item_ids:
        return {}
    rows = ChecklistProgress.objects.filter(
        municipality=municipality, item_id__in=list(item_ids)
    ).select_related("checked_by")
    return {row.item_id: row for row in rows}


def checklist_state(resource: Resource, municipality, *, with_run: bool = True) -> ChecklistState:
    """Steps of ``resource`` with ``municipality``'s progress (three queries: steps,
    progress with the checking members, the run)."""
    items = list(ChecklistItem.objects.filter(resource=resource).order_by("sort_order", "pk"))
    progress = progress_by_item(municipality, [item.pk for item in items])
    state = ChecklistState(resource=resource, municipality=municipality)
    state.steps = [
        StepState(item=item, number=number, progress=progress.get(item.pk))
        for number, item in enumerate(items, start=1)
    ]
    if with_run:
        state.run = (
            ChecklistRun.objects.filter(municipality=municipality, resource=resource)
            .select_related("reset_by")
            .first()
        )
    return state


def step_state(resource: Resource, municipality, item: ChecklistItem) -> StepState:
    """One step's state (after a toggle): its number in the list and its progress."""
    ids = list(
        ChecklistItem.objects.filter(resource=resource)
        .order_by("sort_order", "pk")
        .values_list("pk", flat=True)
    )
    progress = progress_by_item(municipality, [item.pk])
    return StepState(item=item, number=ids.index(item.pk) + 1, progress=progress.get(item.pk))


def done_count(resource: Resource, municipality) -> tuple[int, int]:
    """(checked steps, all steps) of ``resource`` for ``municipality``."""
    total = ChecklistItem.objects.filter(resource=resource).count()
    done = ChecklistProgress.objects.filter(municipality=municipality, item__resource=resource)
    return done.count(), total


# --------------------------------------------------------------------------- writes


@dataclass(frozen=True)
class StepChange:
    """A validated change of one step: checked or not, and its note."""

    item: ChecklistItem
    done: bool
    note: str | None  # None: leave the stored note as it is


def check_set_step(resource: Resource, item_id, *, done: bool, note: str | None) -> StepChange:
    """Validate a change of one step of ``resource``.

    ``item_id`` must be a step of *this* checklist: anything else (another
    checklist's step, a malformed or unknown id) is a 404. A note longer than
    ``NOTE_MAX_LENGTH`` or with control characters (``komma.core.text``) is refused
    with a message; unchecking drops the note.
    """
    try:
        pk = int(item_id)
    except (TypeError, ValueError):
        raise Http404 from None
    item = ChecklistItem.objects.filter(resource=resource, pk=pk).first()
    if item is None:
        raise Http404
    if not done:
        note = None  # unchecking removes the step's progress, its note included
    if note is not None:
        note = note.replace("\r\n", "\n").replace("\r", "\n").strip()
        try:
            # NUL would be a 500 on PostgreSQL; the rest only hides text.
            check_plain_text(note, multiline=True)
        except ValidationError as error:
            raise ValidationError({"note": error.messages}) from None
        if len(note) > NOTE_MAX_LENGTH:
            raise ValidationError(
                {
                    "note": _("The note may have at most %(max)d characters (it has %(n)d).")
                    % {"max": NOTE_MAX_LENGTH, "n": len(note)}
                }
            )
    return StepChange(item=item, done=done, note=note)


def do_set_step(user, municipality, change: StepChange) -> ChecklistProgress | None:
    """Check or uncheck one step for ``municipality`` (atomically).

    Checking an already checked step keeps who checked it and when (a second member
    clicking at the same moment changes nothing); only the note is updated.
    Unchecking removes the row and its note. The first check of a run starts it.
    Returns the progress row, or None when the step is open now.
    """
    item = change.item
    with transaction.atomic():
        if not change.done:
            ChecklistProgress.objects.filter(municipality=municipality, item=item).delete()
            return None
        progress = ChecklistProgress.objects.filter(municipality=municipality, item=item).first()
        if progress is None:
            try:
                with transaction.atomic():
                    progress = ChecklistProgress.objects.create(
                        municipality=municipality,
                        item=item,
                        checked_by=user,
                        checked_at=timezone.now(),
                        note=change.note or "",
                    )
            except IntegrityError:
                # Another member checked it in the same moment: theirs stands.
                progress = ChecklistProgress.objects.get(municipality=municipality, item=item)
            _start_run(municipality, item.resource_id)
        if change.note is not None and progress.note != change.note:
            progress.note = change.note
            progress.save(update_fields=["note"])
    return progress


def _start_run(municipality, resource_id: int) -> None:
    """Record the start of a run: the first check ever, or the first after a reset."""
    now = timezone.now()
    run, created = ChecklistRun.objects.get_or_create(
        municipality=municipality, resource_id=resource_id, defaults={"started_at": now}
    )
    if not created and run.reset_at is not None and run.started_at <= run.reset_at:
        run.started_at = now
        run.save(update_fields=["started_at"])


def do_reset_checklist(user, municipality, resource: Resource) -> int:
    """Uncheck every step of ``resource`` for ``municipality``; record when and by whom.

    Returns how many checked steps were removed. The caller has made sure ``user``
    is a member of ``municipality`` (``access.access_municipality``).
    """
    now = timezone.now()
    with transaction.atomic():
        removed, _per_model = ChecklistProgress.objects.filter(
            municipality=municipality, item__resource=resource
        ).delete()
        run, created = ChecklistRun.objects.get_or_create(
            municipality=municipality,
            resource=resource,
            defaults={"started_at": now, "reset_at": now, "reset_by": user},
        )
        if not created:
            run.reset_at = now
            run.reset_by = user
            run.save(update_fields=["reset_at", "reset_by"])
    return removed


# --------------------------------------------------------------------------- exports


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _who(user) -> str:
    # Pseudonym only: exports leave the platform, identities never do.
    if user is None:
        return _("former member")
    return user.display_name


@dataclass(frozen=True)
class ExportLine:
    number: int
    done: bool
    text: str
    time_window: str
    help_text: str
    checked: str  # "checked by X on Y" or ""
    note: str


def export_lines(state: ChecklistState) -> list[ExportLine]:
    """The steps as plain data for every export format."""
    lines = []
    for step in state.steps:
        checked = note = ""
        if step.progress is not None:
            checked = _("checked by %(who)s on %(when)s") % {
                "who": _who(step.progress.checked_by),
                "when": _when(step.progress.checked_at),
            }
            note = step.progress.note
        lines.append(
            ExportLine(
                number=step.number,
                done=step.done,
                text=step.item.text,
                time_window=step.item.time_window,
                help_text=step.item.help_text,
                checked=checked,
                note=note,
            )
        )
    return lines


def _header(state: ChecklistState) -> list[str]:
    return [
        _("Municipality: %(name)s") % {"name": state.municipality.name},
        _("Progress: %(done)d of %(total)d steps") % {"done": state.done, "total": state.total},
        _("Exported on %(when)s") % {"when": _when(timezone.now())},
    ]


def export_markdown(state: ChecklistState) -> str:
    """The checklist with progress as Markdown (task list syntax)."""
    out = [f"# {state.resource.title}", ""]
    out += [f"- {line}" for line in _header(state)]
    out.append("")
    for line in export_lines(state):
        box = "[x]" if line.done else "[ ]"
        window = f" *({line.time_window})*" if line.time_window else ""
        out.append(f"- {box} {line.number}. {line.text}{window}")
        if line.help_text:
            out.append(f"  {line.help_text}".replace("\n", "\n  "))
        if line.checked:
            out.append(f"  — {line.checked}")
        if line.note:
            out.append(f"  > {_('Note')}: {line.note}".replace("\n", "\n  > "))
    out.append("")
    return "\n".join(out)


def export_text(state: ChecklistState) -> str:
    """The checklist with progress as plain text."""
    title = state.resource.title
    out = [title, "=" * min(len(title), 78), ""]
    out += _header(state)
    out.append("")
    for line in export_lines(state):
        box = "[x]" if line.done else "[ ]"
        window = f" ({line.time_window})" if line.time_window else ""
        out.append(f"{box} {line.number}. {line.text}{window}")
        if line.help_text:
            out.append(f"    {line.help_text}".replace("\n", "\n    "))
        if line.checked:
            out.append(f"    {line.checked}")
        if line.note:
            out.append(f"    {_('Note')}: {line.note}".replace("\n", "\n    "))
        out.append("")
    return "\n".join(out)


def export_pdf(state: ChecklistState) -> bytes:
    """The checklist with progress as a PDF (the toolbox's shared writer ``toolbox.pdf``:
    DejaVu Sans when installed, else Helvetica with typographic characters folded)."""
    from .pdf import Document

    footer = _("%(title)s · %(name)s · exported on %(when)s · KomMA Netzwerk") % {
        "title": state.resource.title,
        "name": state.municipality.name,
        "when": _when(timezone.now()),
    }
    pdf = Document(state.resource.title, footer=footer, subject=_("Checklist"))
    pdf.paragraph("\n".join(_header(state)))
    pdf.rule()
    for line in export_lines(state):
        box = "[x]" if line.done else "[ ]"
        window = f" ({line.time_window})" if line.time_window else ""
        details = [line.help_text, line.checked or _("open")]
        if line.note:
            details.append(f"{_('Note')}: {line.note}")
        pdf.field(f"{box} {line.number}. {line.text}{window}", "\n".join(d for d in details if d))
    return pdf.bytes()
