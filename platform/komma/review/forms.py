"""Forms of the review app."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TakeOfflineForm(forms.Form):
    """An administrator takes a page offline in an emergency; the reason is required."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required. Logged with your pseudonym and the time."),
    )
