"""Forms of the incident records. They parse; ``toolbox.incidents`` validates again
and decides.

The screenshot is read here into ``incidents.ScreenshotUpload``, at most one byte
over the size limit, so an oversized file is refused without reading it whole.
"""

from django import forms
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import incidents
from .models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (local time, minutes)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class HttpURLField(forms.URLField):
    """A web address with http or https only (no javascript:, data:, ftp:, ...), with
    one clear message instead of Django's general one."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {
        "invalid": _("Please enter a web address starting with http:// or https://.")
    }


def _now_for_input() -> str:
    return timezone.localtime().strftime(DATETIME_FORMAT)


def _long_text(label, help_text, rows):
    # A validator, not max_length: browsers silently cut a pasted text at maxlength,
    # and evidence must not be cut without the writer noticing.
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class IncidentForm(forms.Form):
    """The fields of a record, in the order of the evidence guidance."""

    title = forms.CharField(
        label=_("Short description"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("A few words so that your colleagues recognise the incident."),
    )
    occurred_at = forms.DateTimeField(
        label=_("Date and time of the incident"),
        help_text=_("When the post was published or the incident happened (local time)."),
        widget=LocalDateTimeInput(),
    )
    platform = forms.CharField(
        label=_("Platform or place"),
        max_length=incidents.SHORT_MAX_LENGTH,
        help_text=_("For example Instagram, Facebook, X, a letter, the town hall."),
    )
    url = HttpURLField(
        label=_("URL"),
        required=False,
        max_length=incidents.URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("The address of the post itself (not only of the profile)."),
        widget=forms.URLInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )
    content_text = _long_text(
        _("Text of the post or message"),
        _("Copy the full text unchanged, including mistakes and emojis."),
        8,
    )
    account_name = forms.CharField(
        label=_("Account name"),
        required=False,
        max_length=incidents.SHORT_MAX_LENGTH,
        help_text=_("The name as shown, for example @name; the profile URL goes into the context."),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    context = _long_text(
        _("Context"),
        _(
            "What happened before and after, whom the post addressed, the profile URL, "
            "witnesses, reports to the platform or the police."
        ),
        5,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["maxlength"] = TITLE_MAX_LENGTH

    @classmethod
    def for_record(cls, record, data=None):
        """The form filled with ``record`` (or with ``data`` when posted)."""
        initial = {name: getattr(record, name) for name in incidents._FIELD_NAMES}
        initial["occurred_at"] = timezone.localtime(record.occurred_at)
        return cls(data, initial=initial)

    def to_fields(self) -> incidents.IncidentFields:
        data = self.cleaned_data
        return incidents.IncidentFields(
            title=data["title"],
            occurred_at=data["occurred_at"],
            platform=data["platform"],
            url=data.get("url") or "",
            content_text=data.get("content_text") or "",
            account_name=data.get("account_name") or "",
            context=data.get("context") or "",
        )


class ScreenshotForm(forms.Form):
    """One screenshot with the time it was taken and a caption."""

    file = forms.FileField(
        label=_("Screenshot"),
        help_text=_(
            "JPEG, PNG or WebP, at most 10 MB. Location and camera data are removed. "
            "Show the date, the time, the account and the address in the screenshot."
        ),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    captured_at = forms.DateTimeField(
        label=_("Taken on"),
        help_text=_("When the screenshot was taken (local time)."),
        widget=LocalDateTimeInput(),
    )
    caption = forms.CharField(
        label=_("Caption"),
        required=False,
        max_length=incidents.CAPTION_MAX_LENGTH,
        help_text=_("Optional: what the screenshot shows."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"captured_at": _now_for_input()})
        super().__init__(*args, **kwargs)

    def upload(self) -> incidents.ScreenshotUpload:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return incidents.ScreenshotUpload(
            data=upload.read(incidents.SCREENSHOT_MAX_BYTES + 1),
            captured_at=self.cleaned_data["captured_at"],
            caption=self.cleaned_data.get("caption") or "",
        )
