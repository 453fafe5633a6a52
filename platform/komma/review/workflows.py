"""What happens when a workflow is approved (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

Imported by ``wagtail.models.workflows`` while Django sets up its models: no model
imports at module level here.
"""


def publish_approved(workflow_state, user=None):
    """Publish the approved latest revision, in the approver's name.

    Wagtail's own finish action publishes with the approver's publish permission
    checked (``PublishPageRevisionAction.check``). Editors and reviewers have no
    publish permission on purpose, because whoever has it can publish directly and
    skip the review. The approval of every task of the workflow is the authorisation
    here; the four-eyes task refuses approvals by the page's authors
    (``FourEyesApprovalTask.on_action``). The log names the approver as publisher.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
