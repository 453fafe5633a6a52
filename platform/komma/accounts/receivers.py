"""Signal receivers of the accounts app."""

from allauth.mfa.signals import authenticator_added, authenticator_removed
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from plugins.consumers import user_group_name

from .middleware import SESSION_KEY
from .models import User


@receiver([authenticator_added, authenticator_removed])
def forget_mfa_check(sender, request=None, **kwargs):
    """A second factor came or went: re-check the MFA requirement on the next request."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def revoke_live_connections(user_id: int) -> None:
    """Close every WebSocket of the user, in every Daphne process (via the channel layer)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(user_group_name(user_id), {"type": "session.revoked"})


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
