"""Pages of the live sessions: list, detail, scheduling, calendar file, room, minutes
and the forum draft. Thin: parse, call ``listing``/``scheduling``/``minutes``, render.

Who is not involved in a session gets 404 for every page of it (the id of a session
says nothing). Facilitator-only pages answer 404 to participants too; the
scheduling form answers 403 to members who are not facilitators.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komma.core.forms import add_action_errors

from . import minutes as minutes_module
from . import scheduling
from .access import is_session_facilitator
from .forms import CancelForm, DraftForm, MinutesForm, ScheduleForm
from .ics import session_calendar
from .listing import access_session, index_lists, is_facilitator, visible_participants
from .models import PHASE_MINUTES, Phase, State


def _frame(request, section: str) -> dict:
    return {"live_section": section, "live_may_schedule": is_facilitator(request.user)}


@login_required
@require_GET
def index(request):
    """Open now, upcoming and ended sessions of the member (all, for facilitators)."""
    frame = _frame(request, "index")  # first: one query fills both role caches
    return render(request, "live/index.html", {"lists": index_lists(request.user), **frame})


def _removed(request, view):
    return render(
        request, "live/removed.html", {"session": view.session, **_frame(request, "")}, status=403
    )


@login_required
@require_GET
def session(request, public_id):
    """The session's page: time, people by pseudonym (participants only), join, calendar."""
    view = access_session(request.user, public_id)
    if view.removed and not view.manages:
        return _removed(request, view)
    session = view.session
    return render(
        request,
        "live/session.html",
        {
            "session": session,
            "view": view,
            "participants": visible_participants(session),
            # A facilitator opens a scheduled session with "Open the lobby".
            "may_join": session.state in (State.LOBBY, State.LIVE),
            "may_get_minutes": minutes_module.may_get_minutes(view),
            "may_draft": minutes_module.may_draft(view),
            **_frame(request, "index"),
        },
    )


def _facilitator_view(request, public_id):
    """The session for its facilitators; 404 for everyone else (participants too)."""
    view = access_session(request.user, public_id)
    if not view.manages:
        raise Http404
    return view


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request):
    if not is_facilitator(request.user):
        raise PermissionDenied(_("Only facilitators may schedule live sessions."))
    form = ScheduleForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                session = scheduling.check_schedule_session(request.user, form.plan())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request, _("The session is scheduled. The invitees have been e-mailed.")
                )
                return redirect(session.get_absolute_url())
    return render(
        request,
        "live/schedule_form.html",
        {"form": form, "editing": None, **_frame(request, "schedule")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, public_id):
    view = _facilitator_view(request, public_id)
    session = view.session
    if session.state != State.SCHEDULED:
        messages.error(request, _("A session can only be changed before its lobby opens."))
        return redirect(session.get_absolute_url())
    if request.method == "POST":
        form = ScheduleForm(request.POST)
    else:
        form = ScheduleForm(initial=ScheduleForm.initial_from(scheduling.plan_of(session)))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                scheduling.check_edit_session(request.user, session, form.plan())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The session has been changed."))
                return redirect(session.get_absolute_url())
    return render(
        request,
        "live/schedule_form.html",
        {"form": form, "editing": session, **_frame(request, "index")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, public_id):
    """Confirm, then cancel (POST)."""
    view = _facilitator_view(request, public_id)
    session = view.session
    form = CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                scheduling.check_cancel_session(
                    request.user, session, form.cleaned_data.get("reason", "")
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The session has been cancelled."))
                return redirect("live:index")
    return render(
        request,
        "live/confirm_cancel.html",
        {"session": session, "form": form, **_frame(request, "index")},
        status=status,
    )


@login_required
@require_POST
def open_lobby(request, public_id):
    view = _facilitator_view(request, public_id)
    try:
        scheduling.check_open_lobby(request.user, view.session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The lobby is open. Invitees can now enter the room."))
    return redirect(view.session.get_absolute_url())


@login_required
@require_GET
def ics(request, public_id):
    view = access_session(request.user, public_id)
    if view.removed and not view.manages:
        raise Http404
    return session_calendar(view.session)


@login_required
@require_GET
def room(request, public_id):
    """The room page (template by the room's UI); its script connects the WebSocket.

    Scheduled and lobby sessions show the waiting state; ended ones the way to the
    minutes. Cancelled sessions lead back to the session page.
    """
    view = access_session(request.user, public_id)
    if view.removed and not view.manages:
        return _removed(request, view)
    session = view.session
    if session.state == State.CANCELLED:
        messages.info(request, _("This session has been cancelled."))
        return redirect(session.get_absolute_url())
    labels = dict(Phase.choices)
    return render(
        request,
        "live/room.html",
        {
            "session": session,
            "me": request.user,
            "participant": view.participant,
            # The room's own rule (``access``), so page and WebSocket agree.
            "is_facilitator": is_session_facilitator(request.user, session, view.participant),
            "ws_path": f"/ws/live/{session.public_id}/",
            "phases": [(key, labels[key], PHASE_MINUTES[key]) for key in Phase.values],
            "minutes_url": reverse("live:minutes", kwargs={"public_id": session.public_id}),
            "session_url": session.get_absolute_url(),
            **_frame(request, "room"),
        },
    )


def _minutes_view(request, public_id):
    view = access_session(request.user, public_id)
    if not minutes_module.may_get_minutes(view):
        raise Http404
    return view


@login_required
@require_GET
def minutes(request, public_id):
    """The download page; with ``format`` in the query the file itself."""
    view = _minutes_view(request, public_id)
    session = view.session
    form = MinutesForm(request.GET or None)
    if request.GET.get("format"):
        if form.is_valid():
            fmt = form.cleaned_data["format"]
            content = minutes_module.render_minutes(
                minutes_module.build_minutes(session, with_chat=form.cleaned_data["chat"]), fmt
            )
            content_type = "text/markdown" if fmt == "md" else "text/plain"
            response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
            filename = minutes_module.minutes_filename(session, fmt)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        status = 400
    else:
        form = MinutesForm(initial={"format": "md"})
        status = 200
    return render(
        request,
        "live/minutes.html",
        {
            "session": session,
            "form": form,
            "may_draft": minutes_module.may_draft(view),
            **_frame(request, "index"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft(request, public_id):
    """The case giver's anonymised forum draft: edit → review → submit.

    ``step`` in the POST: ``review`` saves the edited text and shows it as it will be
    posted; ``submit`` posts the saved (reviewed) draft; ``edit`` goes back.
    """
    view = access_session(request.user, public_id)
    if not minutes_module.may_draft(view):
        raise Http404
    session = view.session
    targets = minutes_module.forum_targets(request.user)
    saved = minutes_module.current_draft(session)
    context = {"session": session, "targets": targets, "saved": saved, **_frame(request, "index")}
    if saved is not None and saved.status == saved.Status.SUBMITTED:
        return render(request, "live/draft.html", {**context, "step": "done"})
    if not targets:
        return render(request, "live/draft.html", {**context, "step": "unavailable"})
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if saved is not None:
        initial = {"title": saved.title, "body": saved.body}
    else:
        title, body = minutes_module.prefilled_draft(session)
        initial = {"title": title, "body": body}
    initial.update(category=targets[0].id, anonymous=True)
    status = 200
    if step == "review":
        form = DraftForm(request.POST, targets=targets)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = minutes_module.check_save_draft(
                    request.user, view, title=data["title"], body=data["body"]
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                target = next(t for t in targets if t.id == data["category"])
                return render(
                    request,
                    "live/draft.html",
                    {**context, "step": "review", "saved": saved, "form": form,
                     "target": target, "anonymous": data["anonymous"] and target.allows_anonymous},
                )  # fmt: skip
        return render(
            request, "live/draft.html", {**context, "step": "edit", "form": form}, status=status
        )
    if step == "submit":
        form = DraftForm(
            {
                "title": saved.title if saved else "",
                "body": saved.body if saved else "",
                "category": request.POST.get("category"),
                "anonymous": request.POST.get("anonymous"),
            },
            targets=targets,
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = minutes_module.check_submit_draft(
                    request.user, view, category_id=data["category"], anonymous=data["anonymous"]
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                if result.pending:
                    messages.info(
                        request,
                        _("Thank you. Your thread waits for approval by the forum's moderators."),
                    )
                else:
                    messages.success(request, _("Your thread has been published in the forum."))
                return redirect(reverse("live:draft", kwargs={"public_id": session.public_id}))
        return render(
            request, "live/draft.html", {**context, "step": "edit", "form": form}, status=400
        )
    if step == "edit":  # back from the review: the saved text, the choices kept
        category = request.POST.get("category", "")
        if category.isdigit():
            initial["category"] = int(category)
        initial["anonymous"] = bool(request.POST.get("anonymous"))
    form = DraftForm(initial=initial, targets=targets)
    return render(
        request, "live/draft.html", {**context, "step": "edit", "form": form}, status=status
    )
