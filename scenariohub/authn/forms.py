from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scenariohub.authn.backends import REFUSAL_ATTR


class LoginForm(AuthenticationForm):
    """Django's login form; when the backend refused a locked account it says so, and until when."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            refusal = getattr(self.request, REFUSAL_ATTR, None)
            if refusal is None or not refusal.refused:
                raise
            until = timezone.localtime(refusal.until).strftime("%Y-%m-%d %H:%M")
            if refusal.refused == "capped":
                message = gettext(
                    "Too many failed logins for this account in the last hour. Try again after %(time)s, "
                    "or ask the provincial office to unlock it."
                )
            else:
                message = gettext(
                    "This account is locked after too many failed logins. Try again after %(time)s, "
                    "or ask the provincial office to unlock it."
                )
            raise ValidationError(message % {"time": until}, code="locked") from None


class PolicyPasswordChangeForm(PasswordChangeForm):
    """Django's change form (validators included); the new password must differ from the old one."""

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password1")
        if password and "new_password2" not in self.errors and self.user.check_password(password):
            self.add_error(
                "new_password2",
                ValidationError(
                    _("The new password must be different from the current one."), code="password_unchanged"
                ),
            )
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
