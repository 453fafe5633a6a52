"""Signal receivers of the accounts app."""

import logging

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from plugins.consumers import user_group_name

from .middleware import SESSION_KEY
from .models import Membership, User

logger = logging.getLogger(__name__)


@receiver([authenticator_added, authenticator_removed])
def forget_mfa_check(sender, request=None, user=None, **kwargs):
    """A second factor came or went: re-check the MFA requirement on the next request,
    and on open connections."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
    if user is not None:
        recheck_after_commit(user.pk)


def revoke_live_connections(user_id: int, event: str = "session.revoked") -> None:
    """Tell every WebSocket of the user, in every Daphne process, that access ended
    (``session.revoked``) or changed (``access.changed``: reconnect and re-check).

    Runs after the change is committed: a channel layer that is down must not turn
    a saved change into an error page, so a failure is logged, not raised.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group_name(user_id), {"type": event})
    except Exception:
        logger.exception("could not notify live connections of user %s", user_id)


def recheck_after_commit(user_id: int) -> None:
    transaction.on_commit(lambda: revoke_live_connections(user_id, "access.changed"))


@receiver(m2m_changed, sender=User.groups.through)
def roles_changed(sender, instance, action, reverse, pk_set=None, **kwargs):
    """A member gained or lost a role (from either side): open connections re-authorise."""
    if not reverse:  # user.groups.add(...): the instance is the user
        if action in {"post_add", "post_remove", "post_clear"}:
            recheck_after_commit(instance.pk)
        return
    # group.user_set.add(...): the instance is the group, pk_set the users
    if action == "pre_clear":
        instance._komma_cleared_users = list(instance.user_set.values_list("pk", flat=True))
    elif action == "post_clear":
        for user_id in getattr(instance, "_komma_cleared_users", []):
            recheck_after_commit(user_id)
    elif action in {"post_add", "post_remove"}:
        for user_id in pk_set or ():
            recheck_after_commit(user_id)


@receiver(m2m_changed, sender=Group.permissions.through)
def role_permissions_changed(sender, instance, action, reverse, **kwargs):
    """A role's permissions changed: its members' connections re-authorise."""
    if action in {"post_add", "post_remove", "post_clear"} and not reverse:
        for user_id in instance.user_set.values_list("pk", flat=True):
            recheck_after_commit(user_id)


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance, **kwargs):
    """A member joined or left a municipality: open connections re-authorise."""
    recheck_after_commit(instance.user_id)


@receiver([password_changed, password_set, password_reset])
def password_changed_anywhere(sender, request=None, user=None, **kwargs):
    """After a password change, connections of other (possibly stolen) sessions re-check."""
    if user is not None:
        recheck_after_commit(user.pk)


@receiver(user_logged_out)
def disconnect_websockets_on_logout(sender, request=None, user=None, **kwargs):
    """Close the member's live connections when they log out (any tab, any process)."""
    if user is not None:
        revoke_live_connections(user.pk)


@receiver(post_save, sender=User)
def disconnect_inactive_member(sender, instance, created=False, **kwargs):
    """A deactivated or deleted member loses live connections once the change is committed."""
    if not created and not instance.is_active:
        user_id = instance.pk
        transaction.on_commit(lambda: revoke_live_connections(user_id))
