"""Reads of the forums, permission-checked: what a member may see, in a constant
number of queries however many posts or threads there are.

The thread page is paginated by post *number* (page ``p`` holds the numbers
``(p-1)*size+1 … p*size``): a post's page is known without a query, permalinks stay
stable when posts are hidden or approved, and no count query is needed. A page may
show fewer posts than its size where posts wait for approval or were hidden.

Who wrote a post is decided here (``Byline``): anonymous case posts show "Member of
a model municipality" unless ``access.sees_anonymous_author`` allows the pseudonym.
"""

import math
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from komma.accounts.presentation import PersonCard, present_person

from .access import (
    ForumViewer,
    forum_viewer,
    is_moderator,
    may_see_post,
    may_see_thread,
    readable_categories_q,
    sees_anonymous_author,
    visible_states,
)
from .models import (
    Attachment,
    Bookmark,
    Category,
    ForumSettings,
    Notification,
    NotificationKind,
    Post,
    Reaction,
    ReadState,
    State,
    Subscription,
    Thread,
    WatchLevel,
)

ANONYMOUS_LABEL = _("Member of a model municipality")
THREADS_PER_PAGE = 30
LIST_PAGE_SIZE = 30
MAX_PAGE = 100_000  # larger page numbers are junk, answered with 404


# --- Who wrote it ---------------------------------------------------------------------
@dataclass(frozen=True)
class Byline:
    """How one viewer sees the author of one post or thread.

    ``card`` is None for an anonymous author the viewer may not know; ``anonymous``
    marks a post written anonymously (shown with a marker where the card is known).
    """

    card: PersonCard | None
    anonymous: bool = False

    @property
    def label(self) -> str:
        """The public text of this byline (plain, for quotes and notifications)."""
        return self.card.pseudonym if self.card is not None else str(ANONYMOUS_LABEL)


class Authors:
    """Bylines for one viewer, cached per author (one present_person per person).

    ``moderator_ids`` of a category are read once, and only when an anonymous post
    is shown to a moderator of that category who is not its author.
    """

    def __init__(self, user, viewer: ForumViewer):
        self.user = user
        self.viewer = viewer
        self._cards: dict[int, PersonCard] = {}
        self._moderators: dict[int, frozenset[int]] = {}

    def card(self, author) -> PersonCard:
        key = author.pk if author is not None else 0
        card = self._cards.get(key)
        if card is None:
            card = self._cards[key] = present_person(author, self.user, with_identity=False)
        return card

    def _category_moderators(self, category_id: int) -> frozenset[int]:
        if category_id not in self._moderators:
            self._moderators[category_id] = frozenset(
                Category.moderators.through.objects.filter(category_id=category_id).values_list(
                    "user_id", flat=True
                )
            )
        return self._moderators[category_id]

    def sees_anonymous(self, thread: Thread) -> bool:
        viewer = self.viewer
        if viewer.user_id is not None and viewer.user_id == thread.author_id:
            return True
        if not viewer.is_superuser and not is_moderator(viewer, thread.category_id):
            return False  # decided without the category's moderator list
        return sees_anonymous_author(viewer, thread, self._category_moderators(thread.category_id))

    def byline(self, author, *, anonymous: bool, thread: Thread) -> Byline:
        if anonymous and not self.sees_anonymous(thread):
            return Byline(card=None, anonymous=True)
        return Byline(card=self.card(author), anonymous=anonymous)

    def public(self, author, *, anonymous: bool) -> Byline:
        """The byline every member sees (quotes): anonymous stays anonymous."""
        if anonymous:
            return Byline(card=None, anonymous=True)
        return Byline(card=self.card(author))


def public_label(post: Post) -> str:
    """The name everybody may read for ``post``'s author (used in quotes)."""
    if post.is_anonymous:
        return str(ANONYMOUS_LABEL)
    return present_person(post.author, None, with_identity=False).pseudonym


# --- URLs without a reverse() per post ------------------------------------------------
class _Urls:
    """URL builders for per-object links: one ``reverse`` per name and request."""

    MARK = "9876543210"

    def __init__(self):
        self._parts = {}

    def __call__(self, name: str, pk) -> str:
        parts = self._parts.get(name)
        if parts is None:
            parts = self._parts[name] = reverse(name, kwargs={"pk": self.MARK}).split(self.MARK)
        return f"{parts[0]}{pk}{parts[1]}"


class _DateFormatter:
    """ISO and localised short form of a time, the format looked up once per page."""

    def __init__(self):
        self.format = get_format("SHORT_DATETIME_FORMAT")

    def __call__(self, value):
        local = timezone.localtime(value)
        return local.isoformat(), dateformat.format(local, self.format)


def thread_labels() -> dict:
    """The words of the thread page's post loop, translated once per page, not per post."""
    return {
        "anonymous": gettext("Member of a model municipality"),
        "anonymous_for_members": gettext("anonymous for members"),
        "post": gettext("Post"),
        "edited": gettext("edited"),
        "show_history": gettext("show edit history"),
        "new": gettext("new"),
        "solution": gettext("solution"),
        "pending": gettext("waiting for approval"),
        "hidden": gettext("hidden"),
        "in_reply_to": gettext("In reply to"),
        "by": gettext("by"),
        "attachments": gettext("Attachments"),
        "helpful": gettext("Helpful"),
        "bookmark": gettext("Bookmark"),
        "bookmarked": gettext("Bookmarked"),
        "quote": gettext("Quote"),
        "mark_solution": gettext("Mark as solution"),
        "unmark_solution": gettext("Unmark solution"),
        "report": gettext("Report"),
        "edit": gettext("Edit"),
    }


# --- Page numbers ---------------------------------------------------------------------
def page_number(raw, default: int = 1) -> int:
    """``?seite=``: a positive integer, else 404 (junk never reaches the database)."""
    if raw in (None, ""):
        return default
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise Http404 from None
    if number < 1 or number > MAX_PAGE:
        raise Http404
    return number


def _paginate(queryset, per_page: int, raw_page):
    number = page_number(raw_page)
    try:
        return Paginator(queryset, per_page).page(number)
    except (EmptyPage, PageNotAnInteger):
        if number == 1:
            return Paginator(queryset, per_page).page(1)
        raise Http404 from None


PER_PAGE_CACHE_KEY = "forums:posts-per-page"


def posts_per_page(request=None) -> int:
    """The page size of thread pages (Wagtail setting), cached: read on every page view."""
    if request is not None and hasattr(request, "_forums_per_page"):
        return request._forums_per_page
    size = cache.get(PER_PAGE_CACHE_KEY)
    if size is None:
        size = max(ForumSettings.load().posts_per_page or 50, 5)
        cache.set(PER_PAGE_CACHE_KEY, size, 300)
    if request is not None:
        request._forums_per_page = size
    return size


@receiver(post_save, sender=ForumSettings)
def _forget_per_page(sender, **kwargs):
    cache.delete(PER_PAGE_CACHE_KEY)


def page_of(number: int, per_page: int) -> int:
    return max(1, (number - 1) // per_page + 1)


# --- Category list --------------------------------------------------------------------
def _read_number(user):
    """Subquery: the viewer's last read number of the outer thread (None: never read)."""
    return Subquery(
        ReadState.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_number")[:1]
    )


def category_list(user) -> list[Category]:
    """The categories ``user`` may read, with counts, last post and unread threads.

    One query for the categories (unread counts as a subquery), plus one for the
    category moderators when the viewer moderates and an anonymous last post shows.
    """
    viewer = forum_viewer(user)
    unread_threads = (
        Thread.objects.filter(category=OuterRef("pk"), state=State.PUBLISHED)
        .exclude(
            Exists(
                ReadState.objects.filter(
                    user=user, thread=OuterRef("pk"),
                    last_read_number__gte=Coalesce(OuterRef("last_post__number"), 0),
                )
            )
        )
        .order_by()
        .values("category")
        .annotate(n=Count("pk"))
        .values("n")
    )  # fmt: skip
    categories = list(
        Category.objects.filter(readable_categories_q(viewer))
        .select_related("last_post__thread", "last_post__author")
        .annotate(unread_threads=Coalesce(Subquery(unread_threads[:1]), 0))
    )
    authors = Authors(user, viewer)
    for category in categories:
        last = category.last_post
        category.last_byline = (
            authors.byline(last.author, anonymous=last.is_anonymous, thread=last.thread)
            if last is not None
            else None
        )
    return categories


# --- Thread list ----------------------------------------------------------------------
def _thread_visibility(viewer: ForumViewer, category_id: int) -> Q:
    states = visible_states(viewer, category_id)
    q = Q(state__in=states)
    if State.PENDING not in states and viewer.user_id is not None:
        q |= Q(state=State.PENDING, author_id=viewer.user_id)  # one's own, awaiting approval
    return q


def _decorate_threads(threads, authors: Authors, urls: _Urls, per_page: int) -> None:
    for thread in threads:
        thread.byline = authors.byline(thread.author, anonymous=thread.is_anonymous, thread=thread)
        last = thread.last_post
        thread.last_byline = (
            authors.byline(last.author, anonymous=last.is_anonymous, thread=thread)
            if last is not None and last.number > 1
            else None
        )
        last_number = last.number if last is not None else 1
        read = thread.my_read
        thread.is_new = read is None
        thread.unread = read is None or read < last_number
        thread.url = urls("forums:thread", thread.pk)
        thread.first_unread_url = urls("forums:first_unread", thread.pk)
        thread.pages = math.ceil(last_number / per_page)


def thread_list(user, category: Category, page):
    """A page of ``category``'s threads (pinned first, then latest activity).

    Two queries (count and page) whatever the number of threads.
    """
    viewer = forum_viewer(user)
    threads = (
        Thread.objects.filter(category=category)
        .filter(_thread_visibility(viewer, category.pk))
        .select_related("author", "last_post__author")
        .annotate(my_read=_read_number(user))
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )
    page = _paginate(threads, THREADS_PER_PAGE, page)
    for thread in page.object_list:
        thread.category = category  # no query per thread for the byline rule
    _decorate_threads(page.object_list, Authors(user, viewer), _Urls(), posts_per_page())
    return page


def watch_level(user, *, thread: Thread | None = None, category: Category | None = None) -> str:
    """The viewer's own watch level of a thread or category (defaults: see models)."""
    target = {"thread": thread} if thread is not None else {"category": category}
    level = Subscription.objects.filter(user=user, **target).values_list("level", flat=True).first()
    return level or WatchLevel.NORMAL


# --- Thread page ----------------------------------------------------------------------
def access_thread_for_page(user, pk) -> Thread:
    """The thread ``pk`` for its page: with category, solution and the viewer's read
    state in one query; 404 where ``access.access_thread`` would answer 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    thread = (
        Thread.objects.select_related("category", "solution__author", "last_post")
        .annotate(
            my_read=_read_number(user),
            my_watch=Subquery(
                Subscription.objects.filter(user=user, thread=OuterRef("pk")).values("level")[:1]
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if thread is None or not may_see_thread(forum_viewer(user), thread):
        raise Http404
    return thread


@dataclass
class ThreadPage:
    """One page of a thread as the viewer sees it."""

    thread: Thread
    posts: list
    number: int
    num_pages: int
    per_page: int
    is_moderator: bool
    read_until: int  # the viewer's last read number before this visit
    first_unread: int | None
    solution_byline: Byline | None = None
    page_numbers: list = field(default_factory=list)

    @property
    def paginator(self):  # like a Django page: ``page.paginator.num_pages``
        return self

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @cached_property
    def last_shown(self) -> int:
        return max((post.number for post in self.posts), default=0)


# What the thread page reads of posts and people: no text it does not show, and
# nothing of a person but what a byline needs (present_person, with_identity=False).
POST_FIELDS = (
    "id", "thread", "number", "author", "is_anonymous", "body_html", "quoted", "state",
    "created_at", "edited_at", "helpful_count", "open_flag_count",
)  # fmt: skip
QUOTED_FIELDS = ("quoted__id", "quoted__number", "quoted__is_anonymous", "quoted__author")
PERSON_FIELDS = ("id", "pseudonym", "avatar_seed", "deleted_at", "bio")


def _person(path: str) -> list[str]:
    return [f"{path}__{name}" for name in PERSON_FIELDS]


def _post_visibility(viewer: ForumViewer, thread: Thread) -> Q:
    states = visible_states(viewer, thread.category_id)
    q = Q(state__in=states)
    if State.PENDING not in states and viewer.user_id is not None:
        q |= Q(state=State.PENDING, author_id=viewer.user_id)
    return q


def thread_page(user, thread: Thread, raw_page, request=None) -> ThreadPage:
    """The posts of one page of ``thread`` (from ``access_thread_for_page``).

    Two queries: the posts (with authors, quoted posts, and whether the viewer
    found them helpful or bookmarked them) and their attachments. The category's
    moderator list is read only for an anonymous case shown to its moderators.
    """
    viewer = forum_viewer(user)
    per_page = posts_per_page(request)
    moderating = is_moderator(viewer, thread.category_id)
    last_visible = thread.last_post.number if thread.last_post_id else 1
    num_pages = page_of(thread.last_number if moderating else last_visible, per_page)
    reachable = page_of(max(thread.last_number, 1), per_page)  # one's own pending post
    number = page_number(raw_page)
    if number > reachable:
        raise Http404
    first, last = (number - 1) * per_page + 1, number * per_page
    posts = list(
        Post.objects.filter(thread=thread, number__gte=first, number__lte=last)
        .filter(_post_visibility(viewer, thread))
        .select_related("author", "quoted__author")
        .only(*POST_FIELDS, *_person("author"), *QUOTED_FIELDS, *_person("quoted__author"))
        .annotate(
            i_helped=Exists(Reaction.objects.filter(post=OuterRef("pk"), user=user)),
            i_bookmarked=Exists(Bookmark.objects.filter(post=OuterRef("pk"), user=user)),
        )
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("number")
    )
    read_until = thread.my_read or 0
    authors = Authors(user, viewer)
    urls = _Urls()
    first_unread = None
    quote_base = reverse("forums:reply", kwargs={"pk": thread.pk}) + "?zitat="
    when = _DateFormatter()
    for post in posts:
        post.created_iso, post.created_display = when(post.created_at)
        post.quote_url = f"{quote_base}{post.pk}"
        post.attachment_list = list(post.attachments.all())
        post.thread = thread
        post.byline = authors.byline(post.author, anonymous=post.is_anonymous, thread=thread)
        post.is_new = post.number > read_until
        if post.is_new and first_unread is None:
            first_unread = post.number
        post.is_own = post.author_id == viewer.user_id
        post.is_solution = thread.solution_id == post.pk
        post.may_edit = moderating or (
            post.is_own and not thread.is_locked and post.state not in (State.HIDDEN,)
        )
        post.url = urls("forums:post", post.pk)
        post.edit_url = urls("forums:edit_post", post.pk)
        post.helpful_url = urls("forums:helpful", post.pk)
        post.bookmark_url = urls("forums:bookmark", post.pk)
        post.solution_url = urls("forums:solution", post.pk)
        post.flag_url = urls("forums:flag", post.pk)
        post.history_url = urls("forums:post_history", post.pk) if moderating else ""
        for attachment in post.attachment_list:
            attachment.url = urls("forums:attachment", attachment.pk)
        quoted = post.quoted
        if quoted is not None:
            # Quotes name the public author, like the quote text does.
            quoted.byline = authors.public(quoted.author, anonymous=quoted.is_anonymous)
            quoted.url = urls("forums:post", quoted.pk)
    solution_byline = None
    if thread.solution_id and thread.solution.state == State.PUBLISHED:
        solution = thread.solution
        shown = next((p for p in posts if p.pk == solution.pk), None)
        if shown is not None:
            solution_byline = shown.byline
        else:
            solution_byline = authors.byline(
                solution.author, anonymous=solution.is_anonymous, thread=thread
            )
    return ThreadPage(
        thread=thread,
        posts=posts,
        number=number,
        num_pages=max(num_pages, number),
        per_page=per_page,
        is_moderator=moderating,
        read_until=read_until,
        first_unread=first_unread,
        solution_byline=solution_byline,
        page_numbers=list(range(1, max(num_pages, number) + 1)),
    )


def first_unread_number(user, thread: Thread) -> int | None:
    """The number of the first post the viewer has not read and may see (one query)."""
    viewer = forum_viewer(user)
    read = thread.my_read or 0
    return (
        Post.objects.filter(thread=thread, number__gt=read)
        .filter(_post_visibility(viewer, thread))
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )


# --- Unread, bookmarks, notifications -------------------------------------------------
def unread(user, page):
    """Threads with posts the viewer has not read, in every category they may read."""
    viewer = forum_viewer(user)
    threads = (
        Thread.objects.filter(
            state=State.PUBLISHED,
            category__in=Category.objects.filter(readable_categories_q(viewer)),
            last_post__isnull=False,
        )
        .exclude(
            Exists(
                ReadState.objects.filter(
                    user=user, thread=OuterRef("pk"),
                    last_read_number__gte=OuterRef("last_post__number"),
                )
            )
        )
        .select_related("category", "author", "last_post__author")
        .annotate(my_read=_read_number(user))
        .order_by("-last_post_at", "-pk")
    )  # fmt: skip
    page = _paginate(threads, LIST_PAGE_SIZE, page)
    _decorate_threads(page.object_list, Authors(user, viewer), _Urls(), posts_per_page())
    return page


def _readable_posts_q(viewer: ForumViewer, prefix: str = "") -> Q:
    """Filter for posts the viewer may see (``prefix``: the path to the post)."""
    categories = Category.objects.filter(readable_categories_q(viewer))
    published = Q(**{f"{prefix}state": State.PUBLISHED, f"{prefix}thread__state": State.PUBLISHED})
    if viewer.is_global_moderator:
        moderated = Q(**{f"{prefix}thread__category__in": categories})
    else:
        moderated = Q(**{f"{prefix}thread__category_id__in": viewer.moderated_category_ids})
    return Q(**{f"{prefix}thread__category__in": categories}) & (published | moderated)


def bookmarks(user, page):
    """The viewer's bookmarks of posts they may still see, newest first."""
    viewer = forum_viewer(user)
    rows = (
        Bookmark.objects.filter(user=user)
        .filter(_readable_posts_q(viewer, "post__"))
        .select_related("post__thread__category", "post__author")
        .order_by("-created_at", "-pk")
    )
    page = _paginate(rows, LIST_PAGE_SIZE, page)
    authors = Authors(user, viewer)
    urls = _Urls()
    for bookmark in page.object_list:
        post = bookmark.post
        post.byline = authors.byline(post.author, anonymous=post.is_anonymous, thread=post.thread)
        post.url = urls("forums:post", post.pk)
        post.bookmark_url = urls("forums:bookmark", post.pk)
    return page


def notifications(user, page):
    """The viewer's notifications about threads they may still see, newest first.

    Moderation notices also show threads the member can no longer see when they
    wrote them (they know the title); other notices need a visible thread.
    """
    viewer = forum_viewer(user)
    categories = Category.objects.filter(readable_categories_q(viewer))
    moderated = (
        Q(thread__category__in=categories)
        if viewer.is_global_moderator
        else Q(thread__category_id__in=viewer.moderated_category_ids)
    )
    visible_thread = Q(thread__category__in=categories) & (
        Q(thread__state=State.PUBLISHED) | moderated
    )
    own_thread = Q(kind=NotificationKind.MODERATION, thread__author=user)
    rows = (
        Notification.objects.filter(recipient=user)
        .filter(Q(thread__isnull=True) | visible_thread | own_thread)
        .select_related("thread__category", "post__author", "action")
        .order_by("-created_at", "-pk")
    )
    page = _paginate(rows, LIST_PAGE_SIZE, page)
    authors = Authors(user, viewer)
    urls = _Urls()
    for notification in page.object_list:
        post = notification.post
        notification.actor = None
        notification.url = (
            urls("forums:thread", notification.thread_id) if notification.thread_id else ""
        )
        if post is not None and notification.thread is not None:
            post.thread = notification.thread
            if notification.kind != NotificationKind.MODERATION:
                notification.actor = authors.byline(
                    post.author, anonymous=post.is_anonymous, thread=notification.thread
                )
            if may_see_post(viewer, post):
                notification.url = urls("forums:post", post.pk)
    return page
