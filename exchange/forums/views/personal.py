"""The member's own forum pages: bookmarks, notifications, forum settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors
from ..access import profile_for
from ..context import frame
from ..forms import PreferencesForm
from ..notifications import do_mark_notifications_read


@login_required
@require_GET
def bookmarks(request):
    """Bookmarked posts the member may still see, newest first."""
    page = selectors.bookmarks(request.user, request.GET.get("seite"))
    return render(request, "forums/bookmarks.html", {"page": page, **frame(request, "bookmarks")})


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """What happened: replies, mentions, quotes, watched threads, moderators' actions.

    POST marks all notifications read.
    """
    if request.method == "POST":
        changed = do_mark_notifications_read(request.user)
        if changed:
            messages.success(request, _("All notifications are marked as read."))
        return redirect("forums:notifications")
    page = selectors.notifications(request.user, request.GET.get("seite"))
    return render(
        request, "forums/notifications.html", {"page": page, **frame(request, "notifications")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """The member's e-mail digest: off, daily or weekly."""
    profile = profile_for(request.user)
    form = PreferencesForm(request.POST or None, instance=profile)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your forum settings have been saved."))
            return redirect("forums:preferences")
        status = 400
    return render(
        request,
        "forums/preferences.html",
        {"form": form, **frame(request, "preferences")},
        status=status,
    )
