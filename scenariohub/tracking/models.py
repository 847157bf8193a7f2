"""Cooperation tracking: what happens to a scenario after a supplier is chosen.

One `Cooperation` per agreement, recorded by the scenario owner from a shortlisted application; the
scenario's lifecycle moves with it (matching → agreed → implementing → piloted → benchmark, see
`scenarios/lifecycle.py`, rows reserved to this app). Around it: `Milestone`s with planned and actual
dates (overdue ones are flagged by `scenariohub flag_overdue_milestones`), `ProgressReport`s by the owner
(or by the city through the tracking sheet), `FollowUp`s by the city lead department of the scenario's
region (comments and risk flags) and, at the end, one `PilotAcceptance` with its `PilotMetric` rows.

Who sees a cooperation (`selectors.cooperation_get_for_actor`): the owner organisation, the lead supplier
and the consortium members of the application, the city of the scenario's region, the office.
Writes go through `services` only; every one is audited.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

AMOUNT_MAX_YUAN = 10_000_000_000  # 100 亿元: beyond that a typo is likelier than a scenario contract
DURATION_MAX_MONTHS = 120


class CooperationStatus(models.TextChoices):
    """Mirrors the scenario's stage; `terminated` when the cooperation failed (the scenario is closed)."""

    AGREED = "agreed", _("Agreed")
    IMPLEMENTING = "implementing", _("Implementing")
    PILOTED = "piloted", _("Piloted")
    BENCHMARK = "benchmark", _("Benchmark case")
    TERMINATED = "terminated", _("Terminated")


# Stages in which milestones, reports and follow-ups are still written.
ACTIVE_STATUSES = (CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING)


class Cooperation(models.Model):
    """One signed cooperation agreement between a scenario's owner and the supplier of a shortlisted
    application (one per scenario, one per application).

    `owner` is the scenario's owner organisation and `supplier` the application's lead supplier, copied at
    signing so that lists filter on them directly; consortium members are `application.members`.
    `amount` is in yuan (not 10k yuan as scenario budgets are), `duration_months` the agreed duration.
    `status` mirrors the scenario's lifecycle stage and only changes through the services, together with
    the scenario (`ScenarioTransition` rows are the history; `started_on`, `terminated_at` are facts).
    The year a cooperation counts in is the year of `signed_on`.
    """

    scenario = models.OneToOneField(
        "scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="cooperation"
    )
    application = models.OneToOneField(
        "matching.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="cooperation",
    )
    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("scenario owner"),
        on_delete=models.PROTECT,
        related_name="owned_cooperations",
    )
    supplier = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="supplied_cooperations",
    )
    parties = models.TextField(_("parties to the agreement"), max_length=1000)
    signed_on = models.DateField(_("signing date"), db_index=True)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(AMOUNT_MAX_YUAN)],
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), validators=[MinValueValidator(1), MaxValueValidator(DURATION_MAX_MONTHS)]
    )
    scope = models.TextField(_("scope of the cooperation"), max_length=4000)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CooperationStatus.choices,
        default=CooperationStatus.AGREED,
        db_index=True,
    )
    started_on = models.DateField(_("implementation started"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperations")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="tracking_coop_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(duration_months__gte=1, duration_months__lte=DURATION_MAX_MONTHS),
                name="tracking_coop_duration_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="tracking_coop_termination_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-signed_on"], name="track_coop_status_signed_idx"),
            models.Index(fields=["owner", "status"], name="track_coop_owner_status_idx"),
            models.Index(fields=["supplier", "status"], name="track_coop_supplier_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.supplier}"

    @property
    def is_active(self) -> bool:
        """Milestones, reports and follow-ups are written while agreed or implementing."""
        return self.status in ACTIVE_STATUSES


def _upload_path(instance, filename: str) -> str:
    # The stored name is random: the user's file name is kept in a column, never trusted as a path.
    return f"tracking/{instance.cooperation_id}/{uuid.uuid4().hex}"


class CooperationAttachment(models.Model):
    """A file of a cooperation, checked by content (`scenariohub.core.uploads`): the signed agreement when
    `report` is empty, otherwise an attachment of that progress report."""

    cooperation = models.ForeignKey(
        Cooperation, verbose_name=_("cooperation"), on_delete=models.CASCADE, related_name="attachments"
    )
    report = models.ForeignKey(
        "ProgressReport",
        verbose_name=_("progress report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("cooperation attachment")
        verbose_name_plural = _("cooperation attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Milestone(models.Model):
    """A step of the cooperation's work plan with a planned date and, once reached, the actual date.

    Overdue (`is_overdue`) means not done and its planned date before today (local time); the selector
    `milestones_overdue` computes it live. `overdue_flagged_at` is set once by the daily command when it
    reminds the owner, so a second run sends nothing; moving the planned date clears it, so the new date is
    watched again.
    """

    cooperation = models.ForeignKey(
        Cooperation, verbose_name=_("cooperation"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=100)
    planned_on = models.DateField(_("planned date"))
    done_on = models.DateField(_("actual date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    overdue_flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="tracking_milestone_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "planned_on"], name="track_ms_status_planned_idx")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != MilestoneStatus.DONE and self.planned_on < today


class ReportSource(models.TextChoices):
    FORM = "form", _("Form")
    SHEET = "sheet", _("Tracking sheet")


class ProgressReport(models.Model):
    """Progress of the work as of `reported_on`: percent complete and what was done. Written by the owner
    organisation, or by the city lead department through the tracking sheet (`source`)."""

    cooperation = models.ForeignKey(
        Cooperation, verbose_name=_("cooperation"), on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField(_("report date"))
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("progress"), max_length=4000)
    source = models.CharField(
        _("source"), max_length=10, choices=ReportSource.choices, default=ReportSource.FORM
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100), name="tracking_report_percent_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reported_on} · {self.percent_complete}%"


class RiskLevel(models.TextChoices):
    NONE = "none", _("No risk")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class FollowUp(models.Model):
    """A comment of the city lead department of the scenario's region (or the office) on a cooperation,
    with a risk level; a risk other than `none` is open until resolved."""

    cooperation = models.ForeignKey(
        Cooperation, verbose_name=_("cooperation"), on_delete=models.CASCADE, related_name="followups"
    )
    comment = models.TextField(_("comment"), max_length=2000)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE
    )
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), max_length=1000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cooperation", "resolved"], name="track_followup_open_idx")]

    def __str__(self) -> str:
        return self.comment[:40]

    @property
    def is_open_risk(self) -> bool:
        return self.risk_level != RiskLevel.NONE and not self.resolved


class PilotAcceptance(models.Model):
    """The acceptance of the pilot (one per cooperation): date, a short report and the measured results
    as `PilotMetric` rows (name, value before, value after, unit). Recording it moves the scenario to
    piloted; benchmark cases and zone scores read these figures."""

    cooperation = models.OneToOneField(
        Cooperation, verbose_name=_("cooperation"), on_delete=models.CASCADE, related_name="acceptance"
    )
    accepted_on = models.DateField(_("acceptance date"))
    report = models.TextField(_("acceptance report"), max_length=4000)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("pilot acceptance")
        verbose_name_plural = _("pilot acceptances")

    def __str__(self) -> str:
        return f"{self.cooperation} · {self.accepted_on}"


class PilotMetric(models.Model):
    """One measured result of the pilot: the value before and after, in `unit` (e.g. 良品率 92 → 98.5 %)."""

    acceptance = models.ForeignKey(
        PilotAcceptance, verbose_name=_("pilot acceptance"), on_delete=models.CASCADE, related_name="metrics"
    )
    name = models.CharField(_("metric"), max_length=60)
    before = models.DecimalField(_("before"), max_digits=16, decimal_places=4)
    after = models.DecimalField(_("after"), max_digits=16, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pilot metric")
        verbose_name_plural = _("pilot metrics")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "name"], name="tracking_metric_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.before} → {self.after} {self.unit}".strip()


def _sheet_path(instance, filename: str) -> str:
    return f"tracking/sheets/{uuid.uuid4().hex}.xlsx"


class SheetUpload(models.Model):
    """A tracking sheet uploaded by a city: kept between the preview and the confirmation, so what is
    confirmed is exactly what was previewed. `changes` holds the parsed rows (JSON), `problems` the
    row-level problems (codes with parameters, worded when shown); `applied_at` is set once, when every
    change was written in one transaction."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=_sheet_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    changes = models.JSONField(_("changes"), default=list)
    problems = models.JSONField(_("problems"), default=list)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("tracking sheet upload")
        verbose_name_plural = _("tracking sheet uploads")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
