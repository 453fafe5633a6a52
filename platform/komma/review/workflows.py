"""What happens when a workflow is approved (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

Imported by ``wagtail.models.workflows`` while Django sets up its models: no model
imports at module level here.
"""


def reviewed_revision(workflow_state):
    """The revision the workflow approved: the one the four-eyes task reviewed.

    That is the version submitted (the page is locked during review). A workflow
    without a four-eyes task publishes what its last task approved. Never the
    latest revision as such: it may have been saved after the review.
    """
    from wagtail.models import TaskState

    from .models import FourEyesApprovalTask

    approved = TaskState.objects.filter(
        workflow_state=workflow_state, status=TaskState.STATUS_APPROVED
    ).select_related("revision")
    state = (
        approved.filter(task_id__in=FourEyesApprovalTask.objects.values("pk"))
        .order_by("-finished_at", "-pk")
        .first()
    ) or approved.order_by("-finished_at", "-pk").first()
    return state.revision if state is not None else None


def publish_approved(workflow_state, user=None):
    """Publish the reviewed revision, in the approver's name.

    Wagtail's own finish action publishes the latest revision, with the approver's
    publish permission checked (``PublishPageRevisionAction.check``). Editors and
    reviewers have no publish permission on purpose, because whoever has it can
    publish directly and skip the review. The approval of every task of the
    workflow is the authorisation here; the four-eyes task refuses approvals by the
    page's authors and of a page changed during the review
    (``FourEyesApprovalTask.on_action``). The log names the approver as publisher.
    """
    revision = reviewed_revision(workflow_state)
    if revision is None:  # no task approved a revision: nothing was reviewed
        return
    revision.publish(user=user, skip_permission_checks=True)
