"""The forums' receivers of the core's hook points."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from plugins.hooks import (
    NavEntry,
    demo_data,
    nav_entries,
    personal_data_export,
    role_permissions,
    search_access_tokens,
    search_documents,
)

from .access import readable_category_ids


@receiver(nav_entries)
def forum_nav(sender, request, **kwargs):
    """ "Foren" in the main navigation of logged-in members.

    Not checked per category here: that would cost queries on every page. Who may
    read no category finds an explanation on the forum's start page.
    """
    return [
        NavEntry(label=_("Forums"), url=reverse("forums:index"), order=40, members_only=True,
                 key="forums")
    ]  # fmt: skip


@receiver(search_documents)
def forum_documents(sender, **kwargs):
    return ["exchange.forums.search.ThreadDocument", "exchange.forums.search.PostDocument"]


@receiver(search_access_tokens)
def forum_search_tokens(sender, user, **kwargs):
    """One token per category the member may read (``search.category_token``)."""
    from .search import category_token

    return [category_token(pk) for pk in readable_category_ids(user)]


@receiver(role_permissions)
def forum_role_permissions(sender, **kwargs):
    """Moderators manage categories and watched words in the Wagtail admin too."""
    return {
        "moderator": [
            "forums.add_category", "forums.change_category", "forums.view_category",
            "forums.add_watchedword", "forums.change_watchedword",
            "forums.delete_watchedword", "forums.view_watchedword",
        ],
        "admin": [
            "forums.add_category", "forums.change_category", "forums.view_category",
            "forums.change_forumsettings",
        ],
    }  # fmt: skip


@receiver(demo_data)
def forum_demo(sender, context, **kwargs):
    from .demo import seed_forums

    seed_forums(context)


@receiver(personal_data_export)
def forum_export(sender, user, **kwargs):
    from .export import personal_data

    return {"forums": personal_data(user)}
