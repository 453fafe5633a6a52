"""The four-eyes approval task of the editorial workflow.

Wagtail's group approval lets any member of the chosen groups approve, the person
who submitted the page included. Here a second person has to: nobody approves or
rejects a page they submitted or wrote part of, superusers included. While the
page is in review nobody can change it, reviewers included, and the approval
publishes the version that was submitted and reviewed, never a later one.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.locks import WorkflowLock
from wagtail.models import (
    AbstractGroupApprovalTask,
    Page,
    PageLogEntry,
    Revision,
    TaskState,
)
from wagtail.models.locking import LockableMixin

REVIEW_ACTIONS = ("approve", "reject")
# Wagtail's log actions of a revision going live (by hand or at its scheduled time).
PUBLISH_LOG_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")

CHANGED_DURING_REVIEW = _(
    "This page was changed during the review. Request changes so that the new version "
    "is submitted again."
)


# --- Who wrote what is reviewed ---------------------------------------------------------
def _last_published_revision_id():
    """SQL: the id of the revision last published of the outer ``Revision`` row's object.

    The live revision of a live page; for a page taken offline, the revision its last
    publication put live (Wagtail's log); 0 for a page never published.
    """
    live = Page.objects.filter(
        live_revision__base_content_type_id=OuterRef("base_content_type_id"),
        live_revision__object_id=OuterRef("object_id"),
    ).values("live_revision_id")[:1]
    logged = (
        PageLogEntry.objects.filter(
            action__in=PUBLISH_LOG_ACTIONS,
            revision__base_content_type_id=OuterRef("base_content_type_id"),
            revision__object_id=OuterRef("object_id"),
        )
        .order_by("-timestamp", "-pk")
        .values("revision_id")[:1]
    )
    return Coalesce(Subquery(live), Subquery(logged), Value(0))


def unreviewed_revisions():
    """Revisions saved after the last published version of their object (all of them
    for an object never published): text that nobody has reviewed yet."""
    return Revision.objects.filter(pk__gt=_last_published_revision_id())


def authored_by(user, prefix: str = ""):
    """``Exists``: ``user`` saved an unreviewed revision of the outer workflow state's
    object (``prefix`` leads from the outer row to the workflow state)."""
    if user.pk is None:  # not "user IS NULL": revisions without a user are nobody's
        return Exists(Revision.objects.none())
    return Exists(
        unreviewed_revisions().filter(
            base_content_type_id=OuterRef(f"{prefix}base_content_type_id"),
            object_id=OuterRef(f"{prefix}object_id"),
            user_id=user.pk,
        )
    )


@dataclass(frozen=True)
class ReviewerStanding:
    """How one user stands towards one task state of the four-eyes task."""

    in_groups: bool
    author: bool  # submitted the page, or saved a version of it not yet reviewed

    @property
    def may_review(self) -> bool:
        return self.in_groups and not self.author


class FourEyesReviewLock(WorkflowLock):
    """Wagtail's workflow lock, worded for a lock that holds for reviewers too."""

    def get_message(self, user):
        if not self.for_user(user):
            return None
        message = gettext(
            "This page is in the four-eyes review: nobody can change it until a second "
            "editor approves it or requests changes."
        )
        if not self.task.reviewed_version_is_current_for(self.object):
            message = f"{message} {CHANGED_DURING_REVIEW}"
        return format_html("{}", message)

    def get_icon(self, user, can_lock=False):
        return "lock"

    def get_locked_by(self, user, can_lock=False):
        return gettext("Locked by the four-eyes review")

    def get_description(self, user, can_lock=False):
        return gettext("Nobody can edit the page while it is in review.")


class FourEyesApprovalTask(AbstractGroupApprovalTask):
    """Group approval in which the reviewer must not be an author of what is reviewed.

    Authors are the user who submitted the page to the workflow
    (``workflow_state.requested_by``), the author of the revision under review and
    everyone who saved a revision of the page since its last publication
    (``unreviewed_revisions``). For them the task offers no action, refuses any
    action that reaches ``on_action`` (a crafted POST) and hides the task states
    from their review lists.

    The page is locked for everyone while it is in review, so the version approved
    is the version submitted; Wagtail lets the submitter cancel the workflow on a
    locked page to change it and submit again, and a reviewer requests changes to
    send it back. Superusers can still lock the page for themselves (Wagtail grants
    them every lock); if the page changes during the review all the same, nobody
    can approve it any more (``reviewed_version_is_current``), and the approval
    publishes the reviewed revision only (``komma.review.workflows``).
    """

    lock_class = FourEyesReviewLock

    class Meta:
        verbose_name = _("four-eyes approval task")
        verbose_name_plural = _("four-eyes approval tasks")
        permissions = [
            ("take_page_offline", _("Can take a page offline in an emergency")),
        ]

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve, except whoever submitted the page "
            "or wrote part of the version under review."
        )

    # --- Who may do what ---------------------------------------------------------
    def _task_state_for(self, obj) -> TaskState | None:
        """This task's in-progress state on ``obj``, with its workflow state."""
        return (
            TaskState.objects.filter(
                task_id=self.pk,
                status=TaskState.STATUS_IN_PROGRESS,
                workflow_state__base_content_type_id=obj.get_base_content_type().pk,
                workflow_state__object_id=str(obj.pk),
            )
            .select_related("workflow_state")
            .annotate(revision_user_id=F("revision__user_id"))
            .first()
        )

    def is_author(self, task_state: TaskState, user) -> bool:
        """Whether ``user`` submitted ``task_state``'s object or wrote unreviewed text of it."""
        if user.pk is None:
            return False
        workflow_state = task_state.workflow_state
        if user.pk == workflow_state.requested_by_id:
            return True
        if user.pk == self._revision_user_id(task_state):
            return True
        return (
            unreviewed_revisions()
            .filter(
                base_content_type_id=workflow_state.base_content_type_id,
                object_id=workflow_state.object_id,
                user_id=user.pk,
            )
            .exists()
        )

    @staticmethod
    def _revision_user_id(task_state: TaskState) -> int | None:
        if hasattr(task_state, "revision_user_id"):
            return task_state.revision_user_id
        return (
            Revision.objects.filter(pk=task_state.revision_id)
            .values_list("user_id", flat=True)
            .first()
        )

    def standing(self, task_state: TaskState, user) -> ReviewerStanding:
        """How ``user`` stands towards ``task_state`` (not cached: the guard uses it)."""
        in_groups = user.is_superuser or self._user_in_groups(user)
        return ReviewerStanding(
            in_groups=in_groups, author=in_groups and self.is_author(task_state, user)
        )

    @staticmethod
    def reviewed_version_is_current(task_state: TaskState) -> bool:
        """Whether the revision under review is still the object's latest, unchanged.

        Wagtail's autosave overwrites its author's latest revision in place (same id,
        new ``created_at``), so a revision saved after the review started counts as
        a change too.
        """
        workflow_state = task_state.workflow_state
        latest = (
            Revision.objects.filter(
                base_content_type_id=workflow_state.base_content_type_id,
                object_id=workflow_state.object_id,
            )
            .order_by("-pk")
            .values_list("pk", "created_at")
            .first()
        )
        return (
            latest is not None
            and latest[0] == task_state.revision_id
            and latest[1] <= task_state.started_at
        )

    def _cached_for_object(self, obj, key, compute):
        """``compute()`` once per ``obj``, task, latest revision and ``key``.

        The edit view asks get_actions and the lock several times per request;
        saving a revision on ``obj`` changes the key. ``on_action`` does not use it.
        """
        cache = obj.__dict__.setdefault("_four_eyes_cache", {})
        full_key = (self.pk, getattr(obj, "latest_revision_id", None), *key)
        if full_key not in cache:
            cache[full_key] = compute()
        return cache[full_key]

    def _current_task_state(self, obj) -> TaskState | None:
        return self._cached_for_object(obj, ("state",), lambda: self._task_state_for(obj))

    def _standing_for_object(self, obj, user) -> ReviewerStanding | None:
        def compute():
            task_state = self._current_task_state(obj)
            return None if task_state is None else self.standing(task_state, user)

        return self._cached_for_object(obj, ("standing", user.pk), compute)

    def reviewed_version_is_current_for(self, obj) -> bool:
        """``reviewed_version_is_current`` for ``obj``'s state of this task (cached)."""

        def compute():
            task_state = self._current_task_state(obj)
            return task_state is None or self.reviewed_version_is_current(task_state)

        return self._cached_for_object(obj, ("current",), compute)

    # --- Wagtail's task interface ------------------------------------------------------
    def get_actions(self, obj, user):
        """Approve/reject for group members who wrote nothing of what is reviewed;
        only "request changes" once the page changed during the review."""
        if not (user.is_superuser or self._user_in_groups(user)):
            return []
        standing = self._standing_for_object(obj, user)
        if standing is None or not standing.may_review:
            return []
        actions = super().get_actions(obj, user)
        if not self.reviewed_version_is_current_for(obj):
            actions = [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        """Refuse approve/reject by an author or a non-reviewer, whatever the request
        claimed to offer, and the approval of a page changed during the review."""
        if action_name in REVIEW_ACTIONS:
            standing = self.standing(task_state, user)
            if not standing.in_groups:
                raise PermissionDenied(_("You are not a reviewer of this page."))
            if standing.author:
                raise PermissionDenied(
                    _("A second editor has to review this page: you cannot approve it.")
                )
            if action_name == "approve" and not self.reviewed_version_is_current(task_state):
                raise PermissionDenied(CHANGED_DURING_REVIEW)
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """Wagtail's "Awaiting your review" lists: without the pages the user wrote."""
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return (
            states.exclude(workflow_state__requested_by=user)
            .exclude(revision__user=user)
            .filter(~authored_by(user, prefix="workflow_state__"))
        )

    def locked_for_user(self, obj, user):
        """Locked for everyone, reviewers and superusers included: nobody changes the
        submitted version while it is reviewed."""
        return True

    def user_can_lock(self, obj, user):
        """Nobody's manual lock (it would outrank the review's lock, Page.get_lock)."""
        return False

    def start(self, workflow_state, user=None):
        """Release any manual lock: its holder could edit during review.

        Wagtail releases locks of users outside the groups only.
        """
        obj = workflow_state.content_object
        if isinstance(obj, LockableMixin) and obj.locked:
            obj.locked, obj.locked_by, obj.locked_at = False, None, None
            obj.save(update_fields=["locked", "locked_by", "locked_at"])
        return super().start(workflow_state, user=user)
