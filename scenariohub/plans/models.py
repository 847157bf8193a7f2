"""The annual opening plan (年度场景开放计划): which scenarios each city and department opens in a year.

The office compiles it from approved scenarios and edits it (add, drop, move to next year). The working
list is `PlanItem`; confirming freezes it into a numbered `PlanVersion` whose `PlanVersionItem` rows copy
what each scenario said at that moment. Versions are never edited; a later edit reopens a draft, and the
next confirmation becomes the next version.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scenariohub.core.fields import EncryptedCharField
from scenariohub.reference.models import ScenarioKind
from scenariohub.scenarios.models import CooperationMode

YEAR_MIN = 2000
YEAR_MAX = 2100


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")


class AnnualPlan(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    # `confirmed` while the working list equals the last version; any edit makes it a draft again.
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # Bumped on every edit: a confirmation names the revision it saw, so it cannot freeze unseen changes.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    last_version_number = models.PositiveIntegerField(_("last confirmed version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("annual opening plan")
        verbose_name_plural = _("annual opening plans")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def draft_number(self) -> int:
        """The number the working list will get when it is next confirmed."""
        return self.last_version_number + 1


class ItemState(models.TextChoices):
    INCLUDED = "included", _("In the plan")
    DROPPED = "dropped", _("Dropped")
    MOVED = "moved", _("Moved to next year")


class PlanItem(models.Model):
    """A scenario on a plan's working list. Dropped and moved rows stay, with the reason, as history."""

    plan = models.ForeignKey(AnnualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="plan_items"
    )
    state = models.CharField(_("state"), max_length=20, choices=ItemState.choices, default=ItemState.INCLUDED)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "scenario"], name="plans_item_unique_per_plan"),
            # A scenario is opened once: it is on at most one year's list at a time.
            models.UniqueConstraint(
                fields=["scenario"], condition=Q(state="included"), name="plans_item_one_plan_per_scenario"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.scenario_id} ({self.state})"


class PlanVersion(models.Model):
    plan = models.ForeignKey(AnnualPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    item_count = models.PositiveIntegerField(_("number of scenarios"), default=0)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanVersionItem(models.Model):
    """A frozen copy of one scenario as it stood when the version was confirmed."""

    version = models.ForeignKey(PlanVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField(_("number"))
    scenario = models.ForeignKey("scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=100)
    owner = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("owner organisation"), on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(_("owner organisation"), max_length=120)
    owner_type = models.CharField(_("owner type"), max_length=20)
    region = models.ForeignKey("reference.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+")
    field = models.ForeignKey("reference.Field", verbose_name=_("field"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ScenarioKind.choices)
    purpose = models.TextField(_("purpose"))
    tech_requirements = models.TextField(_("technical requirements"))
    cooperation_mode = models.CharField(_("cooperation mode"), max_length=30, choices=CooperationMode.choices)
    budget_min = models.PositiveIntegerField(_("budget from (10k yuan)"), null=True, blank=True)
    budget_max = models.PositiveIntegerField(_("budget up to (10k yuan)"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20)  # personal data: SM4 at rest
    scenario_status = models.CharField(_("status when confirmed"), max_length=20)

    class Meta:
        verbose_name = _("plan version item")
        verbose_name_plural = _("plan version items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "scenario"], name="plans_versionitem_unique_scenario"),
            models.UniqueConstraint(fields=["version", "position"], name="plans_versionitem_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id}#{self.position} {self.title}"
