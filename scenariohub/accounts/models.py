import hashlib
import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scenariohub.core.fields import EncryptedEmailField

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_char(first17: str) -> str:
    """GB 32100-2015 check character of the unified social credit code."""
    total = sum(CREDIT_CODE_CHARS.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    if not CREDIT_CODE_RE.match(value or ""):
        raise ValidationError(
            _("A unified social credit code has 18 characters: digits and capital letters except I, O, S, V, Z."),
            code="credit_code_format",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(_("The check character of this unified social credit code is wrong."), code="credit_code_check")


class Role(models.TextChoices):
    """What a membership allows; an organisation's type decides which role its members hold."""

    OFFICE = "office", _("Provincial AI industry-chain office")
    CITY = "city", _("City lead department")
    DEPARTMENT = "department", _("Provincial department")
    PROVIDER = "provider", _("Scenario provider")
    SUPPLIER = "supplier", _("AI product provider")
    # Reads the audit trail and changes nothing (GB/T 22239 separation of duties); held through a
    # membership of the office organisation, never as an organisation type of its own.
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # Personal data (GB/T 35273): SM4-encrypted at rest (core.fields), so never searched or filtered on.
    email = EncryptedEmailField(_("email address"), blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username


class Organisation(models.Model):
    Type = Role

    name = models.CharField(_("name"), max_length=120, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Role.choices, db_index=True)
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True, validators=[validate_credit_code]
    )
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["type", "name"]
        constraints = [
            # A city lead department is the city's: without a region its review queue would be undefined.
            models.CheckConstraint(
                condition=~Q(type="city") | Q(region__isnull=False), name="accounts_org_city_has_region"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set when the account is deactivated and anonymised; the row stays for the records that point to it.
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="accounts_membership_unique_user_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def region_id(self) -> str | None:
        return self.organisation.region_id


class ApiToken(models.Model):
    """A bearer token for machine clients. Only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey(Membership, verbose_name=_("acting as"), on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
