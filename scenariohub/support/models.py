"""Support measures: which organisation decides each measure, and the applications with their decisions.

An application belongs to the applicant organisation and is linked to exactly one cooperation or one
benchmark case; `region` is the scenario's region at submission (the city that follows it, and the
demonstration-zone score's “support measures granted in the region”). `year` is the year of submission
(Beijing time), the year the summary counts it in. Statuses change only through `services`, with a
guarded update, so two deciders acting at once cannot both decide.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scenariohub.support.rules import Measure

AMOUNT_MAX_WAN = 1_000_000  # 100 亿元 in 10k yuan


class MeasureDepartment(models.Model):
    """The provincial department (an organisation of type `department`) that decides a measure."""

    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices, unique=True)
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="support_measures",
        limit_choices_to={"type": "department"},
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("responsible department")
        verbose_name_plural = _("responsible departments")
        ordering = ["measure"]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}: {self.department}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An applicant has at most one of these per measure and link: a refused or withdrawn one may be tried again.
LIVE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.GRANTED)


def _amount(label):
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(AMOUNT_MAX_WAN)],
    )


class SupportApplication(models.Model):
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices, db_index=True)
    applicant = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="support_applications",
    )
    cooperation = models.ForeignKey(
        "tracking.Cooperation",
        verbose_name=_("cooperation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_applications",
    )
    case = models.ForeignKey(
        "cases.BenchmarkCase",
        verbose_name=_("benchmark case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_applications",
    )
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    summary = models.TextField(_("what the support is for"), max_length=2000)
    amount_requested = _amount(_("amount requested (10k yuan)"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    amount_granted = _amount(_("amount granted (10k yuan)"))
    decision_reason = models.TextField(_("decision reason"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("deciding organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("support application")
        verbose_name_plural = _("support applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cooperation__isnull=False, case__isnull=True)
                | Q(cooperation__isnull=True, case__isnull=False),
                name="support_app_one_link",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "withdrawn"]) | Q(decided_at__isnull=False),
                name="support_app_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_reason=""), name="support_app_refusal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True) | Q(status="granted"),
                name="support_app_amount_only_granted",
            ),
            models.UniqueConstraint(
                fields=["measure", "applicant", "cooperation"],
                condition=Q(status__in=["submitted", "granted"]),
                name="support_app_one_live_per_cooperation",
            ),
            models.UniqueConstraint(
                fields=["measure", "applicant", "case"],
                condition=Q(status__in=["submitted", "granted"]),
                name="support_app_one_live_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "measure", "status"], name="support_app_year_measure_idx"),
            models.Index(fields=["region", "status"], name="support_app_region_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} · {self.applicant}"
