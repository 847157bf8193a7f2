"""Per-account authentication state. Kept beside the user rather than on it, so that the rules of this app
(lockout, expiry) can change without touching the accounts tables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSecurity(models.Model):
    """One row per user that has logged in, failed to, or changed a password since this app exists."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="security",
    )
    # None: not changed since the account was created (date_joined counts instead).
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    # Consecutive wrong passwords since the last successful login or unlock.
    failed_logins = models.PositiveIntegerField(_("consecutive failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("account security")
        verbose_name_plural = _("account security")

    def __str__(self) -> str:
        return str(self.user)


class LoginFailure(models.Model):
    """One wrong password for an account: the hourly cap counts these. Rows older than an hour are
    pruned when the next failure is recorded, so the table stays small."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [models.Index(fields=["user", "created_at"], name="authn_failure_user_time_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
