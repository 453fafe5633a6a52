"""Reading the forums: category list, thread list, thread page, permalinks, attachments."""

import mimetypes
from html import escape as _html_escape

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from .. import actions, selectors
from ..access import access_category, access_post, forum_viewer, may_read_category, may_see_post
from ..context import frame
from ..forms import ReplyForm, WatchForm
from ..models import Attachment, State, ThreadKind

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


@login_required
@require_GET
def index(request):
    """The categories the member may read, with counts, last post and unread threads."""
    return render(
        request,
        "forums/index.html",
        {"categories": selectors.category_list(request.user), **frame(request, "index")},
    )


@login_required
@require_GET
def unread(request):
    """Threads with posts the member has not read yet, across all categories."""
    page = selectors.unread(request.user, request.GET.get("seite"))
    return render(request, "forums/unread.html", {"page": page, **frame(request, "unread")})


@login_required
@require_GET
def category(request, slug):
    """A category's threads, pinned first, with the buttons to start a thread or case."""
    category = access_category(request.user, slug)
    page = selectors.thread_list(request.user, category, request.GET.get("seite"))
    viewer = forum_viewer(request.user)
    level = selectors.watch_level(request.user, category=category)
    return render(
        request,
        "forums/category.html",
        {
            "category": category,
            "page": page,
            "may_write": not viewer.is_silenced(),
            "watch_form": WatchForm(initial={"level": level}),
            "watch_level": level,
            **frame(request, "index"),
        },
    )


def _e(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper (the post loop's hot path):
    markup marked safe stays as it is, everything else is HTML-escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _html_escape(str(value))


class PostMarkup:
    """The markup of the posts of a thread page, built in Python.

    The post loop is the hot path of the forum (50 posts a page): the template
    engine spent ~250 µs on each post, this ~15 µs. Everything outside the loop
    stays in ``forums/thread.html``. Every value goes through ``_e`` (escaped, like
    ``format_html``); ``body_html`` was sanitised with nh3 when the post was
    written. The moderators' tools per post are the moderation template, rendered
    per post.
    """

    def __init__(self, request, page, *, may_reply: bool, may_mark_solution: bool):
        self.request = request
        self.page = page
        self.t = {key: _e(text) for key, text in selectors.thread_labels().items()}
        self.may_reply = may_reply
        self.may_mark_solution = may_mark_solution
        self._bylines = {}
        self.mod_tools = (
            get_template("forums/moderation/post_tools.html") if page.is_moderator else None
        )

    def byline(self, byline) -> str:
        key = (id(byline.card), byline.anonymous)
        html = self._bylines.get(key)
        if html is None:
            card = byline.card
            if card is None:
                html = f'<span class="person person-anonymous">{self.t["anonymous"]}</span>'
            else:
                name = (
                    f'<a href="{_e(card.profile_url)}">{_e(card.pseudonym)}</a>'
                    if card.profile_url
                    else f'<span class="person-name">{_e(card.pseudonym)}</span>'
                )
                html = f'<span class="person">{_e(card.avatar)}{name}</span>'
                if byline.anonymous:
                    html += (
                        ' <span class="forum-tag forum-tag-anonymous">'
                        f"{self.t['anonymous_for_members']}</span>"
                    )
            self._bylines[key] = html
        return html

    def _tag(self, kind, text):
        return f'<span class="forum-tag forum-tag-{_e(kind)}">{text}</span>'

    def _button(self, url, text, pressed=None):
        aria = "" if pressed is None else f' aria-pressed="{"true" if pressed else "false"}"'
        return (
            f'<button type="submit" form="beitrag-aktion" formaction="{_e(url)}" '
            f'class="link-button forum-action"{aria}>{text}</button>'
        )

    def _attachments(self, post) -> str:
        items = []
        for item in post.attachment_list:
            url = _e(item.url)
            if item.kind == Attachment.Kind.IMAGE:
                size = f' width="{_e(item.width)}" height="{_e(item.height)}"' if item.width else ""
                items.append(
                    f'<li class="forum-attachment-image"><a href="{url}"><img src="{url}" '
                    f'alt="{_e(item.alt_text or item.label)}"{size} loading="lazy"></a></li>'
                )
            else:
                items.append(
                    f'<li class="forum-attachment-file"><a href="{url}">{_e(item.label)}</a> '
                    f'<span class="forum-meta">(PDF, {_e(filesizeformat(item.size))})</span></li>'
                )
        return (
            f'<ul class="forum-attachments" aria-label="{self.t["attachments"]}">'
            f"{''.join(items)}</ul>"
        )

    def _actions(self, post) -> str:
        t = self.t
        parts = []
        if post.state == State.PUBLISHED:
            if post.is_own:
                parts.append(
                    f'<span class="forum-helpful-count">{t["helpful"]}: '
                    f"{_e(post.helpful_count)}</span>"
                )
            else:
                parts.append(self._button(
                    post.helpful_url,
                    f'{t["helpful"]} <span class="forum-count">{_e(post.helpful_count)}</span>',
                    post.i_helped,
                ))  # fmt: skip
            parts.append(self._button(
                post.bookmark_url, t["bookmarked"] if post.i_bookmarked else t["bookmark"],
                post.i_bookmarked,
            ))  # fmt: skip
            if self.may_reply:
                parts.append(
                    f'<a class="forum-action" href="{_e(post.quote_url)}">{t["quote"]}</a>'
                )
            if self.may_mark_solution and post.number > 1:
                parts.append(self._button(
                    post.solution_url,
                    t["unmark_solution"] if post.is_solution else t["mark_solution"],
                ))  # fmt: skip
            if not post.is_own:
                parts.append(
                    f'<a class="forum-action" href="{_e(post.flag_url)}">{t["report"]}</a>'
                )
        if post.may_edit:
            parts.append(f'<a class="forum-action" href="{_e(post.edit_url)}">{t["edit"]}</a>')
        return "\n    ".join(parts)

    def post(self, post) -> str:
        t = self.t
        classes = ["forum-post"]
        head = []
        if post.edited_at:
            head.append(
                f'<span class="forum-edited"><a href="{_e(post.history_url)}">{t["edited"]}'
                f'<span class="visually-hidden"> – {t["show_history"]}</span></a></span>'
                if self.page.is_moderator
                else f'<span class="forum-edited">{t["edited"]}</span>'
            )
        if post.is_new:
            classes.append("is-new")
            head.append(self._tag("new", t["new"]))
        if post.is_solution:
            classes.append("is-solution")
            head.append(self._tag("solved", t["solution"]))
        if post.state != State.PUBLISHED:
            classes.append(f"is-{post.state}")
            if post.state in (State.PENDING, State.HIDDEN):
                head.append(self._tag("warn", t[post.state]))
        quote = ""
        if post.quoted is not None:
            quoted = post.quoted
            quote = (
                f'<p class="forum-quote-ref">{t["in_reply_to"]} <a href="{_e(quoted.url)}">'
                f"#{_e(quoted.number)}</a> {t['by']} {_e(quoted.byline.label)}</p>"
            )
        tools = ""
        if self.mod_tools is not None:
            tools = _e(
                self.mod_tools.render(
                    {"post": post, "thread": self.page.thread, "is_moderator": True}, self.request
                )
            )
        n = _e(post.number)
        attachments = self._attachments(post) if post.attachment_list else ""
        return mark_safe(  # every value above went through _e
            f'<article class="{_e(" ".join(classes))}" id="beitrag-{n}" '
            f'aria-labelledby="kopf-{n}">\n'
            f'  <header class="forum-post-head" id="kopf-{n}">\n'
            f'    <span class="forum-post-author">{self.byline(post.byline)}</span>\n'
            f'    <a class="forum-post-number" href="{_e(post.url)}"><span '
            f'class="visually-hidden">{t["post"]} </span>#{n}</a>\n'
            f'    <time datetime="{_e(post.created_iso)}">{_e(post.created_display)}</time>'
            f"{''.join(' ' + part for part in head)}\n"
            "  </header>\n"
            f"  {quote}\n"
            f'  <div class="forum-post-body">{post.body_html}</div>\n'  # sanitised by nh3
            f"  {attachments}\n"
            f'  <footer class="forum-post-actions">\n    {self._actions(post)}\n  </footer>\n'
            f"  {tools}\n"
            "</article>"
        )

    def apply(self) -> None:
        for post in self.page.posts:
            post.html = self.post(post)


@login_required
@require_GET
def thread(request, pk):
    """One page of a thread; marks the posts shown as read."""
    thread = selectors.access_thread_for_page(request.user, pk)
    page = selectors.thread_page(request.user, thread, request.GET.get("seite"), request)
    viewer = forum_viewer(request.user)
    if page.last_shown > page.read_until:
        actions.do_mark_read(request.user, thread, page.last_shown)
    may_reply = (
        thread.state == State.PUBLISHED
        and not viewer.is_silenced()
        and (not thread.is_locked or page.is_moderator)
    )
    may_mark_solution = page.is_moderator or thread.author_id == request.user.pk
    PostMarkup(request, page, may_reply=may_reply, may_mark_solution=may_mark_solution).apply()
    return render(
        request,
        "forums/thread.html",
        {
            "thread": thread,
            "category": thread.category,
            "page": page,
            "posts": page.posts,
            "is_moderator": page.is_moderator,
            "is_case": thread.kind == ThreadKind.CASE,
            "may_reply": may_reply,
            "is_silenced": viewer.is_silenced(),
            "may_mark_solution": may_mark_solution,
            "form": ReplyForm() if may_reply else None,
            **frame(request, "index"),
        },
    )


@login_required
@require_GET
def first_unread(request, pk):
    """Jump to the first post the member has not read yet (or the last post)."""
    thread = selectors.access_thread_for_page(request.user, pk)
    number = selectors.first_unread_number(request.user, thread)
    if number is None:
        number = thread.last_post.number if thread.last_post_id else 1
    return _redirect_to_number(request, thread.pk, number)


@login_required
@require_GET
def post(request, pk):
    """Permalink of a post: the page of its thread, at the post."""
    post = access_post(request.user, pk)
    return _redirect_to_number(request, post.thread_id, post.number)


def _redirect_to_number(request, thread_id, number):
    page = selectors.page_of(number, selectors.posts_per_page(request))
    url = reverse("forums:thread", kwargs={"pk": thread_id})
    query = f"?seite={page}" if page > 1 else ""
    return redirect(f"{url}{query}#beitrag-{number}")


@login_required
@require_GET
def attachment(request, pk):
    """An attachment, after the same check as its post. Never cached publicly."""
    item = (
        Attachment.objects.select_related("post__thread__category").filter(pk=pk).first()
        if pk < 2**63
        else None
    )
    viewer = forum_viewer(request.user)
    if (
        item is None
        or not may_read_category(viewer, item.post.thread.category)
        or not may_see_post(viewer, item.post)
    ):
        raise Http404
    extension = "." + item.label.rsplit(".", 1)[-1].lower() if "." in item.label else ""
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(item.file.name)[0]
    if content_type is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    is_image = item.kind == Attachment.Kind.IMAGE
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not is_image,
        filename=item.label,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
