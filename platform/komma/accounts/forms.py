"""Forms of the accounts app. Every label and message is translated."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Municipality, User
from .pseudonyms import suggest_pseudonym
from .roles import ROLES
from .validators import validate_pseudonym


def clean_unique_pseudonym(value: str, exclude_pk=None) -> str:
    """Validate the pseudonym's form and that nobody else uses it (case-insensitive)."""
    value = (value or "").strip()
    validate_pseudonym(value)
    taken = User.objects.filter(pseudonym__iexact=value)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise forms.ValidationError(_("This pseudonym is already taken."), code="taken")
    return value


IDENTITY_HELP = _("Optional. Nobody sees it unless you allow it in your privacy settings.")


class PseudonymSignupForm(forms.Form):
    """Extra fields of the invitation sign-up (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=30,
        help_text=_("How others see you. 3-30 letters, digits, dot, hyphen or underscore."),
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, help_text=IDENTITY_HELP
    )
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    office = forms.CharField(label=_("Office or function"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["pseudonym"].initial = suggest_pseudonym()

    def clean_pseudonym(self):
        return clean_unique_pseudonym(self.cleaned_data.get("pseudonym"))

    def signup(self, request, user):
        """Fields are applied in ``AccountAdapter.save_user`` (one save, one transaction)."""


class ProfileForm(forms.ModelForm):
    """The member's pseudonymous profile and optional identity."""

    class Meta:
        model = User
        fields = ["pseudonym", "bio", "first_name", "last_name", "office"]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "office": _("Office or function"),
        }
        help_texts = {
            "bio": _("Up to 500 characters, shown with your pseudonym."),
            "first_name": IDENTITY_HELP,
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 500})}

    def clean_pseudonym(self):
        return clean_unique_pseudonym(self.cleaned_data.get("pseudonym"), self.instance.pk)


class PrivacyForm(forms.ModelForm):
    """Who may see real name, municipality and office."""

    class Meta:
        model = User
        fields = ["real_name_visibility", "municipality_visibility", "office_visibility"]
        widgets = {
            "real_name_visibility": forms.RadioSelect,
            "municipality_visibility": forms.RadioSelect,
            "office_visibility": forms.RadioSelect,
        }


class InvitationForm(forms.Form):
    """Invite someone by e-mail into a municipality (roles for admins only)."""

    email = forms.EmailField(label=_("E-mail address"))
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False
    )
    as_coordinator = forms.BooleanField(
        label=_("Invite as municipal coordinator (may invite colleagues)"), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=[(key, role.group_name) for key, role in ROLES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, municipalities, allow_roles: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        only = list(municipalities[:2])
        if len(only) == 1:  # a coordinator of one municipality: nothing to choose
            self.fields["municipality"].initial = only[0].pk
            self.fields["municipality"].empty_label = None
        if not allow_roles:
            del self.fields["roles"]
            self.fields["municipality"].required = True

    def clean(self):
        data = super().clean()
        if data.get("as_coordinator") and not data.get("municipality"):
            self.add_error("municipality", _("A coordinator needs a municipality."))
        return data


class DeleteAccountForm(forms.Form):
    """Confirm the deletion with the password and the word LÖSCHEN / DELETE."""

    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        help_text=_("This cannot be undone."),
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip().upper()
        if value not in {str(_("DELETE")).upper(), "DELETE"}:
            raise forms.ValidationError(_("Please type DELETE to confirm."))
        return value


class RevealIdentityForm(forms.Form):
    """An admin's request to see a member's identity; the reason is required."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required. The member will see this reason."),
    )


class MemberRolesForm(forms.Form):
    """An admin changes a member's roles or active state; the reason is logged."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=[(key, role.group_name) for key, role in ROLES.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(
        label=_("Account active"),
        required=False,
        help_text=_("An inactive member cannot log in; open connections are closed."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Goes into the audit log."),
    )
