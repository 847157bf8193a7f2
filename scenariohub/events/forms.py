"""Forms parse and present input; the rules live in services (which report problems by field)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scenariohub.events.models import AvailabilityKind, Channel
from scenariohub.reference.models import Region, Sector


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


def region_field(*, required: bool, label) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=Region.objects.order_by("position"), required=required, label=label,
                                  empty_label=_("— choose —"))


class EventForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    title = forms.CharField(label=pgettext_lazy("release event", "Title"), max_length=120)
    host_region = region_field(required=False, label=_("Host city"))
    date = forms.DateField(label=_("Date"), widget=DateInput)
    starts_at = forms.TimeField(label=_("Starts at"), required=False, widget=TimeInput)
    ends_at = forms.TimeField(label=_("Ends at"), required=False, widget=TimeInput)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), max_length=5000, required=False, widget=forms.Textarea)
    livestream_url = forms.URLField(label=_("Livestream link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1, max_value=100_000,
                                  help_text=_("Seats for registered suppliers; leave empty for no limit."))

    def __init__(self, *args, editable: tuple[str, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editable is not None:
            for name, f in self.fields.items():
                if name not in editable:
                    f.disabled = True
                    f.required = False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea)


class AssignFilterForm(forms.Form):
    region = region_field(required=False, label=_("City"))
    sector = forms.ModelChoiceField(queryset=Sector.objects.order_by("position"), required=False, label=_("Sector"),
                                    empty_label=_("— all —"))
    q = forms.CharField(label=_("Keywords"), required=False, max_length=100)


class AvailabilityForm(forms.Form):
    region = region_field(required=True, label=_("City"))
    kind = forms.ChoiceField(label=pgettext_lazy("host availability", "Kind"), choices=AvailabilityKind.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), required=False, min_value=1, max_value=4)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class OverrideForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    quarter = forms.IntegerField(min_value=1, max_value=4, widget=forms.HiddenInput)
    region = region_field(required=True, label=_("Host city"))
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class QuarterForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    quarter = forms.IntegerField(min_value=1, max_value=4, widget=forms.HiddenInput)


class ScheduleForm(QuarterForm):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    title = forms.CharField(label=pgettext_lazy("release event", "Title"), required=False, max_length=120)
