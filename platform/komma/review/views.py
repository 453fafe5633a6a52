"""Admin views of the review app: the administrators' emergency "take offline"."""

from urllib.parse import urlsplit

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from .actions import check_take_page_offline, may_take_pages_offline
from .forms import TakeOfflineForm

SEARCH_LIMIT = 50


def _live_pages_matching(query: str):
    """Live pages whose title contains ``query``, or whose address ends in it."""
    pages = Page.objects.live().filter(depth__gt=1)
    if "/" in query:
        path = urlsplit(query).path.strip("/")
        if not path:
            return pages.filter(depth=2)
        return pages.filter(url_path__endswith=f"/{path}/")
    return pages.filter(title__icontains=query)


def _offline_message(page, subpages: int) -> str:
    if not subpages:
        return _("'%(title)s' is offline now; this has been logged.") % {"title": page.title}
    return ngettext(
        "'%(title)s' and %(count)d subpage are offline now; this has been logged.",
        "'%(title)s' and %(count)d subpages are offline now; this has been logged.",
        subpages,
    ) % {"title": page.title, "count": subpages}


def take_offline_index(request):
    """Find the live page to take offline, by title or address (administrators have no
    page permissions, so Wagtail's page explorer shows them nothing)."""
    if not may_take_pages_offline(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:200]
    pages = _live_pages_matching(query).order_by("path")[:SEARCH_LIMIT] if query else []
    return render(
        request,
        "review/admin/take_offline_index.html",
        {"query": query, "pages": pages, "limit": SEARCH_LIMIT},
    )


# Like revealing an identity, an emergency action asks for the password again: a
# hijacked or unattended admin session is not enough.
@reauthentication_required(allow_get=True)
def take_offline(request, page_id):
    """Take a live page and its live subpages offline, with a reason that is logged.

    Post/redirect/get: a valid POST redirects; an empty reason shows the form again
    with an error and changes nothing.
    """
    if not may_take_pages_offline(request.user):
        raise PermissionDenied
    page = get_object_or_404(Page, pk=page_id, depth__gt=1)
    form = TakeOfflineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pages = check_take_page_offline(request.user, page, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.warning(request, _offline_message(page, len(pages) - 1))
            return redirect("komma_take_offline_index")
    live_descendants = page.get_descendants().live().count() if page.live else 0
    return render(
        request,
        "review/admin/take_offline.html",
        {"page": page, "form": form, "live_descendants": live_descendants},
    )
