"""Forms of the forums. They parse; ``actions`` validate again and decide.

Uploaded files are read into ``actions.Upload`` here, each at most one byte over
the largest size limit, so an oversized file is refused without reading it whole.
"""

import uuid

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from . import actions
from .models import (
    BODY_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AdviceWanted,
    DigestFrequency,
    ForumProfile,
    WatchLevel,
)

READ_LIMIT = max(actions.PDF_MAX_BYTES, actions.IMAGE_MAX_BYTES) + 1
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _body_field(label, rows=10, required=True):
    # A validator, not max_length: browsers silently cut a pasted text at maxlength.
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
        widget=forms.Textarea(attrs={"rows": rows, "class": "forum-editor"}),
    )


class _UploadsMixin:
    """Attachments and their descriptions; ``uploads()`` gives ``actions.Upload``s."""

    def uploads(self) -> list[actions.Upload]:
        files = self.cleaned_data.get("attachments") or []
        descriptions = [
            line.strip() for line in (self.cleaned_data.get("descriptions") or "").splitlines()
        ]
        result = []
        images = 0
        for upload in files:
            upload.seek(0)
            data = upload.read(READ_LIMIT)
            alt_text = ""
            if not data.startswith(b"%PDF-"):
                alt_text = descriptions[images] if images < len(descriptions) else ""
                images += 1
            result.append(actions.Upload(name=upload.name or "", data=data, alt_text=alt_text))
        return result


def _attachment_fields():
    return {
        "attachments": MultipleFileField(
            label=_("Attachments"),
            help_text=_(
                "Images (JPEG, PNG, WebP, up to 5 MB) and PDF files (up to 10 MB), at most "
                "5 files. Location and camera data are removed from images."
            ),
        ),
        "descriptions": forms.CharField(
            label=_("Descriptions of the images"),
            required=False,
            max_length=1500,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_(
                "One line per image, in the order of the files: what the image shows, for "
                "people who cannot see it."
            ),
        ),
    }


class _TokenMixin(forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4())

    def token(self):
        return self.cleaned_data.get("client_token") or None


class ThreadForm(_UploadsMixin, _TokenMixin):
    """A new discussion: title, text, attachments."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = _body_field(_("Your post"), rows=12)
    attachments = _attachment_fields()["attachments"]
    descriptions = _attachment_fields()["descriptions"]

    field_order = ["title", "body", "attachments", "descriptions"]


class CaseForm(_UploadsMixin, _TokenMixin):
    """A case for peer consulting ("Fall einbringen"), in a structured form."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("A short description without names of people or places."),
    )
    situation = _body_field(_("Situation"), rows=8)
    key_question = forms.CharField(
        label=_("Key question"),
        max_length=300,
        help_text=_("What do you want to know from your colleagues?"),
    )
    tried = _body_field(_("What has been tried so far"), rows=5, required=False)
    advice_wanted = forms.MultipleChoiceField(
        label=_("What kind of advice do you want?"),
        choices=AdviceWanted.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    anonymous = forms.BooleanField(
        label=_("Post this case anonymously"),
        required=False,
        help_text=_(
            "Other members then see “Member of a model municipality” instead of your "
            "pseudonym, also on your replies in this case. The moderators of this area "
            "still see your pseudonym (never your real name)."
        ),
    )
    attachments = _attachment_fields()["attachments"]
    descriptions = _attachment_fields()["descriptions"]

    field_order = [
        "title", "situation", "key_question", "tried", "advice_wanted", "anonymous",
        "attachments", "descriptions",
    ]  # fmt: skip

    def case(self) -> actions.CaseDetails:
        data = self.cleaned_data
        return actions.CaseDetails(
            situation=data.get("situation", ""),
            key_question=data.get("key_question", ""),
            tried=data.get("tried", ""),
            advice_wanted=list(data.get("advice_wanted") or []),
        )


class ReplyForm(_UploadsMixin, _TokenMixin):
    """A reply at the bottom of a thread (``quoted``: the post being quoted)."""

    body = _body_field(_("Your reply"), rows=8)
    quoted = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    attachments = _attachment_fields()["attachments"]
    descriptions = _attachment_fields()["descriptions"]

    field_order = ["body", "attachments", "descriptions"]


class EditForm(forms.Form):
    """Edit a post; the title of an opening post; a reason when moderating."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = _body_field(_("Text"), rows=12)
    reason = forms.CharField(
        label=_("Reason for the edit"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The author is told about the edit and this reason. It is logged."),
    )

    def __init__(self, *args, with_title: bool, moderating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]
        if not moderating:
            del self.fields["reason"]


class WatchForm(forms.Form):
    """How closely to follow a thread or category."""

    level = forms.ChoiceField(
        label=_("Notifications"), choices=WatchLevel.choices, widget=forms.RadioSelect
    )


class PreferencesForm(forms.ModelForm):
    """The member's e-mail digest."""

    class Meta:
        model = ForumProfile
        fields = ["digest"]
        widgets = {"digest": forms.RadioSelect}
        help_texts = {
            "digest": _(
                "The digest e-mail lists the titles of threads with new posts and links to "
                "them. It never contains the text of posts."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["digest"].choices = DigestFrequency.choices
