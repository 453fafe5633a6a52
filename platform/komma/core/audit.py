"""Audit log: who did what to someone else's data, when and why.

Entries go into Wagtail's log (``ModelLogEntry``) so editors and admins browse
them in the admin's "Site history" report; the action codes are registered in
``komma.core.wagtail_hooks``.
"""

from wagtail.log_actions import log

AUDIT_ACTIONS = {
    "komma.identity_reveal": ("Reveal identity", "Identity revealed"),
    "komma.invitation_create": ("Invite", "Invitation sent"),
    "komma.invitation_revoke": ("Revoke invitation", "Invitation revoked"),
    "komma.account_delete": ("Delete account", "Account deleted"),
    "komma.role_change": ("Change roles", "Roles changed"),
    "komma.access_change": ("Change access", "Account activated or deactivated"),
    "komma.page_take_offline": ("Take page offline", "Page taken offline in an emergency"),
}


def audit(instance, action: str, user, reason: str = "", **data) -> None:
    """Record ``action`` on ``instance`` by ``user`` with its ``reason``."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    log(instance=instance, action=action, user=user, data={"reason": reason, **data})
