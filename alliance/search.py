"""Search documents of the alliance directory: one per listed organisation.

Directory entries are public (``access``), so the documents carry the token
``public``. Only name, alternate name, category, description, topics and city go
into the index — no contact channel at all, whatever its visibility: a phone
number or a contact person's name cannot be found through the site search, and an
index can never leak a hidden channel. Inactive entries are not indexed.
"""

from django.utils.translation import gettext_lazy as _

from search.access import PUBLIC
from search.documents import IndexedDocument, SearchDocument

from .access import LISTED_STATUSES
from .models import Organization

MODULE_AREAS = ("1a",)


class OrganizationDocument(SearchDocument):
    doc_type = "alliance.organization"
    label = _("Alliance directory")
    model = Organization
    plugin = "alliance"

    def queryset(self):
        return (
            Organization.objects.filter(status__in=LISTED_STATUSES)
            .select_related("location")
            .prefetch_related("topics")
        )

    def prepare(self, org) -> IndexedDocument | None:
        if org.status not in LISTED_STATUSES:
            return None
        location = getattr(org, "location", None)
        topics = [t.name for t in org.topics.all()]
        city = location.city if location else ""
        body = "\n".join(
            part for part in (
                org.alternate_name, str(org.get_category_display()), org.description,
                ", ".join(topics), city,
            ) if part
        )  # fmt: skip
        return IndexedDocument(
            doc_type=self.doc_type,
            object_id=str(org.pk),
            title=org.name,
            body=body,
            url=org.get_absolute_url(),
            access=(PUBLIC,),
            updated_at=org.updated_at,
            plugin=self.plugin,
            module_areas=MODULE_AREAS,
            bundesland=location.bundesland if location else "",
            extra={"origin": ", ".join(p for p in (str(org.get_category_display()), city) if p)},
        )


def reindex_organization(pk: int) -> None:
    """Re-index after changes that send no save signal of the organisation itself
    (its location, topics, queryset updates)."""
    from search.indexing import schedule

    schedule(Organization, pk)
