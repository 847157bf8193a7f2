from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scenariohub.reference import selectors as ref


class NewsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=pgettext_lazy("news", "Summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences, shown in lists and link previews."),
    )
    body = forms.CharField(
        label=_("Body"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Paragraphs, headings, lists, tables and links (HTML) are kept; scripts, styles, images and "
            "anything else are removed when saved."
        ),
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("The city the item is about; empty for province-wide news."),
    )
    cover = forms.FileField(label=_("Cover image"), required=False, help_text=_("PNG or JPEG, at most 5 MB."))
    published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Province-wide"))] + list(ref.region_names().items())
