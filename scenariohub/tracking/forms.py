"""Forms of the tracking pages. They only shape input; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scenariohub.tracking.models import AMOUNT_MAX_YUAN, DURATION_MAX_MONTHS, CooperationStatus, RiskLevel

DATE = forms.DateInput(attrs={"type": "date"})
METRIC_ROWS = 6


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CooperationForm(forms.Form):
    parties = forms.CharField(
        label=_("Parties to the agreement"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who signed: the scenario owner, the supplier and any consortium members."),
    )
    signed_on = forms.DateField(label=_("Signing date"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, max_value=AMOUNT_MAX_YUAN, max_digits=14, decimal_places=2
    )
    duration_months = forms.IntegerField(
        label=_("Duration (months)"), min_value=1, max_value=DURATION_MAX_MONTHS
    )
    scope = forms.CharField(
        label=_("Scope of the cooperation"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(
        label=_("Signed agreement (PDF, Word, Excel or image)"),
        required=False,
        help_text=_("Files are checked by their content; at most 10."),
    )


class StartForm(forms.Form):
    started_on = forms.DateField(label=_("Work started on"), widget=DATE, required=False)


class TerminateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=100)
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)


class MilestoneEditForm(MilestoneForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("planned", _("Planned")), ("in_progress", _("In progress"))]
    )


class CompleteForm(forms.Form):
    done_on = forms.DateField(label=_("Actual date"), widget=DATE)


class ReportForm(forms.Form):
    reported_on = forms.DateField(label=_("Report date"), widget=DATE, required=False)
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(label=_("Attachments"), required=False)


class FollowUpForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.NONE)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How it was resolved"), max_length=1000, required=False)


class PilotForm(forms.Form):
    accepted_on = forms.DateField(label=_("Acceptance date"), widget=DATE)
    report = forms.CharField(
        label=_("Acceptance report"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(METRIC_ROWS):
            self.fields[f"metric_{i}_name"] = forms.CharField(
                label=_("Metric"), max_length=60, required=False
            )
            self.fields[f"metric_{i}_before"] = forms.CharField(
                label=_("Before"), max_length=30, required=False
            )
            self.fields[f"metric_{i}_after"] = forms.CharField(
                label=_("After"), max_length=30, required=False
            )
            self.fields[f"metric_{i}_unit"] = forms.CharField(label=_("Unit"), max_length=20, required=False)

    def metric_rows(self):
        return [
            [self[f"metric_{i}_{part}"] for part in ("name", "before", "after", "unit")]
            for i in range(METRIC_ROWS)
        ]

    def service_data(self) -> dict:
        data = {"accepted_on": self.cleaned_data["accepted_on"], "report": self.cleaned_data["report"]}
        data["metrics"] = [
            {
                part: self.cleaned_data.get(f"metric_{i}_{part}") or ""
                for part in ("name", "before", "after", "unit")
            }
            for i in range(METRIC_ROWS)
        ]
        return data


class SheetUploadForm(forms.Form):
    file = forms.FileField(label=_("Tracking sheet (.xlsx)"))


class ListFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("City"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + CooperationStatus.choices
    )
    year = forms.IntegerField(label=_("Year signed"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("Overdue milestones only"), required=False)
    risk = forms.BooleanField(label=_("Open risks only"), required=False)

    def __init__(self, *args, show_region: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if show_region:
            from scenariohub.reference import selectors as ref

            self.fields["region"].choices = [("", _("All"))] + list(ref.region_names().items())
        else:  # a city sees its own region only
            del self.fields["region"]
