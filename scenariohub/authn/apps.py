from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthnConfig(AppConfig):
    """Authentication rules (GB/T 22239 §8.1.4.1): lockout, password policy and expiry, session timeouts,
    two-factor authentication for the office and the admin site."""

    name = "scenariohub.authn"
    label = "authn"
    verbose_name = _("Authentication")

    def ready(self) -> None:
        from scenariohub.authn import signals  # noqa: F401 - connects the receivers
