"""StreamField blocks of the core pages and of the knowledge pages."""

from django import forms
from django.conf import settings
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


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


# --- Blocks of the knowledge pages ---------------------------------------------------

RICH_FEATURES = ["h3", "bold", "italic", "link", "document-link", "ol", "ul"]


class KeyFactsBlock(blocks.StructBlock):
    """Key facts at a glance (e.g. duration, people involved, costs)."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, default=_("Key facts"))
    facts = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("label", blocks.CharBlock(label=_("label"), max_length=80)),
                ("value", blocks.CharBlock(label=_("value"), max_length=300)),
            ],
            label=_("fact"),
        ),
        min_num=1,
        label=_("facts"),
    )

    class Meta:
        icon = "list-ul"
        template = "pages/blocks/key_facts.html"
        label = _("Key facts")


class StepsBlock(blocks.StructBlock):
    """An ordered sequence of steps, e.g. how a Clearingverfahren runs."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, default=_("Step by step"))
    steps = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("title", blocks.CharBlock(label=_("title"), max_length=160)),
                (
                    "text",
                    blocks.RichTextBlock(label=_("text"), features=RICH_FEATURES, required=False),
                ),
            ],
            label=_("step"),
        ),
        min_num=1,
        label=_("steps"),
    )

    class Meta:
        icon = "list-ol"
        template = "pages/blocks/steps.html"
        label = _("Steps")


class LessonsLearnedBlock(blocks.StructBlock):
    """What the team would do again, and what differently."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, default=_("Lessons learned"))
    lessons = blocks.ListBlock(
        blocks.TextBlock(label=_("lesson"), max_length=600), min_num=1, label=_("lessons")
    )

    class Meta:
        icon = "pick"
        template = "pages/blocks/lessons.html"
        label = _("Lessons learned")


class QuoteBlock(blocks.StructBlock):
    """A quote. Attributed by role, never by a threatened person's name unless agreed."""

    text = blocks.TextBlock(label=_("quote"), max_length=800)
    attribution = blocks.CharBlock(
        label=_("attribution"),
        max_length=200,
        required=False,
        help_text=_(
            "A role such as “mayor of a town in Saxony”. Name a person only with "
            "their written consent."
        ),
    )

    class Meta:
        icon = "openquote"
        template = "pages/blocks/quote.html"
        label = _("Quote")


class DownloadsBlock(blocks.StructBlock):
    """Documents to download (Wagtail documents); served only to readers of the page."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, default=_("Downloads"))
    documents = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("document", DocumentChooserBlock(label=_("document"))),
                (
                    "title",
                    blocks.CharBlock(
                        label=_("title"),
                        max_length=200,
                        required=False,
                        help_text=_("Defaults to the document's title."),
                    ),
                ),
            ],
            label=_("download"),
        ),
        min_num=1,
        label=_("documents"),
    )

    class Meta:
        icon = "doc-full"
        template = "pages/blocks/downloads.html"
        label = _("Downloads")


class AccessibleImageBlock(blocks.StructBlock):
    """An image with a required text alternative (WCAG 1.1.1)."""

    image = ImageChooserBlock(
        label=_("image"),
        help_text=_(
            "Image files are reachable by their address even on closed pages: "
            "do not use images that show people, addresses or threats."
        ),
    )
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        max_length=300,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), max_length=300, required=False)

    class Meta:
        icon = "image"
        template = "pages/blocks/image.html"
        label = _("Image")


class MemberChooserBlock(blocks.ChooserBlock):
    """Chooses an active member; the editor sees pseudonyms only."""

    target_model = settings.AUTH_USER_MODEL

    @cached_property
    def field(self):
        from django.contrib.auth import get_user_model

        return forms.ModelChoiceField(
            queryset=get_user_model()
            .objects.filter(is_active=True, deleted_at__isnull=True)
            .order_by("pseudonym"),
            widget=self.widget,
            required=self._required,
            validators=self._validators,
            help_text=self._help_text,
        )

    @cached_property
    def widget(self):
        return forms.Select()

    def get_form_state(self, value):
        # A plain select, not one of Wagtail's chooser widgets: render the form value
        # the way FieldBlock does (ChooserBlock would ask the widget for chooser data).
        return blocks.FieldBlock.get_form_state(self, value)

    def to_python(self, value):
        user = super().to_python(value)
        # A member who left is no contact any more (their messages go nowhere).
        return user if user is not None and user.is_active and not user.is_deleted else None

    def bulk_to_python(self, values):
        return [
            user if user is not None and user.is_active and not user.is_deleted else None
            for user in super().bulk_to_python(values)
        ]

    class Meta:
        icon = "user"


class ContactTeamBlock(blocks.StructBlock):
    """ "Contact the team behind this": a private message to a contributor's pseudonymous
    profile. Never shows an e-mail address; see ``komma.pages.contact``."""

    heading = blocks.CharBlock(
        label=_("heading"), max_length=120, default=_("Contact the team behind this")
    )
    member = MemberChooserBlock(
        label=_("contact person"),
        help_text=_(
            "The member who answers messages about this page. Choose only someone who "
            "agreed to it; readers who may not see their municipality see "
            "“the team behind this page” instead of the pseudonym."
        ),
    )
    text = blocks.TextBlock(label=_("text"), max_length=500, required=False)

    def get_context(self, value, parent_context=None):
        """Adds ``card`` (the pseudonymous profile, or ``None`` where an alias is shown),
        ``alias`` and ``message_url`` for the reader of the page."""
        from komma.accounts.presentation import present_person

        from .contact import alias_for, message_url

        context = super().get_context(value, parent_context)
        page, request, member = context.get("page"), context.get("request"), value.get("member")
        viewer = getattr(request, "user", None)
        context.update(card=None, alias="", message_url=None)
        if page is None or member is None:
            return context
        alias = alias_for(page, member, viewer)
        context["alias"] = alias
        if not alias:
            context["card"] = present_person(member, viewer, with_identity=False)
        if context.get("id"):
            context["message_url"] = message_url(page, context["id"])
        return context

    class Meta:
        icon = "mail"
        template = "pages/blocks/contact.html"
        label = _("Contact the team")


def knowledge_blocks():
    """Blocks of knowledge page bodies (good practice, recommendations, articles)."""
    return [
        ("heading", SectionHeadingBlock(max_length=120)),
        ("paragraph", blocks.RichTextBlock(label=_("Paragraph"), features=RICH_FEATURES)),
        ("key_facts", KeyFactsBlock()),
        ("steps", StepsBlock()),
        ("lessons", LessonsLearnedBlock()),
        ("quote", QuoteBlock()),
        ("downloads", DownloadsBlock()),
        ("image", AccessibleImageBlock()),
        ("contact", ContactTeamBlock()),
        ("callout", CalloutBlock()),
    ]
