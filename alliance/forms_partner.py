"""Forms of the partner self-service, the public application and the local alliances.

Forms only parse; ``proposals`` and ``local`` validate again before anything is written.
An entry form turns into a proposal *payload* (see ``proposals.snapshot``) and back.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from komma.accounts.choices import Bundesland

from .models import (
    DESCRIPTION_MAX_LENGTH,
    LANGUAGES,
    NAME_MAX_LENGTH,
    Category,
    ChannelKind,
    ChannelVisibility,
    ParticipationRole,
    ServiceAreaScope,
    Status,
    Topic,
)

REASON_MAX_LENGTH = 1_000
CHOOSE = [("", "---------")]


class EntryForm(forms.Form):
    """The organisation's own fields and its seat (HSDS organization + location)."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    alternate_name = forms.CharField(
        label=_("Alternate name"), max_length=NAME_MAX_LENGTH, required=False,
        help_text=_("Short name or abbreviation, e.g. “RAA”."),
    )  # fmt: skip
    category = forms.ChoiceField(label=_("Category"), choices=CHOOSE + list(Category.choices))
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https",
        error_messages={"invalid": _("Please enter a web address such as https://example.org.")},
    )  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), to_field_name="slug", required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"), choices=list(LANGUAGES.items()), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    accessibility = forms.CharField(
        label=_("Accessibility"), max_length=1_000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Step-free access, sign language, accessible documents, ..."),
    )  # fmt: skip
    location_name = forms.CharField(
        label=_("Name of the location"), max_length=NAME_MAX_LENGTH, required=False
    )
    address_1 = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"), regex=r"^\d{5}$", required=False,
        error_messages={"invalid": _("A German postal code has 5 digits.")},
    )  # fmt: skip
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    bundesland = forms.ChoiceField(
        label=_("Federal state"), choices=CHOOSE + list(Bundesland.choices)
    )
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90,
        help_text=_("Decimal degrees, e.g. 51.34 (optional; used for the distance search)."),
    )  # fmt: skip
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180,
        help_text=_("Decimal degrees, e.g. 12.37."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Please give both latitude and longitude, or neither."))
        return data


class ChannelForm(forms.Form):
    # An empty first choice: a blank extra row is left out, not "a phone without number".
    kind = forms.ChoiceField(label=_("Kind"), choices=CHOOSE + list(ChannelKind.choices))
    value = forms.CharField(label=_("Phone number, address, name, ..."), max_length=300)
    label = forms.CharField(
        label=_("Label"), max_length=100, required=False,
        help_text=_("E.g. “Hotline (Mon–Fri 9–17)” or the contact person's function."),
    )  # fmt: skip
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=ChannelVisibility.choices,
        initial=ChannelVisibility.NETWORK,
    )  # fmt: skip


class AreaForm(forms.Form):
    scope = forms.ChoiceField(label=_("Works"), choices=CHOOSE + list(ServiceAreaScope.choices))
    bundesland = forms.ChoiceField(
        label=_("Federal state"), choices=CHOOSE + list(Bundesland.choices), required=False
    )
    ags = forms.RegexField(
        label=_("AGS"), regex=r"^(\d{5}|\d{8})$", required=False,
        help_text=_("5 digits for a district, 8 digits for a municipality."),
        error_messages={"invalid": _("An AGS has 5 (district) or 8 (municipality) digits.")},
    )  # fmt: skip
    name = forms.CharField(label=_("Name of the area"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == ServiceAreaScope.BUNDESLAND and not data.get("bundesland"):
            self.add_error("bundesland", _("Choose the federal state."))
        if scope == ServiceAreaScope.KREIS and len(data.get("ags") or "") != 5:
            self.add_error("ags", _("A district has a 5-digit AGS."))
        if scope == ServiceAreaScope.MUNICIPALITY and len(data.get("ags") or "") != 8:
            self.add_error("ags", _("A municipality has an 8-digit AGS."))
        return data


ChannelFormSet = forms.formset_factory(
    ChannelForm, extra=2, can_delete=True, max_num=30, validate_max=True
)
AreaFormSet = forms.formset_factory(AreaForm, extra=1, can_delete=True, max_num=30,
                                    validate_max=True)  # fmt: skip


def _rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append({key: value for key, value in data.items() if key != "DELETE"})
    return rows


class EntryForms:
    """The entry form with its channel and service-area formsets, as one unit."""

    def __init__(self, data=None, payload: dict | None = None, *, areas=True):
        payload = payload or {}
        initial = {}
        if payload:
            location = payload.get("location") or {}
            initial = {
                **{k: payload.get(k) for k in ("name", "alternate_name", "category",
                                               "description", "website", "status",
                                               "accessibility", "topics", "languages")},
                "location_name": location.get("name", ""),
                **{k: location.get(k) for k in ("address_1", "postal_code", "city", "bundesland",
                                                "latitude", "longitude")},
            }  # fmt: skip
        self.entry = EntryForm(data, initial=initial, prefix="entry")
        self.channels = ChannelFormSet(
            data, initial=payload.get("channels") or None, prefix="channels"
        )
        self.areas = (
            AreaFormSet(data, initial=payload.get("service_areas") or None, prefix="areas")
            if areas
            else None
        )

    def is_valid(self) -> bool:
        valid = [self.entry.is_valid(), self.channels.is_valid()]
        if self.areas is not None:
            valid.append(self.areas.is_valid())
        return all(valid)

    def payload(self) -> dict:
        data = self.entry.cleaned_data
        result = {
            "name": data["name"].strip(),
            "alternate_name": data["alternate_name"].strip(),
            "category": data["category"],
            "description": data["description"].strip(),
            "website": data["website"],
            "status": data["status"],
            "accessibility": data["accessibility"].strip(),
            "topics": sorted(topic.slug for topic in data["topics"]),
            "languages": list(data["languages"]),
            "location": {
                "name": data["location_name"].strip(),
                "address_1": data["address_1"].strip(),
                "postal_code": data["postal_code"],
                "city": data["city"].strip(),
                "bundesland": data["bundesland"],
                "latitude": data["latitude"],
                "longitude": data["longitude"],
            },
            "channels": _rows(self.channels),
        }
        if self.areas is not None:
            result["service_areas"] = _rows(self.areas)
        return result


class ApplicationForm(forms.Form):
    """The public application of a new organisation (no login)."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=NAME_MAX_LENGTH)
    category = forms.ChoiceField(label=_("Category"), choices=CHOOSE + list(Category.choices))
    description = forms.CharField(
        label=_("What does your organisation do?"), max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https",
        error_messages={"invalid": _("Please enter a web address such as https://example.org.")},
    )  # fmt: skip
    bundesland = forms.ChoiceField(
        label=_("Federal state"), choices=CHOOSE + list(Bundesland.choices)
    )
    city = forms.CharField(label=_("City"), max_length=100)
    applicant_name = forms.CharField(
        label=_("Your name"), max_length=200, required=False,
        help_text=_("Only for the editorial team's reply; never published."),
    )  # fmt: skip
    applicant_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("Only for the editorial team's reply; never published."),
    )
    # The honeypot: hidden from people (and from assistive technology), filled by bots.
    homepage_url = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=300,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )  # fmt: skip

    def payload(self, channels: list[dict]) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "alternate_name": "",
            "category": data["category"],
            "description": data["description"].strip(),
            "website": data["website"],
            "status": Status.ACTIVE,
            "accessibility": "",
            "topics": [],
            "languages": [],
            "location": {
                "name": "",
                "address_1": "",
                "postal_code": "",
                "city": data["city"].strip(),
                "bundesland": data["bundesland"],
                "latitude": None,
                "longitude": None,
            },
            "channels": channels,
            "service_areas": [],
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason.")},
    )  # fmt: skip


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the organisation (optional)"), max_length=REASON_MAX_LENGTH,
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class LocalAllianceForm(forms.Form):
    name = forms.CharField(label=_("Name of the alliance"), max_length=NAME_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip


class ParticipationForm(forms.Form):
    organization = forms.CharField(
        label=_("Organisation (name or address of its entry)"), max_length=220,
        help_text=_("Type the name as in the directory; several matches are listed."),
    )  # fmt: skip
    role = forms.ChoiceField(label=_("Role"), choices=ParticipationRole.choices)
    since = forms.DateField(
        label=_("Taking part since"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a date such as 2025-03-31.")},
    )  # fmt: skip


class ParticipationEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ParticipationRole.choices)
    since = forms.DateField(
        label=_("Taking part since"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a date such as 2025-03-31.")},
    )  # fmt: skip


class InviteForm(forms.Form):
    organization = forms.CharField(
        label=_("Organisation (name or address of its entry)"), max_length=220
    )
    role = forms.ChoiceField(label=_("Role"), choices=ParticipationRole.choices)
    message = forms.CharField(
        label=_("Message to the organisation (optional)"), max_length=1_000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
