"""Interactive checklists of a municipality: overview, checklist, step changes,
reset and export.

Only members of a municipality have checklist progress. Anonymous visitors get
an explanation with a login link, partners and editors without a municipality a
clear "only for members of a municipality" (403: the page says nothing about any
municipality's data). For members, another municipality's progress does not
exist: every lookup goes through ``access.access_municipality``.

Step changes work as plain form posts (one form per step); ``checklist.js``
sends the same form with ``fetch`` and ``Accept: application/json`` and gets the
re-rendered step back.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komma.core.http import safe_next, wants_json

from . import checklists
from .access import access_municipality, member_municipalities, toolbox_viewer
from .context import frame


def members_only(request, section: str, template: str):
    """The answer for someone without a municipality (None for members).

    Anonymous visitors reading a page get an explanation with a login link (200);
    everyone else, and every write, gets 403 with the explanation.
    """
    viewer = toolbox_viewer(request.user)
    if viewer.is_member:
        return None
    status = 200 if not viewer.is_authenticated and request.method == "GET" else 403
    return render(
        request, template, frame(request, section, not_member=True, viewer=viewer), status=status
    )


def municipality_context(request, municipality) -> dict:
    """The municipality worked on, and the choice for members of several."""
    viewer = toolbox_viewer(request.user)
    choices = member_municipalities(request.user) if len(viewer.municipality_ids) > 1 else []
    return {
        "municipality": municipality,
        "municipality_choices": choices,
        "kommune": municipality.pk if choices else "",
    }


def _checklist_url(resource, kommune="", anchor="") -> str:
    url = reverse("toolbox:checklist", kwargs={"slug": resource.slug})
    if kommune:
        url += "?" + urlencode({"kommune": kommune})
    return url + (f"#{anchor}" if anchor else "")


@require_GET
def checklist_list(request):
    """The checklists the member may read, with their municipality's progress."""
    refused = members_only(request, "checklists", "toolbox/checklists.html")
    if refused:
        return refused
    municipality = access_municipality(request.user, request.GET.get("kommune"))
    summaries = checklists.overview(request.user, municipality)
    context = frame(
        request,
        "checklists",
        summaries=summaries,
        **municipality_context(request, municipality),
    )
    return render(request, "toolbox/checklists.html", context)


def _render_checklist(request, resource, municipality, *, status=200, **extra):
    state = checklists.checklist_state(resource, municipality)
    context = frame(
        request,
        "checklists",
        resource=resource,
        state=state,
        note_max_length=checklists.NOTE_MAX_LENGTH,
        export_formats=checklists.EXPORT_FORMATS,
        **municipality_context(request, municipality),
        **extra,
    )
    return render(request, "toolbox/checklist.html", context, status=status)


@require_GET
def checklist_detail(request, slug):
    """One checklist with the progress of the member's municipality."""
    refused = members_only(request, "checklists", "toolbox/checklist.html")
    if refused:
        return refused
    municipality = access_municipality(request.user, request.GET.get("kommune"))
    resource = checklists.access_checklist(request.user, slug)
    return _render_checklist(request, resource, municipality)


@require_POST
def checklist_toggle(request, slug):
    """Check or uncheck one step (``item``; ``done`` present means checked) and
    optionally keep a ``note`` on it. Answers JSON to ``checklist.js``, else
    redirects to ``next`` (validated) or back to the checklist."""
    refused = members_only(request, "checklists", "toolbox/checklist.html")
    if refused:
        return refused
    municipality = access_municipality(request.user, request.POST.get("kommune"))
    resource = checklists.access_checklist(request.user, slug)
    note = request.POST.get("note") if "note" in request.POST else None
    done = request.POST.get("done") == "1"
    try:
        change = checklists.check_set_step(resource, request.POST.get("item"), done=done, note=note)
    except ValidationError as error:
        message = " ".join(error.messages)
        if wants_json(request):
            return JsonResponse({"ok": False, "error": message}, status=400)
        # Show the page again with the message next to the step and the typed note kept.
        return _render_checklist(
            request,
            resource,
            municipality,
            status=400,
            error_item_id=_int_or_none(request.POST.get("item")),
            error_message=message,
            typed_note=note or "",
        )
    checklists.do_set_step(request.user, municipality, change)
    step = checklists.step_state(resource, municipality, change.item)
    done_steps, total = checklists.done_count(resource, municipality)
    if step.done:
        message = _("Step %(n)d is checked (%(done)d of %(total)d done).")
    else:
        message = _("Step %(n)d is open again (%(done)d of %(total)d done).")
    message %= {"n": step.number, "done": done_steps, "total": total}
    kommune = request.POST.get("kommune", "")
    if wants_json(request):
        html = render_to_string(
            "toolbox/includes/checklist_step.html",
            {
                "step": step,
                "resource": resource,
                "kommune": kommune,
                "next": request.POST.get("next", ""),
                "note_max_length": checklists.NOTE_MAX_LENGTH,
                "interactive": True,
            },
            request=request,
        )
        count_text = _("%(done)s of %(total)s steps done") % {"done": done_steps, "total": total}
        return JsonResponse(
            {
                "ok": True,
                "done": done_steps,
                "total": total,
                "count_text": count_text,
                "message": message,
                "html": html,
            }
        )
    messages.success(request, message)
    anchor = f"step-{change.item.pk}"
    target = safe_next(request, "")
    if target:
        # Back to where the member came from (the playbook), at the same step.
        target = target.split("#", 1)[0] + f"#{anchor}"
    return redirect(target or _checklist_url(resource, kommune, anchor=anchor))


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_http_methods(["GET", "POST"])
def checklist_reset(request, slug):
    """GET: ask for confirmation; POST: uncheck every step for the municipality."""
    refused = members_only(request, "checklists", "toolbox/checklist_confirm_reset.html")
    if refused:
        return refused
    source = request.POST if request.method == "POST" else request.GET
    municipality = access_municipality(request.user, source.get("kommune"))
    resource = checklists.access_checklist(request.user, slug)
    if request.method == "POST":
        removed = checklists.do_reset_checklist(request.user, municipality, resource)
        messages.success(
            request,
            _("The checklist has been reset; %(n)d checked steps were removed.") % {"n": removed},
        )
        return redirect(_checklist_url(resource, source.get("kommune", "")))
    done_steps, total = checklists.done_count(resource, municipality)
    context = frame(
        request,
        "checklists",
        resource=resource,
        done=done_steps,
        total=total,
        **municipality_context(request, municipality),
    )
    return render(request, "toolbox/checklist_confirm_reset.html", context)


CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "pdf": "application/pdf",
}


@require_GET
def checklist_export(request, slug, fmt):
    """The checklist with the municipality's progress as Markdown, text or PDF."""
    if fmt not in checklists.EXPORT_FORMATS:
        raise Http404
    refused = members_only(request, "checklists", "toolbox/checklist.html")
    if refused:
        return refused
    municipality = access_municipality(request.user, request.GET.get("kommune"))
    resource = checklists.access_checklist(request.user, slug)
    state = checklists.checklist_state(resource, municipality, with_run=False)
    if fmt == "md":
        content = checklists.export_markdown(state).encode()
    elif fmt == "txt":
        content = checklists.export_text(state).encode()
    else:
        content = checklists.export_pdf(state)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = f"{resource.slug}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Municipal data: never kept by a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response
