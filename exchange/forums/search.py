"""Search documents of the forums: threads (title and opening post) and replies.

Only published content of published threads is indexed. Each document carries the
token of its category (``forum-category:<id>``), which the members who may read
that category hold (``receivers.forum_search_tokens``), so the search backends
filter inside the query. Authors are not indexed at all: an anonymous case must
not be found by its author's pseudonym. Elasticsearch indexes a thread's category
name and kind (``extra_fields``) as keywords, for filters and aggregations.
"""

from django.utils.translation import gettext_lazy as _

from search.documents import IndexedDocument, SearchDocument

from .models import Post, State, Thread
from .rendering import plain_text

MODULE_AREAS = ("3a",)


def category_token(category_id: int) -> str:
    return f"forum-category:{category_id}"


class ThreadDocument(SearchDocument):
    doc_type = "forums.thread"
    label = _("Forum thread")
    model = Thread
    plugin = "forums"
    extra_fields = {"category": "keyword", "kind": "keyword"}

    def queryset(self):
        return Thread.objects.filter(state=State.PUBLISHED).select_related("category")

    def prepare(self, thread) -> IndexedDocument | None:
        if thread.state != State.PUBLISHED:
            return None
        opening = (
            Post.objects.filter(thread=thread, number=1, state=State.PUBLISHED)
            .values_list("body", flat=True)
            .first()
        )
        if opening is None:
            return None
        return IndexedDocument(
            doc_type=self.doc_type,
            object_id=str(thread.pk),
            title=thread.title,
            body=plain_text(opening),
            url=thread.get_absolute_url(),
            access=(category_token(thread.category_id),),
            updated_at=thread.last_post_at,
            plugin=self.plugin,
            module_areas=MODULE_AREAS,
            extra={"category": thread.category.name, "kind": thread.kind},
        )


class PostDocument(SearchDocument):
    doc_type = "forums.post"
    label = _("Forum reply")
    model = Post
    plugin = "forums"

    def queryset(self):
        return Post.objects.filter(
            state=State.PUBLISHED, thread__state=State.PUBLISHED, number__gt=1
        ).select_related("thread__category")

    def prepare(self, post) -> IndexedDocument | None:
        thread = post.thread
        if post.number == 1 or post.state != State.PUBLISHED or thread.state != State.PUBLISHED:
            return None
        return IndexedDocument(
            doc_type=self.doc_type,
            object_id=str(post.pk),
            title=thread.title,
            body=plain_text(post.body),
            url=post.get_absolute_url(),
            access=(category_token(thread.category_id),),
            updated_at=post.edited_at or post.created_at,
            plugin=self.plugin,
            module_areas=MODULE_AREAS,
            extra={"category": thread.category.name},
        )


def reindex_thread(thread_id: int, *, with_posts: bool = True) -> None:
    """Re-index a thread (and its replies) after changes made by queryset updates,
    which send no save signal: state, title, category, moderation."""
    from search.indexing import schedule

    schedule(Thread, thread_id)
    if with_posts:
        for pk in Post.objects.filter(thread_id=thread_id).values_list("pk", flat=True):
            schedule(Post, pk)
