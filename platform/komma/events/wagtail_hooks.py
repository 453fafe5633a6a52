"""Admin integration: a "Participants" button on live event pages.

The participant list itself is the page's ``teilnehmende/`` route: it shows people
only by what they chose to show (pseudonym first), so the admin gets no list of
its own that could show more.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import HeaderButton

from .models import EventPage
from .selectors import may_see_participants


@hooks.register("register_page_header_buttons")
def participants_button(page, user, view_name, next_url=None):
    if not page.live or not issubclass(page.specific_class or object, EventPage):
        return
    if not may_see_participants(user, page):
        return
    url = page.get_url()
    if url:
        yield HeaderButton(
            _("Participants"),
            url=url + EventPage.get_resolver().reverse("participants").lstrip("/"),
            icon_name="group",
            priority=80,
        )
