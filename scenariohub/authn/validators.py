"""Password validators of our own, listed in AUTH_PASSWORD_VALIDATORS beside Django's (length, common
password, similarity to the username)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> set[str]:
    """Which of the four classes a password uses: lower-case, upper-case, digits, other characters
    (punctuation, spaces, Chinese characters and every other symbol)."""
    classes = set()
    for ch in password:
        if ch.isascii() and ch.islower():
            classes.add("lower")
        elif ch.isascii() and ch.isupper():
            classes.add("upper")
        elif ch.isdigit() or unicodedata.category(ch) == "Nd":
            classes.add("digit")
        else:
            classes.add("other")
    return classes


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, capital letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                ngettext(
                    "This password must mix at least %(n)d kind of character: lower-case letters, "
                    "capital letters, digits, symbols.",
                    "This password must mix at least %(n)d kinds of characters: lower-case letters, "
                    "capital letters, digits, symbols.",
                    self.min_classes,
                )
                % {"n": self.min_classes},
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(n)d of: lower-case letters, capital letters, digits, symbols."
        ) % {"n": self.min_classes}


class PasswordChangeRecorder:
    """Validates nothing. Django tells every configured validator when a password has been saved
    (`password_changed`, called from `User.save()` after `set_password`, whichever form, admin page or
    command did it), which makes this the one hook that sees every change: it restarts the expiry."""

    def validate(self, password: str, user=None) -> None:
        return None

    def password_changed(self, password: str, user=None) -> None:
        if user is not None and user.pk is not None:
            from scenariohub.authn.services import password_changed_record

            password_changed_record(user=user)

    def get_help_text(self) -> str:
        from scenariohub.authn.policy import password_max_age

        max_age = password_max_age()
        if max_age is None:
            return ""
        return _("Staff of the office, cities and departments change their password every %(days)d days.") % {
            "days": max_age.days
        }
