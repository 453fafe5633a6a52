"""Form helpers shared by the views of the core and the plugins."""

from django.core.exceptions import ValidationError


def add_action_errors(form, exc: ValidationError) -> None:
    """Put an action's ``ValidationError`` on the form: per field where the field
    exists, the rest above the form. The form keeps what the user typed."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
