"""Forms of the scenario pages. They parse and label input; the services decide what is allowed.

Labels are the model's verbose names, so a field is called the same on the page, in the admin and in
error messages.
"""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import ValidationFailed
from scenariohub.reference import selectors as ref
from scenariohub.scenarios import view_helpers as vh
from scenariohub.scenarios.models import BUDGET_MAX_WAN, CooperationMode, Scenario
from scenariohub.scenarios.services import EDITABLE_FIELDS


def _label(name: str):
    return capfirst(Scenario._meta.get_field(name).verbose_name)


def _max_length(name: str) -> int | None:
    return Scenario._meta.get_field(name).max_length


class CatalogueFilterForm(forms.Form):
    """Rendered only: the filter values are parsed by ScenarioFilter, shared with the API."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 光伏 巡检")}))
    region = forms.ChoiceField(label=_label("region"), required=False)
    sector = forms.ChoiceField(label=_label("sector"), required=False)
    field = forms.ChoiceField(label=_label("field"), required=False)
    kind = forms.ChoiceField(label=_label("kind"), required=False)
    year = forms.ChoiceField(label=_("Release year"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, sector: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        any_ = ("", _("All"))
        self.fields["region"].choices = [any_, *vh.region_choices()]
        self.fields["sector"].choices = [any_, *vh.sector_choices()]
        self.fields["field"].choices = [any_, *vh.field_choices(sector)]
        self.fields["kind"].choices = [any_, *ref.kind_choices()]
        self.fields["year"].choices = [any_, *vh.year_choices()]
        self.fields["sort"].choices = vh.sort_choices()


class ScenarioForm(forms.Form):
    """Create or edit a draft. Cleaned data goes to scenario_create / scenario_update unchanged."""

    title = forms.CharField(label=_label("title"), max_length=_max_length("title"),
                            help_text=_("A short name that says what is needed, e.g. 光伏组件缺陷智能检测."))
    region = forms.ChoiceField(label=_label("region"))
    sector = forms.ChoiceField(label=_label("sector"))
    field = forms.ChoiceField(label=_label("field"), help_text=_("Choose the sector first; the list follows it."))
    kind = forms.ChoiceField(label=_label("kind"))
    purpose = forms.CharField(label=_label("purpose"), max_length=_max_length("purpose"),
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("What the scenario is for and what problem it solves."))
    tech_requirements = forms.CharField(label=_label("tech_requirements"), max_length=_max_length("tech_requirements"),
                                        widget=forms.Textarea(attrs={"rows": 5}),
                                        help_text=_("Measurable requirements: accuracy, response time, deployment."))
    cooperation_mode = forms.ChoiceField(label=_label("cooperation_mode"), choices=CooperationMode.choices)
    cooperation_note = forms.CharField(label=_label("cooperation_note"), required=False,
                                       max_length=_max_length("cooperation_note"))
    budget_min = forms.IntegerField(label=_label("budget_min"), required=False, min_value=0,
                                    max_value=BUDGET_MAX_WAN)
    budget_max = forms.IntegerField(label=_label("budget_max"), required=False, min_value=0,
                                    max_value=BUDGET_MAX_WAN, help_text=_("Leave both empty if the budget is negotiable."))
    deadline = forms.DateField(label=_label("deadline"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               help_text=_("Required to submit; must be in the future."))
    contact_name = forms.CharField(label=_label("contact_name"), max_length=_max_length("contact_name"))
    contact_phone = forms.CharField(label=_label("contact_phone"), max_length=_max_length("contact_phone"))
    contact_email = forms.EmailField(label=_label("contact_email"), required=False,
                                     max_length=_max_length("contact_email"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, actor: Actor, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        sector = self.data.get("sector") if self.is_bound else self.initial.get("sector")
        self.fields["region"].choices = [("", _("Choose…")), *vh.region_choices()]
        self.fields["sector"].choices = [("", _("Choose…")), *vh.sector_choices()]
        self.fields["field"].choices = [("", _("Choose…")), *vh.field_choices(sector or "")]
        self.fields["kind"].choices = ref.kind_choices()
        self.fields["cooperation_mode"].choices = [("", _("Choose…")), *CooperationMode.choices]
        if actor.role == Role.CITY:
            # A city opens scenarios of its own region only (the service enforces it too).
            self.fields["region"].disabled = True
            self.initial["region"] = actor.region_id
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def scenario_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}

    def add_service_errors(self, exc: ValidationFailed) -> None:
        """Put the service's per-field messages next to the fields; others on top of the form."""
        for name, messages in (exc.details or {}).items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
        if not exc.details:
            self.add_error(None, exc.message)

    @staticmethod
    def initial_for(scenario: Scenario) -> dict:
        data = {name: getattr(scenario, f"{name}_id" if name in ("region", "sector", "field") else name)
                for name in EDITABLE_FIELDS}
        data["version"] = scenario.version
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request: the limit is a setting and the text is in the visitor's language.
        self.fields["file"].help_text = _("PDF, Word (docx), Excel (xlsx), PNG or JPG, at most %(mb)d MB.") % {
            "mb": settings.SCENARIOHUB_UPLOAD_MAX_BYTES // (1024 * 1024)
        }


class TransitionForm(forms.Form):
    target = forms.CharField(max_length=20)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea)
    # The state the actor saw when pressing the button: if it moved on meanwhile, the step is refused.
    expected = forms.CharField(max_length=20, required=False)


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose scenarios from the list."), "required": _("Choose at least one scenario.")}
    MAX_IDS = 200

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple) or len(value) > self.MAX_IDS:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not all(str(v).isdigit() for v in value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(int(v) for v in value))


class BulkReviewForm(forms.Form):
    ids = IdListField()
    action = forms.ChoiceField(label=_("Review decision"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea)

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = {t.action: t for t in actions}
        # No preselected decision: publishing or returning a batch by accident is not undone easily.
        self.fields["action"].choices = [("", _("Choose…")), *((t.action, t.label) for t in actions)]

    def clean(self):
        cleaned = super().clean()
        step = self.actions.get(cleaned.get("action", ""))
        if step and step.reason_required and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("A reason is required for this action."))
        cleaned["transition"] = step
        return cleaned
