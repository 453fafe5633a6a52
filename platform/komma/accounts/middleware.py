"""Second factor required for editors, moderators and admins."""

import time

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .roles import MFA_REQUIRED_GROUPS

SESSION_KEY = "komma_mfa_check"
RECHECK_SECONDS = 60
# Views a member without second factor may still reach: set one up, log out, switch
# the language, read the accessibility statement and confirm an e-mail address.
ALLOWED_URL_NAMES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_generate_recovery_codes",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_confirm_email",
    "account_email_verification_sent",
    "set_language",
    "healthz",
}
STRONG_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def needs_second_factor(user) -> bool:
    """Whether ``user`` holds a role that requires MFA but has no TOTP or WebAuthn key."""
    required = user.is_superuser or user.groups.filter(name__in=MFA_REQUIRED_GROUPS).exists()
    if not required:
        return False
    return not Authenticator.objects.filter(user=user, type__in=STRONG_TYPES).exists()


class RequireMFAMiddleware:
    """Sends members of MFA-bound roles to the TOTP setup until they have a second factor.

    A "has a second factor" answer is kept in the session for a minute so ordinary
    requests cost no query; removing an authenticator clears it at once (see
    receivers). A "needs one" answer is not reused: a factor added in another
    session must take effect at once, or this session loops between allauth's
    activate and deactivate pages until the minute is over.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALLOWED_URL_NAMES:
            return None
        state = request.session.get(SESSION_KEY)
        now = time.time()
        if not state or state[1] or now - state[0] > RECHECK_SECONDS:
            state = (now, needs_second_factor(user))
            request.session[SESSION_KEY] = state
        if state[1]:
            messages.warning(
                request,
                _("Your role requires a second factor. Please set up an authenticator app first."),
            )
            return redirect("mfa_activate_totp")
        return None
