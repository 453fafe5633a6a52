"""The crisis playbook: reads for the guided flow of the first 24 hours.

A playbook is editorial (``Playbook``, ``PlaybookStep``); what a viewer sees of it
depends on them:

- the templates of a step are filtered by ``access.visible_resources`` (a
  template the viewer may not read is left out, not shown as locked);
- a step's checklist is shown only if the viewer may read it, with the progress
  of the viewer's municipality (none for editors without a municipality);
- alliance contacts come from the hook ``plugins.hooks.alliance_contacts`` for
  the Bundesland of the viewer's municipality; when the alliance plugin is off
  the list is empty and the flow works without it.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy

from plugins.hooks import alliance_contacts, collect

from .access import toolbox_viewer, visible_resources
from .checklists import StepState, progress_by_item
from .models import ChecklistItem, Kind, Playbook, PlaybookStep, Resource

# The situation keys of the hook ``alliance_contacts`` (its docstring in
# plugins/hooks.py; the alliance plugin's ``wizard.SITUATIONS``, which a plugin may not
# import). The labels are for the playbook's edit form.
ALLIANCE_SITUATIONS = (
    # The same English texts as the directory's wizard (one translation for both).
    ("attack_on_staff", gettext_lazy("An attack on or threat against staff")),
    ("online_hate", gettext_lazy("Hate speech and threats online")),
    ("threat_letters", gettext_lazy("Threatening letters or e-mails to the town hall")),
    ("racist_incident", gettext_lazy("A racist incident in the municipality")),
    ("antisemitic_incident", gettext_lazy("An antisemitic incident")),
    ("extremist_event", gettext_lazy("A right-wing extremist event or rally is planned")),
    ("public_communication", gettext_lazy("Communicating in public after an incident")),
    ("broad_alliance", gettext_lazy("Building a broad local alliance")),
)
ALLIANCE_SITUATION_KEYS = frozenset(key for key, _label in ALLIANCE_SITUATIONS)


def published_playbooks():
    """Playbooks that are published, by title."""
    return Playbook.objects.filter(live=True).order_by("title")


def access_playbook(slug: str) -> Playbook:
    """The published playbook ``slug``; else 404."""
    playbook = published_playbooks().filter(slug=slug).first()
    if playbook is None:
        raise Http404
    return playbook


@dataclass
class FlowStep:
    """One step of the flow as the viewer sees it."""

    step: PlaybookStep
    number: int
    checklist: Resource | None = None
    checklist_steps: list[StepState] = field(default_factory=list)
    templates: list[Resource] = field(default_factory=list)

    @property
    def checklist_done(self) -> int:
        return sum(1 for s in self.checklist_steps if s.done)


def flow(user, playbook: Playbook, municipality) -> list[FlowStep]:
    """The steps of ``playbook`` in order with what ``user`` may see of each.

    Four queries: steps with their checklists, the visible templates, the steps of
    the visible checklists, and the municipality's progress on them (skipped when
    there is no municipality).
    """
    viewer = toolbox_viewer(user)
    templates = visible_resources(user).filter(kind=Kind.TEMPLATE).order_by("title")
    steps = list(
        PlaybookStep.objects.filter(playbook=playbook)
        .select_related("checklist")
        .prefetch_related(Prefetch("templates", queryset=templates, to_attr="visible_templates"))
        .order_by("sort_order", "pk")
    )

    def readable(resource):
        return (
            resource is not None
            and resource.live
            and resource.kind == Kind.CHECKLIST
            and resource.visibility in viewer.levels
        )

    checklist_ids = {s.checklist_id for s in steps if readable(s.checklist)}
    items_by_checklist: dict[int, list[ChecklistItem]] = {}
    if checklist_ids:
        for item in ChecklistItem.objects.filter(resource_id__in=checklist_ids).order_by(
            "resource_id", "sort_order", "pk"
        ):
            items_by_checklist.setdefault(item.resource_id, []).append(item)
    all_item_ids = [item.pk for items in items_by_checklist.values() for item in items]
    progress = progress_by_item(municipality, all_item_ids)

    result = []
    for number, step in enumerate(steps, start=1):
        entry = FlowStep(step=step, number=number, templates=list(step.visible_templates))
        if step.checklist_id in checklist_ids:
            entry.checklist = step.checklist
            entry.checklist_steps = [
                StepState(item=item, number=n, progress=progress.get(item.pk))
                for n, item in enumerate(items_by_checklist.get(step.checklist_id, []), start=1)
            ]
        result.append(entry)
    return result


def contacts(user, playbook: Playbook, bundesland: str) -> list:
    """Alliance contacts for the playbook's situation in ``bundesland`` (the hook;
    empty when the alliance plugin is off, the playbook names no situation or no
    Bundesland is known)."""
    if not playbook.alliance_situation or not bundesland:
        return []
    return collect(
        alliance_contacts.send_robust(
            sender=None,
            user=user,
            situation=playbook.alliance_situation,
            bundesland=bundesland,
        )
    )
