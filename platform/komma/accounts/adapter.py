"""allauth adapter: sign-up by invitation only, pseudonym at sign-up."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from .actions import InvitationUnusable, do_accept_invitation
from .models import Invitation

SESSION_INVITATION_KEY = "komma_invitation_id"


def invitation_in_session(request) -> Invitation | None:
    """The still-open invitation whose link this browser followed, if any."""
    invitation_id = request.session.get(SESSION_INVITATION_KEY) if request else None
    if not invitation_id:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or invitation.status != "open":
        return None
    return invitation


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up only through an invitation link; the invited address is pre-verified."""

    def is_open_for_signup(self, request):
        """Open only while the session holds an open invitation."""
        return invitation_in_session(request) is not None

    def clean_email(self, email):
        """At sign-up, the address must be the one the invitation went to."""
        email = super().clean_email(email)
        invitation = invitation_in_session(getattr(self, "request", None))
        if invitation is not None and email.strip().lower() != invitation.email.lower():
            raise ValidationError(
                _("Please sign up with the e-mail address the invitation was sent to."),
                code="invitation_email",
            )
        return email

    def save_user(self, request, user, form, commit=True):
        """Create the member with pseudonym and optional identity, and use the invitation."""
        invitation = invitation_in_session(request)
        if invitation is None:
            raise ImmediateHttpResponse(render(request, "account/signup_closed.html", status=403))
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=False)
            data = form.cleaned_data
            user.pseudonym = data["pseudonym"]
            user.first_name = data.get("first_name", "")
            user.last_name = data.get("last_name", "")
            user.office = data.get("office", "")
            user.save()
            try:
                do_accept_invitation(invitation.pk, user)
            except InvitationUnusable as exc:
                raise ImmediateHttpResponse(
                    render(
                        request,
                        "accounts/invitation_invalid.html",
                        {"status": exc.status},
                        status=410,
                    )
                ) from exc
        request.session.pop(SESSION_INVITATION_KEY, None)
        return user
