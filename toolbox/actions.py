"""Writes of the toolbox's resource pages: usage counters and "hilfreich" feedback.

The counters on ``Resource`` are anonymous totals (no row says who viewed or
downloaded what). They are updated with ``F()`` expressions, so concurrent requests
of several processes never lose an increment. Feedback is one row per member and
resource (changeable); the totals on the resource move with it in the same
transaction, so they always equal the rows.

Template uses (``use_count``) are counted by the template-filling views through
``do_record_use``. Municipal drafts have their own module (``toolbox.drafts``).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .access import access_resource
from .models import Feedback, Resource

# How many resource ids a session remembers as "viewed" (and as "used"; oldest are
# forgotten). The session keys are "toolbox_viewed" and "toolbox_used".
SESSION_VIEWED_KEY = "toolbox_viewed"
SESSION_VIEWED_MAX = 300
# Anonymous visitors without a session: how long one (hashed) visitor counts once.
ANONYMOUS_VIEW_WINDOW = 6 * 60 * 60

VOTES = {"yes": True, "no": False, "none": None}


def _bump(resource: Resource, counter: str) -> None:
    Resource.objects.filter(pk=resource.pk).update(**{counter: F(counter) + 1})
    setattr(resource, counter, getattr(resource, counter) + 1)


def _first_time(request, resource: Resource, what: str) -> bool:
    """Whether this session (or anonymous visitor) does ``what`` ("viewed", "used")
    with ``resource`` for the first time; remembers that it now has.

    Anonymous visitors get no session cookie just for counting (a cookie that is not
    strictly necessary would need consent). They are told apart by a salted hash of
    address and browser in the cache, which expires and is never stored with the
    resource.
    """
    session = getattr(request, "session", None)
    if request.user.is_authenticated or (session is not None and session.session_key):
        key = f"toolbox_{what}"
        seen = list(session.get(key, []))
        if resource.pk in seen:
            return False
        seen.append(resource.pk)
        session[key] = seen[-SESSION_VIEWED_MAX:]
        return True
    visitor = hashlib.sha256(
        "|".join(
            (
                settings.SECRET_KEY,
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_USER_AGENT", "")[:300],
                str(resource.pk),
            )
        ).encode()
    ).hexdigest()
    return cache.add(f"toolbox:{what}:{visitor}", 1, ANONYMOUS_VIEW_WINDOW)


def do_record_view(request, resource: Resource) -> bool:
    """Count one view of ``resource``, at most once per session (or, for anonymous
    visitors without a session, per visitor and six hours). Returns whether it counted."""
    if not _first_time(request, resource, "viewed"):
        return False
    _bump(resource, "view_count")
    return True


def do_record_download(resource: Resource) -> None:
    """Count one download of ``resource``'s attached document."""
    _bump(resource, "download_count")


def do_record_use(request, resource: Resource) -> bool:
    """Count one use of a template (its filled text previewed or downloaded as
    .txt/.md/.docx), at most once per session and template, like views: previewing
    five times and downloading two formats is one use. Returns whether it counted."""
    if not _first_time(request, resource, "used"):
        return False
    _bump(resource, "use_count")
    return True


def check_give_feedback(user, slug: str, vote: str) -> tuple[Resource, bool | None]:
    """Validate a "hilfreich" vote: a logged-in member, a resource they may read (404
    otherwise), and a vote of ``yes``, ``no`` or ``none`` (withdraw)."""
    resource = access_resource(user, slug)
    if not user.is_authenticated:
        raise PermissionDenied(_("Please log in to say whether this resource helped you."))
    if vote not in VOTES:
        raise ValidationError(_("Please choose “helpful” or “not helpful”."), code="vote")
    return resource, do_give_feedback(user, resource, VOTES[vote])


def do_give_feedback(user, resource: Resource, helpful: bool | None) -> bool | None:
    """Set ``user``'s vote on ``resource`` to ``helpful`` (None withdraws it) and keep
    the totals on the resource equal to the votes. Returns the vote now stored."""
    counter = {True: "helpful_count", False: "not_helpful_count"}
    with transaction.atomic():
        # Lock the resource row: two votes of one user in parallel must not both
        # count (the unique constraint catches the insert, this the counters).
        Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk").first()
        previous = (
            Feedback.objects.filter(resource=resource, user=user)
            .values_list("helpful", flat=True)
            .first()
        )
        if previous == helpful:
            return helpful
        changes = {}
        if previous is not None:
            changes[counter[previous]] = F(counter[previous]) - 1
        if helpful is None:
            Feedback.objects.filter(resource=resource, user=user).delete()
        else:
            Feedback.objects.update_or_create(
                resource=resource, user=user, defaults={"helpful": helpful}
            )
            changes[counter[helpful]] = F(counter[helpful]) + 1
        Resource.objects.filter(pk=resource.pk).update(**changes)
    resource.refresh_from_db(fields=["helpful_count", "not_helpful_count"])
    return helpful
