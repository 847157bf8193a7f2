"""Demonstration zones: per year, the office's weights and inputs, its selection, and the decided snapshot.

While a year is open its ranking is computed live from the platform's data; deciding the year writes one
`ZoneScore` row per region and from then on the year is read from those rows only, so later data or
weight changes never move a decided year.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scenariohub.zones.criteria import Criterion, InputKind

YEAR_MIN, YEAR_MAX = 2000, 2100


class YearStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("zone year status", "Open")
    DECIDED = "decided", _("Decided")


class ZoneLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial demonstration zone")
    NATIONAL = "national", _("Recommended for a national demonstration zone")


def _weight(label):
    return models.PositiveSmallIntegerField(label, default=20, validators=[MaxValueValidator(100)])


class ZoneYear(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    weight_policy = _weight(Criterion.POLICY.label)
    weight_procurement = _weight(Criterion.PROCUREMENT.label)
    weight_concentration = _weight(Criterion.CONCENTRATION.label)
    weight_publicity = _weight(Criterion.PUBLICITY.label)
    weight_benchmark = _weight(Criterion.BENCHMARK.label)
    status = models.CharField(_("status"), max_length=10, choices=YearStatus.choices, default=YearStatus.OPEN)
    weights_updated_at = models.DateTimeField(_("weights updated"), null=True, blank=True)
    weights_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("weights updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("decision note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("zone year")
        verbose_name_plural = _("zone years")
        ordering = ["-year"]
        constraints = [
            # The office's weights are percentages of the total: the service says so in words, this keeps
            # the rule true for writes that do not pass through it (admin, shell).
            models.CheckConstraint(
                condition=Exact(
                    F("weight_policy")
                    + F("weight_procurement")
                    + F("weight_concentration")
                    + F("weight_publicity")
                    + F("weight_benchmark"),
                    100,
                ),
                name="zones_year_weights_sum_100",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def weights(self) -> dict[str, int]:
        return {code: getattr(self, f"weight_{code}") for code in Criterion.values}

    @property
    def is_decided(self) -> bool:
        return self.status == YearStatus.DECIDED


class ZoneInput(models.Model):
    """A figure the office enters for a region and year where the platform holds no data. No row = missing."""

    zone_year = models.ForeignKey(
        ZoneYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="inputs"
    )
    region = models.ForeignKey("reference.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    kind = models.CharField(_("input"), max_length=30, choices=InputKind.choices)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the figure comes from.")
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
        verbose_name = _("zone input")
        verbose_name_plural = _("zone inputs")
        constraints = [
            models.UniqueConstraint(
                fields=["zone_year", "region", "kind"], name="zones_input_unique_year_region_kind"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="zones_input_value_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.zone_year} {self.region} {self.kind}"


class ZoneScore(models.Model):
    """The frozen score of one region in a decided year; `breakdown` holds each criterion's figures as text
    decimals ({criterion: {raw, scaled, weighted, components: {...}, missing: [...]}})."""

    zone_year = models.ForeignKey(
        ZoneYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="scores"
    )
    region = models.ForeignKey("reference.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    rank = models.PositiveSmallIntegerField(_("rank"))
    tied = models.BooleanField(_("tied"), default=False)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    breakdown = models.JSONField(_("breakdown"))
    weights = models.JSONField(_("weights"))

    class Meta:
        verbose_name = _("zone score")
        verbose_name_plural = _("zone scores")
        ordering = ["zone_year", "rank", "region__position"]
        constraints = [
            models.UniqueConstraint(fields=["zone_year", "region"], name="zones_score_unique_year_region"),
        ]

    def __str__(self) -> str:
        return f"{self.zone_year} {self.region} #{self.rank}"


class ZoneSelection(models.Model):
    zone_year = models.ForeignKey(
        ZoneYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="selections"
    )
    region = models.ForeignKey("reference.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    level = models.CharField(_("level"), max_length=12, choices=ZoneLevel.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("selected by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    selected_at = models.DateTimeField(_("selected"), auto_now_add=True)

    class Meta:
        verbose_name = _("zone selection")
        verbose_name_plural = _("zone selections")
        ordering = ["zone_year", "level", "region__position"]
        constraints = [
            models.UniqueConstraint(fields=["zone_year", "region", "level"], name="zones_selection_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.zone_year} {self.region} {self.level}"
