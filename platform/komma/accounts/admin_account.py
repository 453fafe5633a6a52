"""Wagtail's own account page, without the panels that handle identity.

Wagtail's page asks editors for first and last name (required fields) and offers
a profile photo that other staff see; here the name is optional identity under
the member's privacy settings and the avatar is generated. Language, time zone,
theme and notifications stay.
"""

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.account import AccountView, AvatarSettingsPanel, NameEmailSettingsPanel

HIDDEN_PANELS = (NameEmailSettingsPanel, AvatarSettingsPanel)


class PseudonymousAccountView(AccountView):
    """The admin account page with name, e-mail and photo panels removed."""

    def get_panels(self):
        return [panel for panel in super().get_panels() if not isinstance(panel, HIDDEN_PANELS)]


# The same gate as Wagtail's own account page: admin access, not just a login.
account_view = require_admin_access(PseudonymousAccountView.as_view())
