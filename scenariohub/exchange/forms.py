from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Fill in the template and upload it here: at most %(rows)d rows and %(mb)d MB. You will see every "
            "problem before anything is saved."
        ) % {"rows": 10_000, "mb": settings.SCENARIOHUB_UPLOAD_MAX_BYTES // (1024 * 1024)}
