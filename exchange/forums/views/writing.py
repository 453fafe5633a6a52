"""Writing in the forums: new threads and cases, replies, edits, reactions, bookmarks,
solutions, following and marking read. Thin: parse, call ``actions``, answer.

Bad input is answered with the form again (status 400), the writer's text kept;
refusals of one-click actions come back as a message on the page they came from.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from komma.core.forms import add_action_errors
from komma.core.http import safe_next, wants_json

from .. import actions, selectors
from ..access import (
    access_category,
    access_post,
    access_thread,
    check_may_write,
    forum_viewer,
    is_moderator,
)
from ..context import frame
from ..forms import CaseForm, EditForm, ReplyForm, ThreadForm, WatchForm
from ..models import Post, State

PENDING = gettext_lazy(
    "Thank you. Your post waits for approval by the moderators; others will see it "
    "once it is approved."
)


def _post_url(request, post: Post) -> str:
    page = selectors.page_of(post.number, selectors.posts_per_page(request))
    url = reverse("forums:thread", kwargs={"pk": post.thread_id})
    return f"{url}{f'?seite={page}' if page > 1 else ''}#beitrag-{post.number}"


# --- New threads and cases --------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def new_thread(request, slug):
    """Start a discussion in a category."""
    return _new(request, slug, ThreadForm, case=False)


@login_required
@require_http_methods(["GET", "POST"])
def new_case(request, slug):
    """Bring in a case ("Fall einbringen"): the structured form, optionally anonymous."""
    return _new(request, slug, CaseForm, case=True)


def _new(request, slug, form_class, *, case: bool):
    category = access_category(request.user, slug)  # 404 where unreadable
    context = {"category": category, "is_case": case, **frame(request, "index")}
    try:
        check_may_write(request.user, category)
    except PermissionDenied as exc:
        return render(
            request, "forums/cannot_write.html", {**context, "reason": str(exc)}, status=403
        )
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = actions.check_create_thread(
                    request.user, category, title=data["title"],
                    body=data.get("body", ""), case=form.case() if case else None,
                    anonymous=bool(data.get("anonymous")), uploads=form.uploads(),
                    client_token=form.token(),
                )  # fmt: skip
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                if thread.state == State.PENDING:
                    messages.info(request, PENDING)
                else:
                    messages.success(request, _("Your thread has been published."))
                return redirect("forums:thread", pk=thread.pk)
    return render(request, "forums/new_thread.html", {**context, "form": form}, status=status)


# --- Replies ------------------------------------------------------------------------------
def quote_text(post: Post) -> str:
    """The start of a reply that quotes ``post``: who wrote it (public label) and the text.

    Stored content, so in the site's language; an anonymous author stays anonymous
    even where the person quoting may see the pseudonym.
    """
    label = selectors.public_label(post)
    who = label if post.is_anonymous or post.author.is_deleted else f"@{label}"
    with translation.override(settings.LANGUAGE_CODE):
        header = _("%(name)s wrote:") % {"name": f"**{who}**"}
    lines = [f"> {header}", ">"] + [f"> {line}".rstrip() for line in post.body.splitlines()]
    return "\n".join(lines) + "\n\n"


def _quoted(request, thread, raw):
    """The post to quote, if it is a visible post of ``thread``; else None."""
    if not raw:
        return None
    try:
        post = access_post(request.user, raw)
    except Http404:  # a bad or foreign id quotes nothing
        return None
    if post.thread_id != thread.pk or post.state != State.PUBLISHED:
        return None
    return post


@login_required
@require_http_methods(["GET", "POST"])
def reply(request, pk):
    """The reply form (``?zitat=<post>`` starts it with a quote); stores the reply."""
    thread = access_thread(request.user, pk)
    viewer = forum_viewer(request.user)
    context = {"thread": thread, "category": thread.category, **frame(request, "index")}
    if request.method == "GET":
        quoted = _quoted(request, thread, request.GET.get("zitat"))
        initial = {"body": quote_text(quoted), "quoted": quoted.pk} if quoted else {}
        form = ReplyForm(initial=initial)
        status = 200
    else:
        form = ReplyForm(request.POST, request.FILES)
        quoted = None
        status = 400
        if form.is_valid():
            quoted = _quoted(request, thread, form.cleaned_data.get("quoted"))
            try:
                post = actions.check_reply(
                    request.user, thread, body=form.cleaned_data["body"], quoted=quoted,
                    uploads=form.uploads(), client_token=form.token(),
                )  # fmt: skip
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                if post.state == State.PENDING:
                    messages.info(request, PENDING)
                return redirect(_post_url(request, post))
    locked = thread.is_locked and not is_moderator(viewer, thread.category_id)
    return render(
        request,
        "forums/reply.html",
        {**context, "form": form, "quoted": quoted, "locked": locked},
        status=status,
    )


# --- Editing ------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def edit_post(request, pk):
    """The author edits a post; a moderator edits any post of their area, with a reason."""
    post = access_post(request.user, pk)
    moderating = post.author_id != request.user.pk
    if moderating and not is_moderator(forum_viewer(request.user), post.thread.category_id):
        raise PermissionDenied
    with_title = post.number == 1
    form = EditForm(
        request.POST or None,
        initial={"body": post.body, "title": post.thread.title},
        with_title=with_title,
        moderating=moderating,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.check_edit_post(
                    request.user, post, body=data["body"], reason=data.get("reason", ""),
                    title=data.get("title") if with_title else None,
                )  # fmt: skip
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your changes have been saved."))
                return redirect(_post_url(request, post))
    return render(
        request,
        "forums/edit_post.html",
        {
            "post": post,
            "thread": post.thread,
            "category": post.thread.category,
            "form": form,
            "moderating": moderating,
            **frame(request, "index"),
        },
        status=status,
    )


# --- One-click actions on a post ------------------------------------------------------------
def _one_click(request, pk, do, done_message):
    post = access_post(request.user, pk)
    try:
        result = do(post)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        text = text or _("This is not possible.")
        if wants_json(request):
            return JsonResponse({"error": text}, status=400)
        messages.error(request, text)
    else:
        if wants_json(request):
            post.refresh_from_db(fields=["helpful_count"])
            return JsonResponse({"active": bool(result), "helpful_count": post.helpful_count})
        messages.success(request, done_message(result))
    return redirect(safe_next(request, _post_url(request, post)))


@login_required
@require_POST
def toggle_helpful(request, pk):
    """Mark a post "hilfreich", or take it back."""
    return _one_click(
        request, pk, lambda post: actions.do_toggle_helpful(request.user, post),
        lambda on: _("Marked as helpful.") if on else _("No longer marked as helpful."),
    )  # fmt: skip


@login_required
@require_POST
def toggle_bookmark(request, pk):
    """Bookmark a post, or remove the bookmark."""
    return _one_click(
        request, pk, lambda post: actions.do_toggle_bookmark(request.user, post),
        lambda on: _("Bookmark added.") if on else _("Bookmark removed."),
    )  # fmt: skip


@login_required
@require_POST
def mark_solution(request, pk):
    """The thread's author (or a moderator) marks a reply as the solution, or unmarks it."""
    return _one_click(
        request, pk,
        lambda post: actions.check_mark_solution(request.user, post).solution_id == post.pk,
        lambda on: _("Marked as the solution.") if on else _("No longer marked as the solution."),
    )  # fmt: skip


# --- Following and reading ------------------------------------------------------------------
def _set_watch(request, *, thread=None, category=None, back):
    form = WatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose how to follow."))
        return redirect(back)
    try:
        actions.do_set_watch_level(
            request.user, level=form.cleaned_data["level"], thread=thread, category=category
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your notification setting has been saved."))
    return redirect(back)


@login_required
@require_POST
def watch_thread(request, pk):
    thread = access_thread(request.user, pk)
    return _set_watch(request, thread=thread, back=safe_next(request, thread.get_absolute_url()))


@login_required
@require_POST
def watch_category(request, slug):
    category = access_category(request.user, slug)
    return _set_watch(request, category=category, back=category.get_absolute_url())


@login_required
@require_POST
def mark_category_read(request, slug):
    category = access_category(request.user, slug)
    actions.do_mark_category_read(request.user, category)
    messages.success(request, _("All threads of this category are marked as read."))
    return redirect(category)
