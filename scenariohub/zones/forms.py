"""Forms parse and present input; the rules (weights add up to 100, inputs ≥ 0) live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scenariohub.reference.models import Region
from scenariohub.zones import criteria as c
from scenariohub.zones.models import ZoneLevel


class WeightsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for crit in c.CRITERIA:
            self.fields[crit.code] = forms.IntegerField(
                label=crit.label,
                min_value=0,
                max_value=100,
                help_text=crit.plan_text,
            )

    def weights(self) -> dict[str, int]:
        return {code: self.cleaned_data[code] for code in c.CRITERION_CODES}


def input_field_name(region: str, kind: str) -> str:
    return f"v_{region}_{kind}"


class InputsForm(forms.Form):
    """One cell per region and input; an empty cell is a missing input (it counts as zero)."""

    source = forms.CharField(
        label=_("Source of the figures"),
        max_length=300,
        required=False,
        help_text=_("Recorded with every figure changed in this save, e.g. the city's report of 15 January."),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions
        for region in regions:
            for kind, label in c.InputKind.choices:
                self.fields[input_field_name(region.code, kind)] = forms.DecimalField(
                    label=f"{region.name_zh} · {label}",
                    required=False,
                    min_value=0,
                    max_digits=12,
                    decimal_places=2,
                )

    def grid(self):
        """Rows of (region, [bound fields in InputKind order]) for the template."""
        return [(r, [self[input_field_name(r.code, k)] for k in c.InputKind.values]) for r in self.regions]

    def rows(self) -> list[dict]:
        source = self.cleaned_data.get("source", "")
        return [
            {
                "region": r.code,
                "kind": k,
                "value": self.cleaned_data.get(input_field_name(r.code, k)),
                "source": source,
            }
            for r in self.regions
            for k in c.InputKind.values
        ]


class SelectionForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("position"), label=_("Region"), empty_label=_("— choose —")
    )
    level = forms.ChoiceField(label=_("Level"), choices=ZoneLevel.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    note = forms.CharField(
        label=_("Decision note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("I understand that the scores of this year will be frozen and can no longer change."),
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
