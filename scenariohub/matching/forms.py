"""Forms of the matching pages. They parse and render; the services hold the rules and report problems
per field, which `add_domain_errors` puts back on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scenariohub.accounts.models import Organisation, Role, validate_credit_code
from scenariohub.core.errors import ValidationFailed
from scenariohub.matching.models import (
    SCORE_MAX,
    DeploymentMode,
    Frequency,
    Maturity,
    Scale,
    TalkOutcome,
)
from scenariohub.reference import selectors as ref


def add_domain_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Attach a service's per-field messages to the form's fields (or to the form as a whole)."""
    if not exc.details:
        form.add_error(None, exc.message)
        return
    for name, messages in exc.details.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


def sector_choices() -> list[tuple[str, str]]:
    return list(ref.sector_names().items())


def field_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Fields grouped under their sector's name, as the taxonomy orders them."""
    taxonomy = ref.taxonomy()
    return [(s["name_zh"], [(f["code"], f["name_zh"]) for f in s["fields"]]) for s in taxonomy["sectors"]]


def region_choices() -> list[tuple[str, str]]:
    return list(ref.region_names().items())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); content is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CreditCodeField(forms.CharField):
    """Upper-cased before the GB 32100 validator runs: people type the letters in either case."""

    def to_python(self, value):
        return (super().to_python(value) or "").strip().upper()


# ---------------------------------------------------------------------------------------------- suppliers


class SupplierProfileForm(forms.Form):
    credit_code = CreditCodeField(
        label=_("unified social credit code"), max_length=18, required=False, validators=[validate_credit_code],
        help_text=_("18 characters, as printed on the business licence."),
    )
    contact_name = forms.CharField(label=_("contact person"), max_length=40)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=20)
    contact_email = forms.EmailField(label=_("contact e-mail"), required=False)
    scale = forms.ChoiceField(label=_("scale"), choices=Scale.choices)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    introduction = forms.CharField(label=_("introduction"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    qualifications = forms.CharField(
        label=_("qualifications"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sectors = forms.MultipleChoiceField(
        label=_("sectors"), required=False, choices=sector_choices, widget=forms.CheckboxSelectMultiple
    )
    fields = forms.MultipleChoiceField(
        label=_("fields"), required=False, choices=field_choices, widget=forms.SelectMultiple(attrs={"size": 10})
    )


class SolutionForm(forms.Form):
    title = forms.CharField(label=_("solution title"), max_length=100)
    description = forms.CharField(label=_("description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    sector = forms.ChoiceField(label=_("sector"), choices=sector_choices)
    fields = forms.MultipleChoiceField(
        label=_("fields"), required=False, choices=field_choices, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    capabilities = forms.CharField(
        label=_("capabilities"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separated by commas or new lines."),
    )
    maturity = forms.ChoiceField(label=_("maturity"), choices=Maturity.choices)
    deployment_modes = forms.MultipleChoiceField(
        label=_("deployment modes"), required=False, choices=DeploymentMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reference_cases = forms.CharField(
        label=_("reference cases"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    published = forms.BooleanField(label=_("Show in the public catalogue"), required=False)
    attachments = MultipleFileField(label=_("attachments"), help_text=_("PDF, Word, Excel, PNG or JPEG."))


# ---------------------------------------------------------------------------------------------- applications


class ApplicationForm(forms.Form):
    proposal = forms.CharField(label=_("proposal"), max_length=8000, widget=forms.Textarea(attrs={"rows": 8}))
    solution = forms.TypedChoiceField(label=_("proposed solution"), required=False, coerce=int, empty_value=None)
    team = forms.CharField(label=_("team"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    schedule = forms.CharField(
        label=_("schedule"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    members = forms.ModelMultipleChoiceField(
        label=_("consortium members"), required=False, queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Up to four other suppliers applying with you; you are the lead."),
    )
    attachments = MultipleFileField(label=_("attachments"), help_text=_("PDF, Word, Excel, PNG or JPEG."))

    def __init__(self, *args, supplier_id: int, solutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].choices = [("", "—")] + [(s.pk, s.title) for s in solutions]
        self.fields["members"].queryset = Organisation.objects.filter(type=Role.SUPPLIER).exclude(pk=supplier_id)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["members"] = [org.pk for org in data.get("members") or []]
        data.pop("attachments", None)
        return data


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScoreForm(forms.Form):
    comment = forms.CharField(label=_("comment"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            existing = scores.get(criterion.pk)
            self.fields[f"c{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name}（{criterion.weight}）", min_value=0, max_value=SCORE_MAX,
                initial=existing.value if existing else None,
            )
        self.order_fields([f"c{c.pk}" for c in criteria] + ["comment"])
        first = next(iter(scores.values()), None)
        if first is not None:
            self.fields["comment"].initial = first.comment

    def values(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("criterion"), max_length=40, required=False)
    weight = forms.IntegerField(label=_("weight"), min_value=1, max_value=100, required=False)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=3, max_num=10)


class ReviewerInviteForm(forms.Form):
    reviewer = forms.TypedChoiceField(label=_("reviewer"), coerce=int)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [
            (m.pk, f"{m.user} · {m.organisation.name} ({m.get_role_display()})") for m in candidates
        ]


# ---------------------------------------------------------------------------------------------- talks, Q&A


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TalkForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("time"), widget=DateTimeLocalInput(),
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    online_link = forms.URLField(label=_("online meeting link"), required=False, assume_scheme="https")
    participants = forms.TypedMultipleChoiceField(
        label=_("participants"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone ticked is notified. Without a tick: you and the applicant's submitter."),
    )
    participants_note = forms.CharField(label=_("other participants"), max_length=300, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(u.pk, str(u)) for u in candidates]


class TalkRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=TalkOutcome.choices)
    minutes = forms.CharField(label=_("minutes"), max_length=8000, required=False,
                              widget=forms.Textarea(attrs={"rows": 8}))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


# ---------------------------------------------------------------------------------------------- subscriptions


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=60)
    sectors = forms.MultipleChoiceField(
        label=_("sectors"), required=False, choices=sector_choices, widget=forms.CheckboxSelectMultiple
    )
    fields = forms.MultipleChoiceField(
        label=_("fields"), required=False, choices=field_choices, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    regions = forms.MultipleChoiceField(
        label=_("regions"), required=False, choices=region_choices, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    keywords = forms.CharField(label=_("keywords"), max_length=200, required=False,
                               help_text=_("Separated by spaces or commas; any one may match."))
    frequency = forms.ChoiceField(label=_("frequency"), choices=Frequency.choices, initial=Frequency.DAILY)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)
