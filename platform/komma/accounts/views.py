"""Views of the accounts app: thin — parse, call an action or selector, render."""

import json

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView as AllauthSignupView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, selectors
from .adapter import SESSION_INVITATION_KEY, invitation_in_session
from .forms import DeleteAccountForm, InvitationForm, PrivacyForm, ProfileForm
from .presentation import present_person


@login_required
def profile(request):
    """Edit the own pseudonymous profile."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_POST
def reroll_avatar(request):
    """Generate a new avatar for the member."""
    actions.do_reroll_avatar(request.user)
    messages.success(request, _("You have a new avatar."))
    return redirect("accounts:profile")


@login_required
def privacy(request):
    """Choose who sees which identity field; see who revealed it."""
    form = PrivacyForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your privacy settings have been saved."))
        return redirect("accounts:privacy")
    reveals = request.user.identity_reveals.select_related("revealed_by")
    return render(
        request,
        "accounts/privacy.html",
        {
            "form": form,
            "reveals": [(r, present_person(r.revealed_by, request.user)) for r in reveals],
            "preview": present_person(request.user, None),
        },
    )


@login_required
def member(request, pseudonym):
    """Another member's profile, as the viewer may see it."""
    subject = selectors.access_member(request.user, pseudonym)
    return render(
        request,
        "accounts/member.html",
        {"card": present_person(subject, request.user), "subject": subject},
    )


@login_required
def data(request):
    """The data-rights page: download and deletion."""
    return render(request, "accounts/data.html")


@login_required
def data_export(request):
    """Download everything about the member as JSON."""
    payload = actions.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="komma-meine-daten-{stamp}.json"'
    return response


@login_required
def delete_account(request):
    """Delete the own account after confirming the password."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_delete_account(request.user, form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("/")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
def invitations(request):
    """Admins and municipal coordinators invite colleagues and see their invitations."""
    if not selectors.can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(
        request.POST or None,
        municipalities=selectors.invitable_municipalities(request.user),
        allow_roles=selectors.is_platform_admin(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = actions.check_create_invitation(
                request.user,
                email=form.cleaned_data["email"],
                municipality=form.cleaned_data.get("municipality"),
                roles=form.cleaned_data.get("roles", []),
                as_coordinator=form.cleaned_data.get("as_coordinator", False),
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            if invitation.mail_delivery.failed:
                messages.error(
                    request,
                    _(
                        "The invitation has been saved, but the e-mail could not be sent. "
                        "Please revoke it and try again later, or tell the programme team."
                    ),
                )
            else:
                messages.success(request, _("The invitation has been sent."))
            return redirect("accounts:invitations")
    listed = selectors.invitations_visible_to(request.user)[:200]
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "invitations": listed, "valid_days": settings.KOMMA_INVITATION_VALID_DAYS},
    )


@login_required
@require_POST
def revoke_invitation(request, pk):
    """Revoke an open invitation."""
    invitation = get_object_or_404(selectors.invitations_visible_to(request.user), pk=pk)
    actions.do_revoke_invitation(invitation, by=request.user)
    messages.success(request, _("The invitation has been revoked."))
    return redirect("accounts:invitations")


def accept_invitation(request, token):
    """Follow an invitation link: remember it in the session and go to sign-up."""
    invitation = selectors.open_invitation_by_token(token)
    status = invitation.status if invitation else "unknown"
    if status != "open":
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"status": status},
            status=410 if invitation else 404,
        )
    if request.user.is_authenticated:
        messages.info(
            request, _("You are already logged in; this invitation is for a new account.")
        )
        return redirect("/")
    request.session[SESSION_INVITATION_KEY] = invitation.pk
    # The link came by e-mail to this address: allauth treats it as verified.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


class InvitationSignupView(AllauthSignupView):
    """allauth's sign-up, with the invited address filled in from the session.

    (allauth would take it from ``?email=``; we keep addresses out of URLs and logs.)
    """

    def get_initial(self):
        initial = super().get_initial()
        invitation = invitation_in_session(self.request)
        if invitation is not None:
            initial["email"] = invitation.email
        return initial
