"""Admin forms of the page types."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm


class ContentPageForm(WagtailAdminPageForm):
    """Refuses a visibility more open than the parent's, for new pages too."""

    def clean(self):
        cleaned = super().clean()
        from .models import check_not_looser_than_parent

        parent = self.parent_page if not self.instance.path else self.instance.get_parent()
        level = cleaned.get("visibility")
        if level and parent is not None:
            try:
                check_not_looser_than_parent(level, parent)
            except ValidationError as error:
                self.add_error("visibility", error.message_dict["visibility"])
        return cleaned
