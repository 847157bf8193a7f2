"""Forms parse and present input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class AddItemForm(ReasonForm):
    scenario = forms.IntegerField(label=_("Scenario"), min_value=1)


class ConfirmForm(forms.Form):
    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
