"""Forms of the live sessions' pages. They parse; ``scheduling`` and ``minutes``
validate again and decide (so every rule holds for every caller)."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import REASON_MAX_LENGTH, TITLE_MAX_LENGTH, Audience
from .scheduling import SessionPlan, split_pseudonyms

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ScheduleForm(forms.Form):
    """Schedule or change a session. People are entered by pseudonym."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[MaxLengthValidator(2_000)],
        help_text=_("What the session is about. Please name no people or places."),
    )
    starts_at = forms.DateTimeField(
        label=_("Start"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("Date and time (German time)."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), initial=90, min_value=1, max_value=10_000
    )
    audience = forms.ChoiceField(
        label=_("Who may be invited"), choices=Audience.choices, initial=Audience.MODEL
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        initial=9,
        min_value=1,
        max_value=1_000,
        help_text=_("The most participants in the room besides the facilitator."),
    )
    case_giver = forms.CharField(
        label=_("Case giver (pseudonym)"),
        required=False,
        max_length=40,
        help_text=_("Leave empty to cast the case giver in the room."),
    )
    invitees = forms.CharField(
        label=_("Invited participants (pseudonyms)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[MaxLengthValidator(2_000)],
        help_text=_(
            "Separated by commas or line breaks. The case giver is invited anyway. "
            "Invitees get an e-mail with the title, time and link, but no names."
        ),
    )

    def plan(self) -> SessionPlan:
        data = self.cleaned_data
        return SessionPlan(
            title=data["title"],
            description=data.get("description", ""),
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            audience=data["audience"],
            capacity=data["capacity"],
            case_giver=data.get("case_giver", ""),
            invitees=split_pseudonyms(data.get("invitees", "")),
        )

    @classmethod
    def initial_from(cls, plan: SessionPlan) -> dict:
        return {
            "title": plan.title,
            "description": plan.description,
            "starts_at": plan.starts_at,
            "duration_minutes": plan.duration_minutes,
            "audience": plan.audience,
            "capacity": plan.capacity,
            "case_giver": plan.case_giver,
            "invitees": ", ".join(plan.invitees),
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (for the log, not sent to the invitees)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[MaxLengthValidator(REASON_MAX_LENGTH)],
    )


class MinutesForm(forms.Form):
    """Download options of the minutes (GET)."""

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("md", _("Markdown (.md)")), ("txt", _("Plain text (.txt)"))],
        initial="md",
        widget=forms.RadioSelect,
    )
    chat = forms.BooleanField(label=_("with chat history"), required=False)


class DraftForm(forms.Form):
    """The case giver's draft: text, forum category and anonymity."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        validators=[MaxLengthValidator(20_000)],
    )
    category = forms.TypedChoiceField(label=_("Forum category"), coerce=int, choices=())
    anonymous = forms.BooleanField(
        label=_("Post anonymously (members see “Member of a model municipality”)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(t.id, t.label) for t in targets]
