"""Hook receivers of the live sessions (see ``plugins.hooks``)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from plugins.hooks import NavEntry, demo_data, nav_entries, personal_data_export, role_permissions


@receiver(nav_entries)
def live_nav(sender, request, **kwargs):
    """ "Live-Beratung" in the main navigation of logged-in members (no query: who is
    invited to nothing finds an explanation on the start page)."""
    return [
        NavEntry(label=_("Live consultations"), url=reverse("live:index"), order=45,
                 members_only=True, key="live")
    ]  # fmt: skip


@receiver(role_permissions)
def live_role_permissions(sender, **kwargs):
    """Moderators and admins browse sessions and their logs in the Wagtail admin."""
    view = ["live.view_livesession", "live.view_sessionlog"]
    return {"moderator": view, "admin": view}


@receiver(demo_data)
def live_demo(sender, context, **kwargs):
    from .demo import seed_live

    seed_live(context)


@receiver(personal_data_export)
def live_export(sender, user, **kwargs):
    from .export import personal_data

    return {"live_sessions": personal_data(user)}
