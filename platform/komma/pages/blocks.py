"""StreamField blocks shared by the core pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class CalloutBlock(blocks.StructBlock):
    """A highlighted box with a heading and text."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "info-circle"
        template = "pages/blocks/callout.html"
        label = _("Callout")


class SectionHeadingBlock(blocks.CharBlock):
    """An h2 heading; pages keep a single h1 (WCAG 1.3.1)."""

    class Meta:
        icon = "title"
        template = "pages/blocks/heading.html"
        label = _("Section heading")


def body_blocks():
    """Blocks of a standard body."""
    return [
        ("heading", SectionHeadingBlock(max_length=120)),
        (
            "paragraph",
            blocks.RichTextBlock(
                label=_("Paragraph"),
                features=["h3", "bold", "italic", "link", "document-link", "ol", "ul"],
            ),
        ),
        ("callout", CalloutBlock()),
    ]
