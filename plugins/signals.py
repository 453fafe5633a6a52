"""Receivers that keep the cached plugin states in step with the database."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import PluginState
from .registry import forget_states


@receiver([post_save, post_delete], sender=PluginState)
def plugin_state_changed(sender, instance, **kwargs):
    """A switch moved: forget the cached states once the change is committed."""
    transaction.on_commit(forget_states)
