"""The four-eyes approval task of the editorial workflow.

Wagtail's group approval lets any member of the chosen groups approve, the person
who submitted the page included. Here a second person has to: nobody approves or
rejects a page they submitted or whose submitted version they wrote, superusers
included. Whoever changes the page while it is under review may still request
changes but no longer approve it, because approving publishes the latest version,
which would then be their own unreviewed text.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, Revision, TaskState
from wagtail.models.locking import LockableMixin

REVIEW_ACTIONS = ("approve", "reject")


@dataclass(frozen=True)
class ReviewerStanding:
    """How one user stands towards one task state of the four-eyes task."""

    in_groups: bool
    submitted: bool  # requested the review or wrote the submitted version
    changed: bool  # saved a version of the page since the review started

    @property
    def may_reject(self) -> bool:
        return self.in_groups and not self.submitted

    @property
    def may_approve(self) -> bool:
        return self.may_reject and not self.changed


class FourEyesApprovalTask(AbstractGroupApprovalTask):
    """Group approval in which the reviewer must not be an author of what is reviewed.

    Authors are the user who submitted the page to the workflow
    (``workflow_state.requested_by``) and the author of the revision under review
    (``task_state.revision.user``). For them the task offers no action, refuses any
    action that reaches ``on_action`` (a crafted POST), hides the task states from
    their review lists and locks the page against their edits, so the version that
    the second editor approves is the version that was submitted. Wagtail lets the
    submitter cancel the workflow on a locked page to change it and submit again.
    """

    class Meta:
        verbose_name = _("four-eyes approval task")
        verbose_name_plural = _("four-eyes approval tasks")

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve, except whoever submitted the page "
            "or wrote the version under review."
        )

    # --- Who may do what ---------------------------------------------------------
    def _task_state_for(self, obj) -> TaskState | None:
        """This task's in-progress state on ``obj``, with what the checks need."""
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

    def standing(self, task_state: TaskState, user) -> ReviewerStanding:
        """How ``user`` stands towards ``task_state`` (not cached: the guard uses it)."""
        workflow_state = task_state.workflow_state
        revision_user_id = getattr(task_state, "revision_user_id", None)
        if revision_user_id is None and task_state.revision_id:
            revision_user_id = (
                Revision.objects.filter(pk=task_state.revision_id)
                .values_list("user_id", flat=True)
                .first()
            )
        submitted = user.pk is not None and user.pk in (
            workflow_state.requested_by_id,
            revision_user_id,
        )
        in_groups = user.is_superuser or self._user_in_groups(user)
        changed = False
        if in_groups and not submitted:
            # Autosave and "save draft" both create (or renew) a revision of the user.
            changed = Revision.objects.filter(
                base_content_type_id=workflow_state.base_content_type_id,
                object_id=workflow_state.object_id,
                user_id=user.pk,
                created_at__gte=workflow_state.created_at,
            ).exists()
        return ReviewerStanding(in_groups=in_groups, submitted=submitted, changed=changed)

    def _standing_for_object(self, obj, user) -> ReviewerStanding | None:
        """``standing`` for ``obj``'s current state of this task, cached on ``obj``.

        The edit view asks get_actions and locked_for_user several times per request;
        the cache is keyed by the latest revision, so saving a revision on ``obj``
        invalidates it. ``on_action`` does not use it.
        """
        cache = obj.__dict__.setdefault("_four_eyes_standing", {})
        key = (self.pk, user.pk, getattr(obj, "latest_revision_id", None))
        if key not in cache:
            task_state = self._task_state_for(obj)
            cache[key] = None if task_state is None else self.standing(task_state, user)
        return cache[key]

    # --- Wagtail's task interface ------------------------------------------------------
    def get_actions(self, obj, user):
        """Approve/reject only for group members who did not write what is reviewed."""
        if not (user.is_superuser or self._user_in_groups(user)):
            return []
        standing = self._standing_for_object(obj, user)
        if standing is None or not standing.may_reject:
            return []
        actions = super().get_actions(obj, user)
        if not standing.may_approve:
            actions = [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        """Refuse approve/reject by an author, whatever the request claimed to offer."""
        if action_name in REVIEW_ACTIONS:
            standing = self.standing(task_state, user)
            allowed = standing.may_approve if action_name == "approve" else standing.may_reject
            if not allowed:
                raise PermissionDenied(
                    _("A second editor has to review this page: you cannot approve it.")
                    if standing.submitted or standing.changed
                    else _("You are not a reviewer of this page.")
                )
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """Wagtail's "Awaiting your review" lists: without the user's own submissions."""
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user).exclude(revision__user=user)

    def locked_for_user(self, obj, user):
        """Locked for non-reviewers (as in Wagtail) and for the page's authors, so
        nobody changes the submitted version behind the reviewer's back."""
        if super().locked_for_user(obj, user):
            return True
        standing = self._standing_for_object(obj, user)
        return standing is not None and standing.submitted

    def user_can_lock(self, obj, user):
        """An author's manual lock would outrank the workflow lock (Page.get_lock)."""
        if not super().user_can_lock(obj, user):
            return False
        standing = self._standing_for_object(obj, user)
        return standing is None or not standing.submitted

    def start(self, workflow_state, user=None):
        """Release a lock the submitter holds: it would let them edit during review.

        Wagtail releases locks of users outside the groups only; an editor who locked
        the page and then submitted it is inside them.
        """
        obj = workflow_state.content_object
        if (
            isinstance(obj, LockableMixin)
            and obj.locked
            and obj.locked_by_id is not None
            and obj.locked_by_id == workflow_state.requested_by_id
        ):
            obj.locked, obj.locked_by, obj.locked_at = False, None, None
            obj.save(update_fields=["locked", "locked_by", "locked_at"])
        return super().start(workflow_state, user=user)
