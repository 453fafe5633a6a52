"""Audit log: who did what to someone else's data, when and why.

Entries go into Wagtail's log (``ModelLogEntry``) so editors and admins browse
them in the admin's "Site history" report; the action codes are registered in
``komma.core.wagtail_hooks``.
"""

from django.utils.translation import gettext_noop
from wagtail.log_actions import log

# Labels are marked for extraction and translated where Wagtail shows them.
AUDIT_ACTIONS = {
    "komma.identity_reveal": (gettext_noop("Reveal identity"), gettext_noop("Identity revealed")),
    "komma.invitation_create": (gettext_noop("Invite"), gettext_noop("Invitation sent")),
    "komma.invitation_revoke": (
        gettext_noop("Revoke invitation"),
        gettext_noop("Invitation revoked"),
    ),
    "komma.account_delete": (gettext_noop("Delete account"), gettext_noop("Account deleted")),
    "komma.role_change": (gettext_noop("Change roles"), gettext_noop("Roles changed")),
    "komma.access_change": (
        gettext_noop("Change access"),
        gettext_noop("Account activated or deactivated"),
    ),
    "komma.page_take_offline": (
        gettext_noop("Take page offline"),
        gettext_noop("Page taken offline in an emergency"),
    ),
}


def audit(instance, action: str, user, reason: str = "", **data) -> None:
    """Record ``action`` on ``instance`` by ``user`` with its ``reason``."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    log(instance=instance, action=action, user=user, data={"reason": reason, **data})
