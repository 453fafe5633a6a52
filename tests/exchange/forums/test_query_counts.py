"""The thread page, the thread list and the category list cost a constant number of
queries however many posts, threads or categories there are (issue: performance)."""

import pytest
from django.urls import reverse

from exchange.forums import actions
from exchange.forums.models import Access, Category, Post, ReadState, State, Thread

from .test_views_reading import client_for

pytestmark = pytest.mark.django_db

# The site's frame (templates/base.html) costs the same on every page: the reader's
# facts in one query (core.frame.frame_facts: admin access, may invite, unread
# messages, level); menu pages and footer links come from the (warm) shared cache.
# It is not the forum's, and is counted apart.
SITE_FRAME_QUERIES = 1
# Session, user, the viewer's forum facts (2), the thread with the viewer's read
# state and watch level, the posts of the page (authors, quoted posts, the viewer's
# reactions and bookmarks), their attachments, the forum frame's notification count.
THREAD_PAGE_QUERIES = 8 + SITE_FRAME_QUERIES
# ... and one more when the visit reads new posts (the read state moves forward).
THREAD_PAGE_READING_QUERIES = THREAD_PAGE_QUERIES + 1
# Session, user, viewer (2), the category, count and page of threads, the viewer's
# watch level of the category and the notification count.
THREAD_LIST_QUERIES = 9 + SITE_FRAME_QUERIES
# Session, user, viewer (2), the categories with unread counts, the notification count.
CATEGORY_LIST_QUERIES = 6 + SITE_FRAME_QUERIES


def fill_thread(thread: Thread, total: int, authors) -> None:
    """Grow ``thread`` to ``total`` published posts, written by ``authors`` in turn."""
    start = thread.last_number + 1
    posts = []
    for number in range(start, total + 1):
        quoted = None
        posts.append(
            Post(
                thread=thread, number=number, author=authors[number % len(authors)],
                body=f"Antwort {number}", body_html=f"<p>Antwort {number}</p>",
                state=State.PUBLISHED, helpful_count=number % 3, quoted=quoted,
            )
        )  # fmt: skip
    Post.objects.bulk_create(posts)
    # Some quotes and an attachment-free mix, as in a real thread.
    first = thread.posts.get(number=1)
    Post.objects.filter(thread=thread, number__gt=1, number__lte=total).filter(
        number__in=range(3, total + 1, 7)
    ).update(quoted=first)
    Thread.objects.filter(pk=thread.pk).update(last_number=total)
    actions.refresh_thread_stats(thread.pk)


@pytest.fixture
def big_thread(cast, categories):
    """A factory: a thread in the "members" category with ``n`` posts."""

    def make(n):
        thread = actions.check_create_thread(
            cast["case_giver"], categories[Access.MEMBERS], title=f"Langes Thema {n}",
            body="Der Anfang", uploads=[actions.Upload("a.pdf", b"%PDF-1.4 x", "")],
        )  # fmt: skip
        fill_thread(thread, n, [cast["adviser"], cast["applicant"], cast["case_giver"]])
        return thread

    return make


def _warm(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("posts", [20, 200])
def test_thread_page_queries_do_not_grow_with_posts(
    cast, big_thread, django_assert_num_queries, posts
):
    thread = big_thread(posts)
    client = client_for(cast["applicant"])
    url = reverse("forums:thread", args=[thread.pk])
    _warm(client, url)  # first visit: reads the page (moves the read state)
    with django_assert_num_queries(THREAD_PAGE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('<article class="forum-post') == min(posts, 50)


@pytest.mark.parametrize("posts", [20, 200])
def test_thread_page_that_reads_new_posts(cast, big_thread, django_assert_num_queries, posts):
    thread = big_thread(posts)
    client = client_for(cast["applicant"])
    url = reverse("forums:thread", args=[thread.pk])
    _warm(client, url)
    ReadState.objects.filter(user=cast["applicant"]).update(last_read_number=1)
    with django_assert_num_queries(THREAD_PAGE_READING_QUERIES):
        client.get(url)


@pytest.mark.parametrize("posts", [20, 200])
def test_thread_page_queries_for_category_moderator(
    cast, big_thread, django_assert_num_queries, posts
):
    """Moderators see the same page with their tools; anonymous posts cost one more
    query (the category's moderators), whatever their number."""
    thread = big_thread(posts)
    Post.objects.filter(thread=thread, number__in=[1, 5, 9]).update(is_anonymous=True)
    Thread.objects.filter(pk=thread.pk).update(is_anonymous=True)
    client = client_for(cast["category_mod"])
    url = reverse("forums:thread", args=[thread.pk])
    _warm(client, url)
    with django_assert_num_queries(THREAD_PAGE_QUERIES + 1):
        client.get(url)


@pytest.mark.parametrize("threads", [5, 50])
def test_thread_list_queries_do_not_grow_with_threads(
    cast, categories, django_assert_num_queries, threads
):
    category = categories[Access.MEMBERS]
    for index in range(threads):
        thread = actions.check_create_thread(
            cast["adviser"] if index % 2 else cast["applicant"], category,
            title=f"Thema Nummer {index}", body="Text",
        )  # fmt: skip
        if index % 3 == 0:
            actions.check_reply(cast["case_giver"], thread, body="Antwort")
    client = client_for(cast["applicant"])
    url = reverse("forums:category", args=[category.slug])
    _warm(client, url)
    with django_assert_num_queries(THREAD_LIST_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('<li class="forum-thread') == min(threads, 30)


@pytest.mark.parametrize("count", [1, 3])
def test_category_list_queries_do_not_grow_with_categories(cast, django_assert_num_queries, count):
    for index in range(count):
        category = Category.objects.create(
            name=f"Bereich {index}", slug=f"bereich-{index}", access=Access.MEMBERS
        )
        thread = actions.check_create_thread(
            cast["adviser"], category, title=f"Thema in Bereich {index}", body="Text"
        )
        actions.check_reply(cast["applicant"], thread, body="Antwort")
    client = client_for(cast["applicant"])
    url = reverse("forums:index")
    _warm(client, url)
    with django_assert_num_queries(CATEGORY_LIST_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('<li class="forum-category') == count
