from django import forms
from django.utils.translation import gettext_lazy as _

from scenariohub.accounts.models import ApiToken


class MembershipSwitchForm(forms.Form):
    membership = forms.IntegerField(min_value=1)


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, e.g. 成都市数据平台同步."),
    )
