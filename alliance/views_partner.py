"""Views of the partner self-service ("Meine Einträge") and the public application.

Thin: parse, call ``proposals``/``freshness``/``local``, render. Another account's
proposal, an organisation the partner is not verified for, an invitation to someone
else: 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from komma.core.forms import add_action_errors

from . import freshness, local, proposals
from .forms_partner import ApplicationForm, ChannelFormSet, EntryForms
from .models import Organization

SECTION = "mine"
TEMPLATES = "alliance/partner/"


@login_required
def my_entries(request):
    """The partner's organisations: status, "bitte prüfen", proposals, invitations."""
    return render(
        request, TEMPLATES + "my_entries.html",
        {"alliance_section": SECTION, "entries": proposals.my_entries(request.user),
         "invitations": local.invitations_for(request.user)},
    )  # fmt: skip


def _own_organization(request, pk) -> Organization:
    organization = get_object_or_404(Organization, pk=pk)
    if not proposals.may_propose(request.user, organization):
        raise Http404
    return organization


@login_required
def propose(request, pk):
    """The entry form, prefilled with the pending proposal or the live values."""
    organization = _own_organization(request, pk)
    pending = proposals.pending_proposal(request.user, organization)
    payload = pending.payload if pending else proposals.snapshot(organization)
    forms = EntryForms(request.POST if request.method == "POST" else None, payload)
    if request.method == "POST" and forms.is_valid():
        try:
            proposals.check_submit_proposal(request.user, organization, forms.payload())
        except ValidationError as exc:
            add_action_errors(forms.entry, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("Thank you. Your proposal awaits review by the editorial team; the entry "
                  "stays as it is until then."),
            )  # fmt: skip
            return redirect("alliance:my_entries")
    return render(
        request, TEMPLATES + "propose.html",
        {"alliance_section": SECTION, "organization": organization, "forms": forms,
         "pending": pending},
    )  # fmt: skip


@login_required
def proposal(request, pk):
    """The partner's own proposal: status, the editors' reason, what it changes."""
    item = proposals.own_proposal(request.user, pk)
    diff = proposals.proposal_diff(item)
    return render(
        request,
        TEMPLATES + "proposal.html",
        {"alliance_section": SECTION, "proposal": item, "diff": diff},
    )


@login_required
@require_POST
def withdraw(request, pk):
    item = proposals.own_proposal(request.user, pk)
    try:
        proposals.check_withdraw_proposal(request.user, item)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your proposal has been withdrawn."))
    return redirect("alliance:my_entries")


@login_required
@require_POST
def confirm_current(request, pk):
    """One click: "Angaben sind aktuell"."""
    organization = _own_organization(request, pk)
    freshness.check_confirm_current(request.user, organization)
    messages.success(
        request, _("Thank you. “%(name)s” is marked as checked today.") % {"name": organization}
    )
    return redirect("alliance:my_entries")


def client_ip(request) -> str:
    """The client address for the rate limit, as allauth's login limits take it:
    behind the reverse proxy (``ALLAUTH_TRUSTED_PROXY_COUNT``) from X-Forwarded-For,
    or every applicant would share the proxy's address and one limit."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request) or "unknown"


def apply(request):
    """The public application of a new organisation (no login)."""
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data)
    channels = ChannelFormSet(data, prefix="channels")
    if request.method == "POST":
        honeypot = request.POST.get("homepage_url", "")
        if honeypot.strip():
            # A bot: refused silently, nothing stored, the same answer as a person gets.
            return redirect("alliance:apply_done")
        if form.is_valid() & channels.is_valid():
            rows = [
                {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
                for f in channels.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                proposals.check_submit_application(
                    form.payload(rows),
                    applicant_email=form.cleaned_data["applicant_email"],
                    applicant_name=form.cleaned_data["applicant_name"],
                    client_ip=client_ip(request),
                    honeypot=form.cleaned_data["homepage_url"],
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("alliance:apply_done")
    return render(
        request,
        TEMPLATES + "apply.html",
        {"alliance_section": "apply", "form": form, "channels": channels},
    )


def apply_done(request):
    return render(request, TEMPLATES + "apply_done.html", {"alliance_section": "apply"})


@login_required
def invitation(request, pk=None, token=None):
    """An invitation to one of the partner's organisations; POST answers it."""
    item = local.access_invitation(request.user, pk=pk, token=token)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, _("Please accept or decline."))
        else:
            try:
                local.check_answer_invitation(request.user, item, answer == "accept")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request,
                    _("Your organisation now takes part in the alliance.")
                    if answer == "accept"
                    else _("You have declined the invitation."),
                )
                return redirect("alliance:my_entries")
    return render(
        request, TEMPLATES + "invitation.html",
        {"alliance_section": SECTION, "invitation": item, "is_open": local.invitation_is_open(item),
         "municipality": item.local_alliance.municipality.public_label()},
    )  # fmt: skip
