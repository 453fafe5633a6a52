"""The crisis playbook pages: the published playbooks and the guided flow.

Members of a municipality see the flow with their municipality's checklist
progress (ticked through the checklist's own toggle URL, which sends them back
here) and the alliance contacts for their municipality's Bundesland.

Editors without a municipality (the programme team) see the flow to check what
members get: checklists read-only without progress, and contacts for a
Bundesland they choose (``?land=SN``), since they have none of their own.
Everyone else gets the "only for members of a municipality" explanation.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from komma.accounts.choices import Bundesland

from . import playbook as selectors
from .access import access_municipality, toolbox_viewer
from .checklists import NOTE_MAX_LENGTH
from .context import frame
from .views_checklists import members_only, municipality_context


def _refuse(request, template):
    viewer = toolbox_viewer(request.user)
    if viewer.is_member or viewer.is_editor:
        return None
    return members_only(request, "playbook", template)


@require_GET
def playbook_index(request):
    """The published playbooks."""
    refused = _refuse(request, "toolbox/playbook_index.html")
    if refused:
        return refused
    playbooks = list(selectors.published_playbooks())
    return render(
        request, "toolbox/playbook_index.html", frame(request, "playbook", playbooks=playbooks)
    )


@require_GET
def playbook_detail(request, slug):
    """One playbook as a guided flow, step by step."""
    refused = _refuse(request, "toolbox/playbook.html")
    if refused:
        return refused
    viewer = toolbox_viewer(request.user)
    playbook = selectors.access_playbook(slug)
    municipality = None
    context = {}
    if viewer.is_member:
        municipality = access_municipality(request.user, request.GET.get("kommune"))
        context.update(municipality_context(request, municipality))
        bundesland = municipality.bundesland
    else:
        # An editor without a municipality previews the contacts of a chosen Land.
        bundesland = (request.GET.get("land") or "").upper()
        if bundesland not in Bundesland.values:
            bundesland = ""
    steps = selectors.flow(request.user, playbook, municipality)
    # The contacts are listed once, at the first step that shows them; later
    # steps with show_contacts link back to it.
    contacts_step = next((entry.number for entry in steps if entry.step.show_contacts), None)
    wants_contacts = contacts_step is not None
    contacts = selectors.contacts(request.user, playbook, bundesland) if wants_contacts else []
    context.update(
        playbook=playbook,
        steps=steps,
        contacts=contacts,
        wants_contacts=wants_contacts,
        contacts_step=contacts_step,
        bundesland=bundesland,
        bundesland_label=Bundesland(bundesland).label if bundesland else "",
        bundesland_choices=Bundesland.choices,
        interactive=municipality is not None,
        next=request.get_full_path(),
        note_max_length=NOTE_MAX_LENGTH,
    )
    return render(request, "toolbox/playbook.html", frame(request, "playbook", **context))
