"""The editors' review queue in the Wagtail admin (thin views over ``proposals``).

Only editors of the directory (``proposals.may_review``) reach these views; anyone
else in the admin gets 403. The submitter is shown by pseudonym; a public
applicant's name and address are shown to the editors only, who need them to reply.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from komma.core.forms import add_action_errors

from . import proposals
from .forms_partner import ApproveForm, ReasonForm
from .models import ProposalKind

TEMPLATES = "alliance/review/"


def queue(request):
    if not proposals.may_review(request.user):
        raise PermissionDenied
    return render(
        request, TEMPLATES + "queue.html",
        {"pending": list(proposals.review_queue(request.user)[:200]),
         "decided": proposals.recent_decisions(request.user)},
    )  # fmt: skip


def detail(request, pk):
    """The diff, and the approve and reject forms."""
    if not proposals.may_review(request.user):
        raise PermissionDenied
    item = proposals.access_proposal(request.user, pk)
    which = request.POST.get("decision") if request.method == "POST" else None
    approve_form = ApproveForm(request.POST if which == "approve" else None)
    reject_form = ReasonForm(request.POST if which == "reject" else None)
    if which == "approve" and approve_form.is_valid():
        try:
            organization = proposals.check_approve_proposal(
                request.user, item, approve_form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_action_errors(approve_form, exc)
        else:
            messages.success(
                request,
                _("Approved: “%(name)s” is updated and counts as checked today. The submitter "
                  "has been told.") % {"name": organization.name},
            )  # fmt: skip
            return redirect("alliance_review:queue")
    elif which == "reject" and reject_form.is_valid():
        try:
            proposals.check_reject_proposal(request.user, item, reject_form.cleaned_data["reason"])
        except ValidationError as exc:
            add_action_errors(reject_form, exc)
        else:
            messages.success(request, _("Rejected. The submitter has been told."))
            return redirect("alliance_review:queue")
    return render(
        request, TEMPLATES + "detail.html",
        {"proposal": item, "diff": proposals.proposal_diff(item),
         "is_application": item.kind == ProposalKind.NEW_APPLICATION,
         "approve_form": approve_form, "reject_form": reject_form},
    )  # fmt: skip
