"""Roles are Django groups with permissions. The key is stable; the name is shown."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    """One role of the platform, kept as a Django group named ``group_name``."""

    key: str
    group_name: str
    description: str
    requires_mfa: bool
    permissions: tuple[str, ...]
    # Wagtail page permissions (codenames) on the whole page tree.
    page_permissions: tuple[str, ...] = ()


# What the editorial team may do. No "publish_page": whoever may publish can publish
# directly, and Wagtail then cancels the review workflow. Pages go live through the
# four-eyes workflow (komma.review), whose approval publishes them.
EDITORIAL_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "pages.add_topic",
    "pages.change_topic",
    "pages.delete_topic",
    "pages.view_topic",
)
EDITORIAL_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")

ROLES: dict[str, Role] = {
    role.key: role
    for role in (
        Role(
            "editor",
            "Redaktion",
            _("Curates knowledge pages, recommendations and toolbox resources."),
            True,
            EDITORIAL_PERMISSIONS,
            EDITORIAL_PAGE_PERMISSIONS,
        ),
        Role(
            "reviewer",
            "Redaktion Freigabe",
            _("Approves pages of other editors in the four-eyes review."),
            True,
            EDITORIAL_PERMISSIONS,
            EDITORIAL_PAGE_PERMISSIONS,
        ),
        Role(
            "moderator",
            "Moderation",
            _("Moderates forums and chats; sees what members share with moderators."),
            True,
            ("wagtailadmin.access_admin",),
        ),
        Role(
            "facilitator",
            "Moderation Live-Beratung",
            _("Schedules and runs live peer-consulting sessions."),
            False,
            (),
        ),
        Role(
            "alliance_partner",
            "Allianzpartner",
            _("Partner of a local alliance: searches the directory, keeps its own entry."),
            False,
            (),
        ),
        Role(
            "admin",
            "Administration",
            _("Invites members, manages roles and plugins, may reveal an identity with a reason."),
            True,
            (
                "wagtailadmin.access_admin",
                "accounts.invite_members",
                "accounts.reveal_identity",
                "accounts.view_municipality",
                "accounts.add_municipality",
                "accounts.change_municipality",
                "plugins.change_pluginstate",
                "plugins.view_pluginstate",
                # For emergencies: take a page that endangers someone offline, with a
                # logged reason (komma.review). Not Wagtail's "publish_page": that is
                # also the permission to publish, and would publish unreviewed drafts.
                "review.take_page_offline",
            ),
        ),
    )
}

MFA_REQUIRED_GROUPS = frozenset(role.group_name for role in ROLES.values() if role.requires_mfa)
