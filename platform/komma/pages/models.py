"""The page tree: home, standard pages and the knowledge platform.

``ContentPage`` is the concrete base of every page with a visibility level (see
``visibility.py``): one table holds the level of all of them, so any page listing
(navigation, related content, search, sitemap) filters with one join.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from komma.accounts.choices import Bundesland, MunicipalityKind

from .blocks import body_blocks, knowledge_blocks
from .forms import ContentPageForm
from .taxonomy import ModuleArea, SizeClass, Topic
from .visibility import RANK, PageVisibility, may_read, stricter


class HomePage(Page):
    """The start page: what the network is, and the way in for members."""

    lead = models.TextField(_("lead"), max_length=600, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        """Adds ``latest_knowledge``: the newest knowledge pages the reader may read."""
        from .selectors import knowledge_pages, listing_entries

        context = super().get_context(request, *args, **kwargs)
        context["latest_knowledge"] = listing_entries(knowledge_pages(request.user)[:3])
        return context


class ContentPage(Page):
    """Base of all content pages: a visibility level, a lead and the review date.

    Not creatable itself. A page is never looser than its parent (``clean``); the
    level is enforced when serving (``wagtail_hooks.enforce_visibility``) and by
    ``visibility.filter_visible`` in every listing.
    """

    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=PageVisibility.choices,
        default=PageVisibility.PUBLIC,
        db_index=True,
        help_text=_(
            "Who may read this page. Readers without access see neither title nor excerpt."
        ),
    )
    lead = models.TextField(
        _("lead"),
        max_length=600,
        blank=True,
        help_text=_("One or two sentences; shown in listings, feeds and search results."),
    )
    last_reviewed_at = models.DateTimeField(
        _("last reviewed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the review workflow approves the page."),
    )

    is_creatable = False
    visibility_panel = FieldPanel("visibility", heading=_("Visibility"))
    # Search filters by level inside the query (issue 8), so every document carries it.
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.FilterField("visibility"),
    ]

    class Meta:
        verbose_name = _("content page")

    base_form_class = ContentPageForm

    def clean(self):
        super().clean()
        # New pages have no path until they are added; ContentPageForm checks those
        # against the parent the editor is adding to.
        if self.path:
            check_not_looser_than_parent(self.visibility, self.get_parent())

    def with_content_json(self, content):
        """A page built from a revision (to publish, preview or edit it).

        The review date belongs to the page, not to a revision: publishing an older
        revision (scheduled, reverted) must not set it back. And a revision saved
        before the parent was closed holds a level more open than the parent's now;
        it is closed to the parent's level, so approving or scheduling it publishes
        a page that is never more open than its parent.
        """
        obj = super().with_content_json(content)
        obj.last_reviewed_at = self.last_reviewed_at
        if self.path:
            parent_level = (
                ContentPage.objects.filter(pk=self.get_parent().pk)
                .values_list("visibility", flat=True)
                .first()
            )
            if parent_level:
                obj.visibility = stricter(obj.visibility, parent_level)
        return obj

    def is_readable_by(self, user) -> bool:
        """Whether ``user`` may read this page."""
        return may_read(user, self.visibility)

    def get_sitemap_urls(self, request=None):
        """Only public pages are in sitemap.xml."""
        if self.visibility != PageVisibility.PUBLIC:
            return []
        return super().get_sitemap_urls(request)


def check_not_looser_than_parent(level: str, parent) -> None:
    """Raise a ValidationError if ``level`` is more open than ``parent``'s level."""
    if parent is None:
        return
    parent_level = (
        ContentPage.objects.filter(pk=parent.pk).values_list("visibility", flat=True).first()
    )
    if parent_level and RANK.get(level, 0) < RANK[parent_level]:
        raise ValidationError(
            {
                "visibility": _(
                    "The page above this one is visible to “%(level)s” only; this page "
                    "cannot be more open."
                )
                % {"level": PageVisibility(parent_level).label}
            },
            code="looser_than_parent",
        )


class StandardPage(ContentPage):
    """A plain content page, e.g. the accessibility statement or the imprint."""

    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        ContentPage.visibility_panel,
        FieldPanel("lead"),
        FieldPanel("body"),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("body")]

    parent_page_types = ["pages.HomePage", "pages.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class KnowledgeHubPage(RoutablePageMixin, ContentPage):
    """The knowledge platform's index: filterable listing of its knowledge pages,
    plus RSS and Atom feeds of the public ones."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        ContentPage.visibility_panel,
        FieldPanel("lead"),
        FieldPanel("intro"),
    ]
    search_fields = ContentPage.search_fields

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.GoodPracticePage", "pages.RecommendationPage", "pages.ArticlePage"]

    class Meta:
        verbose_name = _("knowledge hub")

    @path("")
    def listing(self, request):
        """The filterable, paginated listing (filters are GET parameters: shareable)."""
        from .listing import render_listing

        return render_listing(self, request)

    @path("feed/")
    def rss_feed(self, request):
        """RSS 2.0 feed of the public knowledge pages (same filters as the listing)."""
        from .feeds import KnowledgeRssFeed

        return KnowledgeRssFeed(self)(request)

    @path("feed/atom/")
    def atom_feed(self, request):
        """Atom 1.0 feed of the public knowledge pages (same filters as the listing)."""
        from .feeds import KnowledgeAtomFeed

        return KnowledgeAtomFeed(self)(request)


class KnowledgePage(ContentPage):
    """Base of good practice, recommendations and articles: topics, module areas, body.

    Concrete, so listings query one table for all three kinds and filter by topic
    and module area across them.
    """

    topics = ParentalManyToManyField(Topic, blank=True, related_name="pages",
                                     verbose_name=_("topics"))  # fmt: skip
    module_areas = ParentalManyToManyField(ModuleArea, blank=True, related_name="pages",
                                           verbose_name=_("module areas"))  # fmt: skip
    body = StreamField(knowledge_blocks(), blank=True, verbose_name=_("body"))

    is_creatable = False
    taxonomy_panel = MultiFieldPanel(
        [
            FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            FieldPanel("module_areas", widget=forms.CheckboxSelectMultiple),
        ],
        heading=_("Taxonomy"),
    )
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("body"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]
    parent_page_types = ["pages.KnowledgeHubPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("knowledge page")

    def get_context(self, request, *args, **kwargs):
        """Adds ``topics``, ``module_areas`` (fetched once), ``related_pages`` (up to three
        pages sharing them that the reader may read) and the ``hub``."""
        from .selectors import related_knowledge_pages

        context = super().get_context(request, *args, **kwargs)
        topics, areas = list(self.topics.all()), list(self.module_areas.all())
        context.update(
            topics=topics,
            module_areas=areas,
            related_pages=related_knowledge_pages(
                self, request.user, [t.pk for t in topics], [a.pk for a in areas]
            ),
            hub=self.get_parent(),
        )
        return context


class GoodPracticePage(KnowledgePage):
    """An example of good practice from a municipality.

    The municipality is named only with its public-naming consent; otherwise the
    page describes it ("ein Landkreis in Sachsen").
    """

    template = "pages/knowledge_page.html"

    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="good_practice_pages",
        verbose_name=_("municipality"),
        help_text=_("Named on the page only if the municipality consented to being named."),
    )
    municipality_kind = models.CharField(
        _("type of municipality"), max_length=32, choices=MunicipalityKind.choices, blank=True
    )
    size_class = models.CharField(
        _("size class"), max_length=16, choices=SizeClass.choices, blank=True
    )
    bundesland = models.CharField(
        _("federal state"), max_length=2, choices=Bundesland.choices, blank=True
    )

    content_panels = [
        *Page.content_panels,
        ContentPage.visibility_panel,
        FieldPanel("lead"),
        MultiFieldPanel(
            [
                FieldPanel("municipality"),
                FieldRowPanel(
                    [
                        FieldPanel("municipality_kind"),
                        FieldPanel("size_class"),
                        FieldPanel("bundesland"),
                    ]
                ),
            ],
            heading=_("Origin"),
        ),
        KnowledgePage.taxonomy_panel,
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practice")

    def clean(self):
        # Type and state follow the chosen municipality, so filters and the page agree
        # (also after the editor picks another one).
        if self.municipality_id:
            self.municipality_kind = self.municipality.kind
            self.bundesland = self.municipality.bundesland
        super().clean()

    def origin_label(self) -> str:
        """How the page refers to where the example comes from."""
        if self.municipality_id:
            return self.municipality.public_label()
        if self.municipality_kind and self.bundesland:
            from komma.accounts.models import Municipality

            return Municipality(kind=self.municipality_kind,
                                bundesland=self.bundesland).anonymous_description()  # fmt: skip
        return ""


class RecommendationPage(KnowledgePage):
    """A recommendation of the programme team, e.g. for an intervention strategy."""

    template = "pages/knowledge_page.html"

    content_panels = [
        *Page.content_panels,
        ContentPage.visibility_panel,
        FieldPanel("lead"),
        KnowledgePage.taxonomy_panel,
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")


class ArticlePage(KnowledgePage):
    """A knowledge article: background, legal basics, research."""

    template = "pages/knowledge_page.html"

    content_panels = RecommendationPage.content_panels

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")


__all__ = [
    "ArticlePage",
    "ContentPage",
    "GoodPracticePage",
    "HomePage",
    "KnowledgeHubPage",
    "KnowledgePage",
    "ModuleArea",
    "RecommendationPage",
    "StandardPage",
    "Topic",
]
