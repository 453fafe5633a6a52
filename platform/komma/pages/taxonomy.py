"""Taxonomy of the knowledge platform: topics (editor-managed) and module areas.

Module areas are the programme's fixed structure (modules 1-3 and the additional
modules 1a-3a), created by migration 0002 together with the first topics; topics
are snippets the editors keep.
"""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class ModuleArea(models.Model):
    """One module of the programme (1, 2, 3, 1a, 2a, 3a). Fixed; not edited in the admin."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("module area")
        verbose_name_plural = _("module areas")

    def __str__(self):
        return f"{_('Module')} {self.code}: {self.title}"


class Topic(index.Indexed, models.Model):
    """A topic of the knowledge platform, managed by the editors as a snippet."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Used in filter URLs. Filled in from the name when left empty."),
    )
    description = models.TextField(_("description"), max_length=500, blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name.replace(":", ""))[:80]
        super().save(*args, **kwargs)


class SizeClass(models.TextChoices):
    """Population size classes used to compare municipalities."""

    UNDER_20K = "lt20k", _("under 20,000 inhabitants")
    FROM_20K = "20k-100k", _("20,000 to 100,000 inhabitants")
    FROM_100K = "100k-500k", _("100,000 to 500,000 inhabitants")
    OVER_500K = "gt500k", _("over 500,000 inhabitants")
