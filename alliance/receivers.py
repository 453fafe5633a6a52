"""The alliance directory's receivers of the core's hook points."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from plugins.hooks import (
    NavEntry,
    alliance_contacts,
    demo_data,
    nav_entries,
    personal_data_export,
    search_documents,
)

from . import freshness  # noqa: F401  (role permissions and the editors' dashboard panel)


@receiver(nav_entries)
def alliance_nav(sender, request, **kwargs):
    """ "Allianz-Verzeichnis" in the main navigation, for everyone (public directory)."""
    return [NavEntry(label=_("Alliance directory"), url=reverse("alliance:index"), order=50,
                     key="alliance")]  # fmt: skip


@receiver(search_documents)
def alliance_documents(sender, **kwargs):
    return ["alliance.search.OrganizationDocument"]


@receiver(alliance_contacts)
def alliance_wizard_contacts(sender, user, situation, bundesland, **kwargs):
    """„Wer hilft bei …?“ for other plugins (see the hook's docstring)."""
    from .wizard import contacts_for

    return contacts_for(user, situation, (bundesland or "").upper())


@receiver(demo_data)
def alliance_demo(sender, context, **kwargs):
    from .demo import seed_alliance

    seed_alliance(context)


@receiver(personal_data_export)
def alliance_export(sender, user, **kwargs):
    from .export import personal_data

    return {"alliance": personal_data(user)}
