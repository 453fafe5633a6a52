"""The sitemap: Wagtail's, without pages of switched-off plugins."""

from django.contrib.contenttypes.models import ContentType
from wagtail.contrib.sitemaps import Sitemap

from plugins.registry import switched_off_models


class PageSitemap(Sitemap):
    """Live, public pages of the site, minus those of switched-off plugins."""

    def items(self):
        items = super().items()
        hidden = switched_off_models()
        if hidden:
            types = ContentType.objects.get_for_models(*hidden).values()
            items = items.exclude(content_type__in=list(types))
        return items
