"""Signal receivers of the page tree."""

from django.dispatch import receiver
from wagtail.signals import page_published

from .visibility import RANK


@receiver(page_published)
def tighten_descendants(sender, instance, **kwargs):
    """A page that became more closed closes its published descendants with it.

    Listings filter on each page's own level; this keeps "a page is never more open
    than its parent" true when the parent changes after its children were written.
    The children's drafts still hold the old level; ``ContentPage.with_content_json``
    closes them to the parent's level when they are published, previewed or edited.
    """
    from .models import ContentPage

    level = getattr(instance, "visibility", None)
    if level is None:
        return
    looser = [other for other, rank in RANK.items() if rank < RANK.get(level, 0)]
    if looser:
        ContentPage.objects.descendant_of(instance).filter(visibility__in=looser).update(
            visibility=level
        )
