"""Signal receivers: the waiting list moves up on publish and when an account is deleted
or deactivated;
the GDPR export section."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from plugins.hooks import personal_data_export

from .models import EventPage, Registration


@receiver(page_published, sender=EventPage, dispatch_uid="komma.events.promote_on_publish")
def promote_waitlist_on_publish(sender, instance, **kwargs):
    """An editor may have raised the capacity: give the new seats to those waiting."""
    from .actions import do_promote_waitlist

    do_promote_waitlist(instance)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="komma.events.account_deleted")
def withdraw_registrations_of_deleted_account(sender, instance, update_fields=None, **kwargs):
    """A deleted (``deleted_at``) or deactivated (banned) account gives up its seats."""
    if instance.deleted_at is None and instance.is_active:
        return
    if update_fields and not {"deleted_at", "is_active"} & set(update_fields):
        return
    from .actions import do_withdraw_registrations

    do_withdraw_registrations(instance)


@receiver(personal_data_export, dispatch_uid="komma.events.personal_data_export")
def export_registrations(sender, user, **kwargs):
    """The member's registrations for trainings and events, cancelled ones included."""
    registrations = Registration.objects.filter(user=user).select_related("event")
    return {
        "event_registrations": [
            {
                "event": registration.event.title,
                "start": registration.event.start.isoformat(),
                "status": registration.status,
                "registered_at": registration.created_at.isoformat(),
                "status_changed_at": registration.status_changed_at.isoformat(),
            }
            for registration in registrations.order_by("created_at", "pk")
        ]
    }
