"""Forms of the conversations app. The actions validate again: forms only parse."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH


class _BodyMixin:
    """The message field's help text names the limit, in the language of the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = gettext("Up to %(n)d characters.") % {"n": BODY_MAX_LENGTH}


def _body_field(label, rows):
    # A validator, not max_length: max_length would also set the textarea's maxlength,
    # and browsers silently cut a pasted text there. Too long gets a message instead,
    # with the whole draft kept.
    return forms.CharField(
        label=label,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StartConversationForm(_BodyMixin, forms.Form):
    """Subject and first message of a new conversation."""

    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = _body_field(_("Message"), 8)


class ReplyForm(_BodyMixin, forms.Form):
    """A reply at the bottom of a conversation."""

    body = _body_field(_("Your reply"), 6)


class ArchiveForm(forms.Form):
    """Archive ("1") or move back to the inbox ("0")."""

    archived = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )
