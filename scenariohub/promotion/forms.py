from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scenariohub.reference import selectors as ref


class ProductForm(forms.Form):
    summary = forms.CharField(
        label=_("Promotion summary"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the product does and where it proved itself."),
    )
    cooperations = forms.MultipleChoiceField(
        label=_("Proven in cooperations"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Piloted or benchmark cooperations of the product's supplier."),
    )
    first_set = forms.BooleanField(label=_("First set (首台套)"), required=False)
    first_batch = forms.BooleanField(label=_("First batch (首批次)"), required=False)
    first_version = forms.BooleanField(label=_("First version (首版次)"), required=False)
    government_procurement = forms.BooleanField(
        label=_("Recommended for government procurement"), required=False
    )
    listed = forms.BooleanField(label=_("Listed in the public catalogue"), required=False, initial=True)

    def __init__(self, *args, cooperations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperations"].choices = [
            (str(c.pk), f"{c.scenario.title}（{c.get_status_display()}，{c.signed_on:%Y-%m-%d}）")
            for c in cooperations
        ]


class AdoptionForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    adopted_on = forms.DateField(label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(
        label=_("Amount (10k yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = list(ref.region_names().items())
        self.fields["adopted_on"].initial = timezone.localdate()
