"""Forms parse and present input; eligibility and the decision rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scenariohub.accounts.models import Organisation, Role
from scenariohub.support.models import ApplicationStatus
from scenariohub.support.rules import Measure


class ApplicationForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    link = forms.ChoiceField(label=_("Linked to"), choices=())
    summary = forms.CharField(
        label=_("What the support is for"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    amount_requested = forms.DecimalField(
        label=_("Amount requested (10k yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "For vouchers, subsidies, funds and projects; leave empty for recommendations and first-set policies."
        ),
    )

    def __init__(self, *args, cooperations, cases, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— choose —"))]
        choices += [
            (
                f"cooperation:{c.pk}",
                _("Cooperation: %(title)s (%(status)s)")
                % {"title": c.scenario.title, "status": c.get_status_display()},
            )
            for c in cooperations
        ]
        choices += [
            (
                f"case:{c.pk}",
                _("Benchmark case: %(title)s (%(status)s)")
                % {"title": c.title, "status": c.get_status_display()},
            )
            for c in cases
        ]
        self.fields["link"].choices = choices

    def link_ids(self) -> tuple[int | None, int | None]:
        kind, _sep, pk = self.cleaned_data["link"].partition(":")
        return (int(pk), None) if kind == "cooperation" else (None, int(pk))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("support decision", "Decision"),
        choices=[(ApplicationStatus.GRANTED, _("Grant")), (ApplicationStatus.REFUSED, _("Refuse"))],
    )
    amount_granted = forms.DecimalField(
        label=_("Amount granted (10k yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when refusing; the applicant reads it."),
    )


class DepartmentForm(forms.Form):
    measure = forms.ChoiceField(choices=Measure.choices, widget=forms.HiddenInput)
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        required=False,
        empty_label=_("— only the office —"),
        queryset=Organisation.objects.filter(type=Role.DEPARTMENT).order_by("name"),
    )


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
