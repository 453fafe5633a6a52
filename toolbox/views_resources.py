"""The toolbox's resource pages: browse with facets, a resource, feedback, download.

Thin: parse, call ``selectors``/``actions``, render. Bad GET parameters are reported
on the page (status 400) and ignored; a resource the viewer may not read, or an
unpublished one, is a 404.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from komma.core.facets import active_filters

from . import actions, selectors
from .access import access_resource
from .context import frame
from .models import Kind


@require_GET
def index(request):
    """Published resources the viewer may read, filtered by every metadata field."""
    search = selectors.search_resources(request.user, request.GET)
    query = search.query
    context = frame(
        request,
        "resources",
        search=search,
        query=query,
        facets=search.facets,
        problems=search.problems,
        active_filters=active_filters(search.facets, query, with_facet_label=True),
        reset_url=request.path,
        previous_url=(
            query.querystring(seite=search.page.previous_page_number())
            if search.page.has_previous()
            else ""
        ),
        next_url=(
            query.querystring(seite=search.page.next_page_number())
            if search.page.has_next()
            else ""
        ),
    )
    return render(request, "toolbox/index.html", context, status=400 if search.problems else 200)


def _render_resource(request, resource, *, status=200, feedback_error=""):
    parts = selectors.resource_parts(resource)
    context = frame(
        request,
        "resources",
        resource=resource,
        vote=selectors.own_vote(request.user, resource),
        feedback_error=feedback_error,
        is_template=resource.kind == Kind.TEMPLATE,
        is_checklist=resource.kind == Kind.CHECKLIST,
        is_faq=resource.kind == Kind.FAQ,
        **parts,
    )
    return render(request, "toolbox/resource.html", context, status=status)


@require_GET
def resource(request, slug):
    """One resource: its content by kind, metadata, usage counts and feedback."""
    item = access_resource(request.user, slug)
    actions.do_record_view(request, item)
    return _render_resource(request, item)


@require_POST
def resource_feedback(request, slug):
    """A member's "hilfreich" vote (yes / no / none), changeable."""
    item = access_resource(request.user, slug)  # 404 before the login prompt
    if not request.user.is_authenticated:
        return redirect_to_login(item.get_absolute_url())
    try:
        _resource, vote = actions.check_give_feedback(
            request.user, slug, request.POST.get("vote", "")
        )
    except ValidationError as exc:
        return _render_resource(request, item, status=400, feedback_error=exc.messages[0])
    if vote is None:
        messages.success(request, _("Your vote was withdrawn."))
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect(f"{item.get_absolute_url()}#feedback")


@require_GET
def resource_download(request, slug):
    """The resource's attached document, counted; only for viewers who may read it."""
    item = access_resource(request.user, slug)
    document = item.document
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    actions.do_record_download(item)
    content_type = mimetypes.guess_type(document.filename)[0] or "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type=content_type
    )
    # Readers may differ (partners, network); no shared cache may keep the file.
    response["Cache-Control"] = "private, no-store"
    return response
