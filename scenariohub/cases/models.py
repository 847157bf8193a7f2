"""Benchmark cases (标杆案例): yearly quotas per city, nominations with their write-up, the office's decision.

The office sets a `BenchmarkQuota` per year and city. Within it, the city lead department of the
scenario's region nominates a *piloted* cooperation as a `BenchmarkCase` with a write-up (background,
solution, results, key figures, photos, video link). The office designates or declines it (with a
reason); designating moves the scenario to `benchmark` through the tracking service, which writes the
ScenarioTransition row that the dashboard's benchmark figure counts.

Provincial scenarios (owned by a provincial department or the office, `PROVINCIAL_OWNER_TYPES`) have no
city reviewing them, so the office nominates their cooperations itself (and still decides them, as every
case). Such a case is `provincial` and counts against the *provincial quota* of its year: one
`BenchmarkQuota` row without a region, set by the office on the same page as the cities'. It does not use a
place of the city of its region, whose quota is for the scenarios that city reviews; its `region` is still
the scenario's region, so the showcase's filter and the demonstration-zone score count it where it was
built.

A declined case can be nominated again after changes to its write-up: the new nomination is a new row
pointing at the declined one (`previous`), so the declined version, its reason and its decision stay in the
history. A cooperation has at most one case that is not declined.

Read by others: the demonstration-zone score counts designated cases per `region` and `year`
(`BenchmarkCase.objects.filter(status=CaseStatus.DESIGNATED, year=…, region_id=…)`); support measures link
to a case by its id. `year` is the quota year the nomination counts against (the nomination's year,
Beijing time); `region` is the scenario's region when nominated, kept so that quotas stay decidable.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_PHOTOS = 8
MAX_FIGURES = 8
QUOTA_MAX = 100


class BenchmarkQuota(models.Model):
    """How many benchmark nominations a city may have in a year (pending or designated), set by the office.
    The row without a region is the provincial quota (nominations of provincial scenarios, by the office)."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2025), MaxValueValidator(2100)]
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the provincial quota."),
    )
    number = models.PositiveSmallIntegerField(_("quota"), validators=[MaxValueValidator(QUOTA_MAX)])
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("benchmark quota")
        verbose_name_plural = _("benchmark quotas")
        ordering = ["-year", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], name="cases_quota_unique_year_region"),
            # NULLs are distinct in the constraint above: one provincial quota a year needs its own.
            models.UniqueConstraint(
                fields=["year"], condition=Q(region__isnull=True), name="cases_quota_unique_year_provincial"
            ),
            models.CheckConstraint(condition=Q(number__lte=QUOTA_MAX), name="cases_quota_number_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id or 'provincial'}: {self.number}"


class CaseStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    DESIGNATED = "designated", _("Designated")
    DECLINED = "declined", pgettext_lazy("benchmark case", "Declined")


# Nominations that use up the city's quota for the year: a declined one frees its place.
QUOTA_STATUSES = (CaseStatus.NOMINATED, CaseStatus.DESIGNATED)


class BenchmarkCase(models.Model):
    cooperation = models.ForeignKey(
        "tracking.Cooperation",
        verbose_name=_("cooperation"),
        on_delete=models.PROTECT,
        related_name="benchmark_cases",
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("nominated again after"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
        help_text=_("The declined nomination of the same cooperation that this one follows."),
    )
    year = models.PositiveSmallIntegerField(_("quota year"), db_index=True)
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    provincial = models.BooleanField(
        _("provincial quota"),
        default=False,
        help_text=_("A provincial scenario's case, nominated by the office and counted against the provincial quota."),
    )
    title = models.CharField(_("case title"), max_length=100)
    background = models.TextField(_("background"), max_length=4000)
    solution = models.TextField(_("solution"), max_length=4000)
    results = models.TextField(_("results"), max_length=4000)
    video_url = models.URLField(
        _("video link"), max_length=300, blank=True, help_text=_("An https:// address.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NOMINATED, db_index=True
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    nominating_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("nominating department"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("nominated"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("benchmark case")
        verbose_name_plural = _("benchmark cases")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""), name="cases_decline_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status="nominated") | Q(decided_at__isnull=False), name="cases_decided_has_time"
            ),
            # Nominated again only after a decline: at most one case of a cooperation is not declined.
            models.UniqueConstraint(
                fields=["cooperation"], condition=~Q(status="declined"), name="cases_one_open_case_per_cooperation"
            ),
        ]
        indexes = [models.Index(fields=["year", "region", "status"], name="cases_year_region_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == CaseStatus.DESIGNATED


class CaseFigure(models.Model):
    """One result in figures (e.g. 检测效率 / 提升 35%): shown as a table on the case page and in the PDF."""

    case = models.ForeignKey(
        BenchmarkCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="figures"
    )
    label = models.CharField(_("indicator"), max_length=40)
    value = models.CharField(_("value"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


def photo_path(instance: "CasePhoto", filename: str) -> str:
    # The stored name is random: the uploader's file name is never trusted as a path.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


class CasePhoto(models.Model):
    case = models.ForeignKey(
        BenchmarkCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=255)
    kind = models.CharField(_("file type"), max_length=10)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.original_name
