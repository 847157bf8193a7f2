import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scenariohub.reference import selectors as ref

_SEPARATOR = re.compile(r"[：:｜|]")


def figures_from_text(text: str) -> list[dict[str, str]]:
    """One key figure per line, "indicator：value" (a full-width or ASCII colon or bar separates them)."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = _SEPARATOR.split(line, maxsplit=1)
        label, value = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")
        rows.append({"label": label.strip(), "value": value.strip()})
    return rows


def figures_to_text(figures) -> str:
    return "\n".join(f"{f.label}：{f.value}" for f in figures)


class CaseWriteupForm(forms.Form):
    title = forms.CharField(label=_("Case title"), max_length=100)
    background = forms.CharField(
        label=_("Background"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    solution = forms.CharField(label=_("Solution"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    results = forms.CharField(
        label=pgettext_lazy("benchmark case", "Results"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    figures = forms.CharField(
        label=_("Key figures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        # MAX_FIGURES is 8; the text says so literally (a lazy string cannot be formatted at import time).
        help_text=_(
            "One per line, indicator and value separated by a colon, e.g. “检测效率：提升 35%”; at most 8."
        ),
    )
    video_url = forms.CharField(
        label=_("Video link"),
        required=False,
        max_length=300,
        help_text=_("An https:// address."),
        widget=forms.URLInput(),
    )

    def writeup(self) -> dict:
        data = dict(self.cleaned_data)
        data["figures"] = figures_from_text(data.pop("figures", ""))
        return data


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"), help_text=_("PNG or JPEG, at most 5 MB."))
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("designate", _("Designate")), ("decline", pgettext_lazy("benchmark case", "Decline"))]
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _year_choices():
    last = max(2027, timezone.localdate().year)
    return [(str(y), str(y)) for y in range(last, 2024, -1)]


class ShowcaseFilterForm(forms.Form):
    year = forms.ChoiceField(label=_("Year"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["year"].choices = everything + _year_choices()
        self.fields["region"].choices = everything + list(ref.region_names().items())
        self.fields["sector"].choices = everything + list(ref.sector_names().items())
