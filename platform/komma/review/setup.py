"""The editorial workflow every installation has: "Vier-Augen-Prüfung" on the home page.

Created after ``migrate`` (idempotent, like ``komma.pages.setup``). Four-eyes review
is a rule of the platform, not an option: if the home page has no workflow, the
four-eyes workflow is assigned (again). A workflow or task that editors renamed is
found by its task type, so it is not created twice; one that a superuser
deactivated stays deactivated.
"""

from django.contrib.auth.models import Group
from django.db import DatabaseError, transaction

from komma.accounts.roles import ROLES

WORKFLOW_NAME = "Vier-Augen-Prüfung"
TASK_NAME = "Fachliche Prüfung durch zweite Redakteurin"
# Reviewers, and any other editor, can be the second pair of eyes.
REVIEWING_ROLES = ("reviewer", "editor")


def ensure_review_workflow(**kwargs):
    """post_migrate: create the four-eyes task and workflow and assign it to the home page."""
    try:
        with transaction.atomic():
            workflow = ensure_workflow()
            assign_to_home(workflow)
            retire_wagtail_default_groups()
    except DatabaseError:  # a partial migrate (tables of a later app missing)
        return


def ensure_workflow():
    """The workflow holding the four-eyes task, created with both if there is none."""
    from wagtail.models import Workflow, WorkflowTask

    from .models import FourEyesApprovalTask

    task = FourEyesApprovalTask.objects.order_by("pk").first()
    if task is None:
        task = FourEyesApprovalTask.objects.create(name=TASK_NAME)
        # get_or_create: sync_roles may not have run yet in this migrate; it adds
        # the groups' permissions when it does.
        task.groups.set(
            [Group.objects.get_or_create(name=ROLES[key].group_name)[0] for key in REVIEWING_ROLES]
        )
    workflow = Workflow.objects.filter(workflow_tasks__task=task).order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def assign_to_home(workflow) -> None:
    """Assign ``workflow`` to the site's home page (so to every page below) if it has none."""
    from wagtail.models import WorkflowPage

    from komma.pages.models import HomePage

    home = HomePage.objects.first()
    if home is None:  # a flushed database (transactional tests): no tree yet
        return
    if not WorkflowPage.objects.filter(page=home).exists():
        WorkflowPage.objects.create(page=home, workflow=workflow)


# Created by Wagtail's own migrations: "Moderators" may publish everywhere, which
# would bypass the four-eyes review; the platform's roles replace both groups.
WAGTAIL_DEFAULT_GROUPS = ("Moderators", "Editors")


def retire_wagtail_default_groups() -> None:
    """Delete Wagtail's default groups while nobody is in them, and deactivate the
    default "Moderators approval" workflow that depended on them."""
    from wagtail.models import GroupApprovalTask, Workflow

    empty = Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True)
    if not empty.exists():
        return
    tasks = GroupApprovalTask.objects.filter(groups__in=empty)
    Workflow.objects.filter(workflow_tasks__task__in=tasks).update(active=False)
    empty.delete()
