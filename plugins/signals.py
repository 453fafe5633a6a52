"""Receivers that keep the cached plugin states in step with the database."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import PluginState
from .registry import forget_states


@receiver([post_save, post_delete], sender=PluginState)
def plugin_state_changed(sender, instance, **kwargs):
    """A switch moved: forget the cached states, and close a switched-off plugin's
    live connections in every process, once the change is committed."""
    transaction.on_commit(forget_states)
    if kwargs.get("signal") is post_delete or not instance.enabled:
        plugin_id = instance.plugin_id
        transaction.on_commit(lambda: _close_plugin_connections(plugin_id))


def _close_plugin_connections(plugin_id: str) -> None:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from .consumers import plugin_group_name

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(plugin_group_name(plugin_id), {"type": "plugin.disabled"})
    except Exception:  # the switch is saved; a layer outage must not make it an error
        logging.getLogger(__name__).exception("could not close connections of %s", plugin_id)
