"""Template helpers for forms."""

from django import template

register = template.Library()


@register.filter
def has_required_fields(form) -> bool:
    """Whether any visible field of ``form`` is required (to explain the asterisk)."""
    return any(field.field.required for field in form.visible_fields())
