import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scenariohub.core.models import Outcome


class AuditFilterForm(forms.Form):
    """The auditor's search: every field optional, all of them combined (AND). Dates are platform days."""

    date_from = forms.DateField(
        label=pgettext_lazy("audit trail", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("audit trail", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actor = forms.CharField(
        label=pgettext_lazy("audit trail", "Actor"),
        required=False,
        max_length=150,
        help_text=_("User name or display name"),
    )
    organisation = forms.CharField(
        label=pgettext_lazy("audit trail", "Organisation"), required=False, max_length=120
    )
    action = forms.CharField(
        label=pgettext_lazy("audit trail", "Action"),
        required=False,
        max_length=64,
        help_text=_("Beginning of the action, e.g. scenario. or request.post"),
    )
    object = forms.CharField(
        label=pgettext_lazy("audit trail", "Object"),
        required=False,
        max_length=300,
        help_text=_("Type, id, or type#id, e.g. scenarios.scenario#12"),
    )
    outcome = forms.ChoiceField(
        label=pgettext_lazy("audit trail", "Outcome"),
        required=False,
        choices=[("", _("— all —")), *Outcome.choices],
    )
    ip = forms.GenericIPAddressField(label=pgettext_lazy("audit trail", "IP address"), required=False)
    request_id = forms.RegexField(
        label=pgettext_lazy("audit trail", "Request id"),
        required=False,
        regex=r"^[0-9a-f]{32}$",
        error_messages={"invalid": _("32 hexadecimal characters.")},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data

    def filters(self) -> dict:
        """The valid, non-empty filters, as strings (for the export's record and the page links)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            out[name] = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        return {k: v for k, v in out.items() if v}
