"""Wagtail integration of the page tree: visibility when serving pages and documents,
and the topic snippets."""

from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page, ReferenceIndex
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .taxonomy import Topic
from .visibility import filter_visible, may_read


def deny(request):
    """Anonymous readers get the login prompt, members a 404: never a title or excerpt."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


@hooks.register("before_serve_page")
def enforce_visibility(page, request, serve_args, serve_kwargs):
    """Serve a content page only to readers of its level (routes and feeds included)."""
    level = getattr(page, "visibility", None)
    if level is not None and not may_read(request.user, level):
        return deny(request)
    return None


@hooks.register("before_serve_document")
def serve_documents_like_their_pages(document, request):
    """A document is served to whoever may read a live page that links it.

    Documents live outside the page tree, so a download on a model-only page would
    otherwise be public to anyone with the URL. Editors (who choose documents) get
    every document; a document no live page links is for them only.
    """
    if request.user.is_authenticated and request.user.has_perm("wagtaildocs.choose_document"):
        return None
    page_type = ContentType.objects.get_for_model(Page)
    linking = (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .annotate(page_id=Cast("object_id", IntegerField()))  # object_id is text
        .values("page_id")
    )
    pages = Page.objects.live().filter(pk__in=linking)
    if filter_visible(pages, request.user).exists():
        return None
    if pages.exists():
        return deny(request)
    raise Http404


class TopicViewSet(SnippetViewSet):
    """Topics of the knowledge platform, kept by the editorial team."""

    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(TopicViewSet)
