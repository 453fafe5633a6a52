"""Search documents of the toolbox: one per published resource.

Visibility (``toolbox.access``) becomes access tokens (``search.access``):

=========  =====================  ==================================================
level      document token         who holds it
=========  =====================  ==================================================
public     ``public``             everybody (core token)
partners   ``toolbox:partners``   alliance partners and every network member
network    ``toolbox:network``    network members (not partners without municipality)
=========  =====================  ==================================================

The core's ``network`` token cannot be used for network resources: every logged-in
account holds it, alliance partners included, who must not find them. The toolbox
hands out its own tokens (``toolbox_search_tokens``) from the same facts the pages
use (``toolbox_viewer``), so search and pages agree.

Indexed is what every reader of the resource sees on its page: title, summary,
text, the template text with its placeholders, checklist steps and FAQ questions
and answers. No person is named in a resource. Drafts, checklist progress and
incident records are municipal data and never indexed.

Receivers here (connected by importing this module from ``toolbox.receivers``):
``toolbox_documents`` (hook ``search_documents``), ``toolbox_search_tokens`` (hook
``search_access_tokens``), and ``resource_published`` / ``resource_unpublished`` /
``resource_deleted`` (Wagtail's ``published`` / ``unpublished`` and Django's
``post_delete`` for ``Resource``), which re-index the resource on commit.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _
from wagtail.signals import published, unpublished

from plugins.hooks import search_access_tokens, search_documents
from search.access import PUBLIC
from search.documents import IndexedDocument, SearchDocument

from .access import toolbox_viewer
from .models import Resource, Visibility

MODULE_AREAS = ("2a",)
PARTNERS_TOKEN = "toolbox:partners"  # noqa: S105 (an access token name)
NETWORK_TOKEN = "toolbox:network"  # noqa: S105

LEVEL_TOKENS = {
    Visibility.PUBLIC: PUBLIC,
    Visibility.PARTNERS: PARTNERS_TOKEN,
    Visibility.NETWORK: NETWORK_TOKEN,
}


def plain(html: str) -> str:
    """Rich text as plain text (block ends become line breaks)."""
    if not html:
        return ""
    text = html.replace("</p>", "</p>\n").replace("<br/>", "\n").replace("<br>", "\n")
    return normalize_newlines(strip_tags(text)).strip()


class ResourceDocument(SearchDocument):
    doc_type = "toolbox.resource"
    label = _("Toolbox resource")
    model = Resource
    plugin = "toolbox"
    extra_fields = {"kind": "keyword", "situation": "keyword", "channel": "keyword"}

    def queryset(self):
        return Resource.objects.filter(live=True).prefetch_related("items", "faq_entries")

    def prepare(self, resource) -> IndexedDocument | None:
        token = LEVEL_TOKENS.get(resource.visibility)
        if not resource.live or token is None:
            return None
        parts = [resource.summary, plain(resource.body), resource.template_text]
        parts += [
            "\n".join(part for part in (item.text, item.help_text) if part)
            for item in resource.items.all()
        ]
        parts += [
            f"{entry.question}\n{plain(entry.answer)}" for entry in resource.faq_entries.all()
        ]
        return IndexedDocument(
            doc_type=self.doc_type,
            object_id=str(resource.pk),
            title=resource.title,
            body="\n\n".join(part.strip() for part in parts if part and part.strip()),
            url=resource.get_absolute_url(),
            access=(token,),
            updated_at=resource.last_published_at or resource.updated_at,
            plugin=self.plugin,
            module_areas=MODULE_AREAS,
            extra={
                "kind": resource.kind,
                "situation": resource.situation,
                "channel": resource.channel,
            },
        )


def viewer_tokens(user) -> list[str]:
    """The toolbox tokens ``user`` holds (a logged-in, active account)."""
    levels = toolbox_viewer(user).levels
    return [LEVEL_TOKENS[level] for level in levels if LEVEL_TOKENS[level] != PUBLIC]


def reindex_resource(pk) -> None:
    """Re-index the resource ``pk`` once the transaction commits."""
    from search.indexing import schedule

    schedule(Resource, pk)


@receiver(search_documents, dispatch_uid="toolbox.search.documents")
def toolbox_documents(sender, **kwargs):
    """Hook ``search_documents``: the toolbox indexes its published resources."""
    return ["toolbox.search.ResourceDocument"]


@receiver(search_access_tokens, dispatch_uid="toolbox.search.tokens")
def toolbox_search_tokens(sender, user, **kwargs):
    """Hook ``search_access_tokens``: ``toolbox:partners`` for partners and members,
    ``toolbox:network`` for members only."""
    return viewer_tokens(user)


@receiver(published, sender=Resource, dispatch_uid="toolbox.search.published")
def resource_published(sender, instance, **kwargs):
    """Wagtail's ``published`` for a resource: index its new live version."""
    reindex_resource(instance.pk)


@receiver(unpublished, sender=Resource, dispatch_uid="toolbox.search.unpublished")
def resource_unpublished(sender, instance, **kwargs):
    """Wagtail's ``unpublished`` for a resource: its document is removed."""
    reindex_resource(instance.pk)


@receiver(post_delete, sender=Resource, dispatch_uid="toolbox.search.deleted")
def resource_deleted(sender, instance, **kwargs):
    """A deleted resource: its document is removed (``prepare`` finds no object)."""
    reindex_resource(instance.pk)
