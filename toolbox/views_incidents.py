"""Views of the incident records: thin (parse, call ``toolbox.incidents``, render).

Every URL of a record (page, edit, delete, screenshots, exports) goes through
``toolbox.access.access_incident``: for anyone who is not a member of the record's
municipality — other municipalities, partners, editors, anonymous visitors — the
record does not exist (404). Only the list and the "new" form send anonymous
visitors to the login page, as they name no record.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komma.core.forms import add_action_errors

from . import incidents
from .access import access_incident, access_municipality, member_municipalities, toolbox_viewer
from .context import frame
from .forms_incidents import IncidentForm, ScreenshotForm

PRIVATE = "private, no-store"


def _private(response):
    """Municipal evidence: never in a shared cache, never sniffed into another type."""
    response["Cache-Control"] = PRIVATE
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _list_url(municipality, several: bool) -> str:
    url = reverse("toolbox:incidents")
    return f"{url}?kommune={municipality.pk}" if several else url


@login_required
@require_GET
def incident_list(request):
    """The records of the member's municipality (``?kommune=`` chooses among several)."""
    municipality = access_municipality(request.user, request.GET.get("kommune"))
    viewer = toolbox_viewer(request.user)
    several = len(viewer.municipality_ids) > 1
    records = list(incidents.incidents_of(request.user, municipality))
    context = frame(
        request,
        "incidents",
        municipality=municipality,
        municipalities=member_municipalities(request.user) if several else [],
        records=records,
        new_url=reverse("toolbox:incident_new")
        + (f"?kommune={municipality.pk}" if several else ""),
    )
    return _private(render(request, "toolbox/incidents.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request):
    """Document a new incident for the member's municipality."""
    municipality = access_municipality(request.user, request.GET.get("kommune"))
    several = len(toolbox_viewer(request.user).municipality_ids) > 1
    form = IncidentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = incidents.check_create_incident(
                    request.user, municipality, form.to_fields()
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The incident is recorded. Now add screenshots as evidence."),
                )
                return redirect("toolbox:incident", public_id=record.public_id)
        status = 400
    context = frame(
        request,
        "incidents",
        form=form,
        municipality=municipality,
        record=None,
        cancel_url=_list_url(municipality, several),
    )
    return _private(render(request, "toolbox/incident_form.html", context, status=status))


def _detail(request, record, screenshot_form=None, status=200):
    context = frame(
        request,
        "incidents",
        record=record,
        municipality=record.municipality,
        screenshots=incidents.screenshots_of(record),
        screenshot_form=screenshot_form or ScreenshotForm(),
        max_screenshots=incidents.MAX_SCREENSHOTS,
        list_url=_list_url(
            record.municipality, len(toolbox_viewer(request.user).municipality_ids) > 1
        ),
    )
    return _private(render(request, "toolbox/incident.html", context, status=status))


@require_GET
def incident_detail(request, public_id):
    """A record with its screenshots, the upload form and the exports."""
    record = incidents.record_for(request.user, public_id)
    return _detail(request, record)


@require_http_methods(["GET", "POST"])
def incident_edit(request, public_id):
    """Change the fields of a record (screenshots are managed on its page)."""
    record = incidents.record_for(request.user, public_id)
    form = IncidentForm.for_record(record, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                incidents.check_update_incident(request.user, record, form.to_fields())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The changes are saved."))
                return redirect("toolbox:incident", public_id=record.public_id)
        status = 400
    context = frame(
        request,
        "incidents",
        form=form,
        municipality=record.municipality,
        record=record,
        cancel_url=reverse("toolbox:incident", kwargs={"public_id": record.public_id}),
    )
    return _private(render(request, "toolbox/incident_form.html", context, status=status))


@require_http_methods(["GET", "POST"])
def incident_delete(request, public_id):
    """Ask, then delete a record with all its screenshots."""
    record = access_incident(request.user, public_id)
    several = len(toolbox_viewer(request.user).municipality_ids) > 1
    if request.method == "POST":
        municipality = record.municipality
        incidents.check_delete_incident(request.user, record)
        messages.success(request, _("The incident record and its screenshots are deleted."))
        return redirect(_list_url(municipality, several))
    context = frame(
        request,
        "incidents",
        record=record,
        municipality=record.municipality,
        screenshot_count=record.screenshots.count(),
    )
    return _private(render(request, "toolbox/incident_confirm_delete.html", context))


@require_POST
def incident_screenshot_add(request, public_id):
    """Upload a screenshot; a refused file leaves the record as it was."""
    record = incidents.record_for(request.user, public_id)
    form = ScreenshotForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            incidents.check_add_screenshot(request.user, record, form.upload())
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The screenshot is added."))
            url = reverse("toolbox:incident", kwargs={"public_id": record.public_id})
            return redirect(f"{url}#screenshots")
    return _detail(request, record, screenshot_form=form, status=400)


@require_POST
def incident_screenshot_delete(request, public_id, pk):
    """Delete one screenshot of a record."""
    record = access_incident(request.user, public_id)
    incidents.check_delete_screenshot(request.user, record, pk)
    messages.success(request, _("The screenshot is deleted."))
    url = reverse("toolbox:incident", kwargs={"public_id": record.public_id})
    return redirect(f"{url}#screenshots")


@require_GET
def incident_screenshot(request, public_id, pk):
    """The file of a screenshot, after the record's access check."""
    screenshot = incidents.access_screenshot(request.user, public_id, pk)
    if screenshot.content_type not in ("image/jpeg", "image/png", "image/webp"):
        raise Http404
    try:
        handle = screenshot.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    extension = screenshot.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    response = FileResponse(
        handle,
        content_type=screenshot.content_type,
        as_attachment=False,
        filename=f"screenshot-{screenshot.pk}.{extension}",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _private(response)


@require_GET
def incident_export(request, public_id, fmt):
    """The record as a PDF or as a ZIP for a police report (nothing is stored)."""
    record = incidents.record_for(request.user, public_id)
    if fmt not in ("pdf", "zip"):
        raise Http404
    screenshots = incidents.screenshots_of(record)
    name = incidents.export_basename(record)
    if fmt == "pdf":
        data = incidents.export_pdf(record, screenshots)
        response = HttpResponse(data, content_type="application/pdf")
    else:
        data = incidents.export_zip(record, screenshots)
        response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return _private(response)
