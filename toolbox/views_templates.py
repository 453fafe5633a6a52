"""Using a template: the fill-in form with its preview, the downloads, and the
municipal drafts (save, list, reopen, change, delete).

Nothing the user types is stored by the form, the preview or the downloads: the
values travel in the POST and back into the page, and are gone after the response.
Only "Save as draft of my municipality" stores them (``toolbox.drafts``).

The views are thin: ``toolbox.access`` decides who sees what (404 for everything
that is not theirs), ``toolbox.filling`` validates and fills, ``toolbox.drafts``
writes.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from komma.core.forms import add_action_errors

from . import actions
from .access import (
    access_draft,
    access_municipality,
    access_resource,
    member_municipalities,
    toolbox_viewer,
)
from .context import frame
from .drafts import check_delete_draft, check_save_draft, check_update_draft
from .filling import (
    EXPORT_FORMATS,
    FillForm,
    build_download,
    download_filename,
    fill,
    initial_from_stored,
    template_problems,
)
from .models import Kind, Resource, TemplateDraft

DRAFTS_PER_PAGE = 25


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str


def export_formats() -> list[ExportFormat]:
    return [
        ExportFormat("txt", _("Text (.txt)")),
        ExportFormat("md", _("Markdown (.md)")),
        ExportFormat("docx", _("Word (.docx)")),
    ]


def _template(user, slug: str) -> Resource:
    """A published template ``user`` may read; 404 for other kinds."""
    return access_resource(user, slug, kind=Kind.TEMPLATE)


def _draft_title_error(form, exc: ValidationError) -> list[str]:
    """Errors of the draft title (shown at its field); the rest goes on the form."""
    title_errors = []
    if hasattr(exc, "error_dict"):
        title_errors = [str(m) for e in exc.error_dict.pop("title", []) for m in e.messages]
        values = exc.error_dict.pop("values", None)
        if values:
            form.add_error(None, [str(m) for e in values for m in e.messages])
        if exc.error_dict:
            add_action_errors(form, exc)
    else:
        form.add_error(None, exc)
    return title_errors


def _use_page(request, resource, placeholders, *, form, problems, status=200, **extra):
    """Render the use page (form, preview, draft controls) for ``resource``."""
    viewer = toolbox_viewer(request.user)
    draft = extra.get("draft")
    municipalities = []
    if viewer.is_member and not problems and draft is None and len(viewer.municipality_ids) > 1:
        municipalities = member_municipalities(request.user)
    context = frame(
        request,
        "drafts" if draft is not None else "resources",
        resource=resource,
        placeholders=placeholders,
        form=form,
        problems=problems,
        show_problem_details=viewer.is_editor,
        formats=export_formats(),
        municipalities=municipalities,
        # Preselected as ``access_municipality`` chooses without ``kommune``: the drafts
        # list opens on the same municipality.
        chosen_municipality=str(
            request.POST.get("kommune")
            or request.GET.get("kommune")
            or (viewer.municipality_ids[0] if viewer.municipality_ids else "")
        ),
        can_save=viewer.is_member and not problems,
        filled=extra.pop("filled", None),
        draft_title=extra.pop("draft_title", draft.title if draft is not None else ""),
        title_errors=extra.pop("title_errors", []),
        **extra,
    )
    return render(request, "toolbox/use.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def resource_use(request, slug):
    """The fill-in form of a template; POST shows the preview on the same page, or
    saves a draft (``action=save``)."""
    resource = _template(request.user, slug)
    placeholders = list(resource.placeholders.all())
    problems = template_problems(resource.template_text, placeholders)
    if problems:
        status = 200 if request.method == "GET" else 400
        return _use_page(
            request, resource, placeholders, form=None, problems=problems, status=status
        )
    if request.method == "GET":
        form = FillForm(placeholders, language=resource.language)
        return _use_page(request, resource, placeholders, form=form, problems=[])
    form = FillForm(placeholders, data=request.POST, language=resource.language)
    if not form.is_valid():
        return _use_page(
            request,
            resource,
            placeholders,
            form=form,
            problems=[],
            status=400,
            draft_title=request.POST.get("draft-title", ""),
        )
    if request.POST.get("action") == "save":
        try:
            draft = check_save_draft(
                request.user,
                resource,
                values=form.stored_values(),
                title=request.POST.get("draft-title", ""),
                municipality_id=request.POST.get("kommune") or request.GET.get("kommune"),
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not save drafts."))
            return _use_page(request, resource, placeholders, form=form, problems=[], status=403)
        except ValidationError as exc:
            title_errors = _draft_title_error(form, exc)
            return _use_page(
                request,
                resource,
                placeholders,
                form=form,
                problems=[],
                status=400,
                draft_title=request.POST.get("draft-title", ""),
                title_errors=title_errors,
            )
        messages.success(
            request, _("The draft was saved. Only members of your municipality see it.")
        )
        return redirect(draft_url(draft))
    actions.do_record_use(request, resource)
    return _use_page(
        request,
        resource,
        placeholders,
        form=form,
        problems=[],
        filled=fill(resource.template_text, form.values()),
        draft_title=request.POST.get("draft-title", ""),
    )


def draft_url(draft: TemplateDraft) -> str:
    return reverse("toolbox:draft", kwargs={"pk": draft.pk})


@require_POST
def resource_export(request, slug, fmt):
    """The filled text as a file. The values come with the POST, are validated
    again and are not stored."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    resource = _template(request.user, slug)
    placeholders = list(resource.placeholders.all())
    problems = template_problems(resource.template_text, placeholders)
    if problems:
        return _use_page(request, resource, placeholders, form=None, problems=problems, status=400)
    form = FillForm(placeholders, data=request.POST, language=resource.language)
    if not form.is_valid():
        draft = None
        if request.POST.get("draft"):
            # Downloaded from a draft's page: show the errors there again.
            try:
                draft = access_draft(request.user, request.POST["draft"])
            except Http404:
                draft = None
        return _use_page(
            request,
            resource,
            placeholders,
            form=form,
            problems=[],
            status=400,
            draft=draft,
            draft_title=request.POST.get("draft-title", ""),
        )
    text = fill(resource.template_text, form.values())
    content = build_download(fmt, resource.title, text)
    actions.do_record_use(request, resource)
    response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=download_filename(resource.slug, fmt)
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- drafts ---------------------------------------------------------------------------


@never_cache
def drafts(request):
    """The drafts of the member's municipality (``?kommune=`` chooses among several)."""
    viewer = toolbox_viewer(request.user)
    if not viewer.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not viewer.is_member:
        return render(
            request,
            "toolbox/drafts.html",
            frame(request, "drafts", municipality=None, municipalities=[], page=None),
            status=200,
        )
    municipality = access_municipality(request.user, request.GET.get("kommune"))
    queryset = (
        TemplateDraft.objects.filter(municipality=municipality)
        .select_related("resource", "updated_by")
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(queryset, DRAFTS_PER_PAGE).get_page(request.GET.get("seite"))
    municipalities = []
    if len(viewer.municipality_ids) > 1:
        municipalities = member_municipalities(request.user)
    return render(
        request,
        "toolbox/drafts.html",
        frame(
            request, "drafts", municipality=municipality, municipalities=municipalities, page=page
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def draft(request, pk):
    """A draft: the form filled with its values; POST previews (``action=preview``,
    nothing changes) or saves the changes (``action=save``)."""
    draft = access_draft(request.user, pk)
    resource = draft.resource
    viewer = toolbox_viewer(request.user)
    usable = (
        resource.live and resource.kind == Kind.TEMPLATE and resource.visibility in viewer.levels
    )
    if not usable:
        # The template was withdrawn: the values stay readable (and deletable).
        return render(
            request,
            "toolbox/use.html",
            frame(
                request,
                "drafts",
                resource=resource,
                draft=draft,
                form=None,
                problems=[],
                withdrawn=True,
                stored_values=sorted((draft.values or {}).items()),
            ),
        )
    placeholders = list(resource.placeholders.all())
    problems = template_problems(resource.template_text, placeholders)
    if problems:
        return _use_page(
            request,
            resource,
            placeholders,
            form=None,
            problems=problems,
            draft=draft,
            stored_values=sorted((draft.values or {}).items()),
            status=200 if request.method == "GET" else 400,
        )
    if request.method == "GET":
        form = FillForm(
            placeholders,
            initial=initial_from_stored(placeholders, draft.values),
            language=resource.language,
        )
        return _use_page(request, resource, placeholders, form=form, problems=[], draft=draft)
    form = FillForm(placeholders, data=request.POST, language=resource.language)
    title = request.POST.get("draft-title", "")
    if not form.is_valid():
        return _use_page(
            request,
            resource,
            placeholders,
            form=form,
            problems=[],
            draft=draft,
            draft_title=title,
            status=400,
        )
    if request.POST.get("action") == "save":
        try:
            check_update_draft(request.user, draft, values=form.stored_values(), title=title)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            title_errors = _draft_title_error(form, exc)
            return _use_page(
                request,
                resource,
                placeholders,
                form=form,
                problems=[],
                draft=draft,
                draft_title=title,
                title_errors=title_errors,
                status=400,
            )
        messages.success(request, _("The draft was saved."))
        return redirect(draft_url(draft))
    actions.do_record_use(request, resource)
    return _use_page(
        request,
        resource,
        placeholders,
        form=form,
        problems=[],
        draft=draft,
        draft_title=title,
        filled=fill(resource.template_text, form.values()),
    )


@require_http_methods(["GET", "POST"])
def draft_delete(request, pk):
    """Confirm (GET) and delete (POST) a draft of the member's municipality."""
    draft = access_draft(request.user, pk)
    if request.method == "POST":
        try:
            check_delete_draft(request.user, draft)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, _("The draft was deleted."))
        url = reverse("toolbox:drafts")
        if len(toolbox_viewer(request.user).municipality_ids) > 1:
            url += f"?kommune={draft.municipality_id}"
        return redirect(url)
    return render(
        request, "toolbox/draft_confirm_delete.html", frame(request, "drafts", draft=draft)
    )
