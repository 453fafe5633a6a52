"""Template tags that show a person: the template side of the one rendering path."""

from django import template

from ..presentation import present_person

register = template.Library()


def _viewer(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("accounts/tags/person.html", takes_context=True)
def person(context, subject, link=True):
    """Avatar and pseudonym, linked to the profile where the viewer may open it."""
    return {"card": present_person(subject, _viewer(context), with_identity=False), "link": link}


@register.inclusion_tag("accounts/tags/person_card.html", takes_context=True)
def person_card(context, subject):
    """The full card: avatar, pseudonym, bio and the identity fields the viewer may see."""
    return {"card": present_person(subject, _viewer(context))}
