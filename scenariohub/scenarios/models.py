from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from scenariohub.core.fields import EncryptedCharField, EncryptedEmailField
from scenariohub.reference.models import ScenarioKind

BUDGET_MAX_WAN = 100_000  # 10 亿元: larger asks are not scenarios but projects, and a typo more likely


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    MATCHING = "matching", _("Matching")
    AGREED = "agreed", _("Agreed")
    IMPLEMENTING = "implementing", _("Implementing")
    PILOTED = "piloted", _("Piloted")
    BENCHMARK = "benchmark", _("Benchmark case")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


# States in which the public can see a scenario: it has been released.
PUBLIC_STATUSES = (
    Status.PUBLISHED,
    Status.MATCHING,
    Status.AGREED,
    Status.IMPLEMENTING,
    Status.PILOTED,
    Status.BENCHMARK,
)


class CooperationMode(models.TextChoices):
    JOINT_RND = "joint_rnd", _("Joint R&D")
    PROCUREMENT = "procurement", _("Procurement")
    PILOT = "pilot", _("Pilot application")
    OPEN_CALL = "open_call", _("Open call (揭榜挂帅)")
    DATA_SITE_OPENING = "data_site_opening", _("Data or site opening")
    OTHER = "other", _("Other")


class Scenario(models.Model):
    title = models.CharField(_("title"), max_length=100)
    owner = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("owner organisation"), on_delete=models.PROTECT, related_name="scenarios"
    )
    region = models.ForeignKey("reference.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    sector = models.ForeignKey("reference.Sector", verbose_name=_("sector"), on_delete=models.PROTECT)
    field = models.ForeignKey("reference.Field", verbose_name=_("field"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=20, choices=ScenarioKind.choices, default=ScenarioKind.INDUSTRIAL)
    purpose = models.TextField(_("purpose"), max_length=2000)
    tech_requirements = models.TextField(_("technical requirements"), max_length=4000)
    cooperation_mode = models.CharField(_("cooperation mode"), max_length=30, choices=CooperationMode.choices)
    cooperation_note = models.CharField(_("cooperation details"), max_length=300, blank=True)
    budget_min = models.PositiveIntegerField(
        _("budget from (10k yuan)"), null=True, blank=True, validators=[MaxValueValidator(BUDGET_MAX_WAN)]
    )
    budget_max = models.PositiveIntegerField(
        _("budget up to (10k yuan)"), null=True, blank=True, validators=[MaxValueValidator(BUDGET_MAX_WAN)]
    )
    deadline = models.DateField(_("application deadline"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40)
    # Personal data (GB/T 35273): SM4-encrypted at rest, shown masked outside the owner, its city and the office.
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20)
    contact_email = EncryptedEmailField(_("contact e-mail"), blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Bumped on every write; an edit carries the version it was made from, so a stale edit is refused.
    version = models.PositiveIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The release date decides the year a scenario counts towards; it is set once, on first publication.
    published_at = models.DateTimeField(_("released"), null=True, blank=True, db_index=True)
    published_year = models.PositiveSmallIntegerField(_("release year"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_max__isnull=True) | Q(budget_min__lte=F("budget_max")),
                name="scenarios_budget_range_ordered",
            ),
        ]
        indexes = [
            # The catalogue's first page: without the partial index PostgreSQL walks past every unreleased
            # row (NULL release dates sort first in descending order) before finding a public one.
            models.Index(
                fields=["-published_at", "-id"], condition=Q(status__in=PUBLIC_STATUSES), name="scen_public_published_idx"
            ),
            # One filter plus the default order (SQLite cannot use the partial index with bound parameters).
            models.Index(fields=["sector", "-published_at", "-id"], name="scen_sector_published_idx"),
            models.Index(fields=["status", "-published_at"], name="scen_status_published_idx"),
            models.Index(fields=["region", "status"], name="scen_region_status_idx"),
            models.Index(fields=["owner", "status"], name="scen_owner_status_idx"),
            models.Index(fields=["sector", "field"], name="scen_sector_field_idx"),
            # Scenarios open for applications (status and deadline), with the two columns a supplier's
            # recommendations score them on, so that reading them touches the index only. Without it both
            # databases read every released row to check its deadline.
            models.Index(fields=["status", "deadline", "field", "region"], name="scen_open_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def budget_display(self) -> str:
        if self.budget_min is None and self.budget_max is None:
            return str(_("Negotiable"))
        if self.budget_min == self.budget_max or self.budget_max is None:
            return f"{self.budget_min or self.budget_max} " + str(_("10k yuan"))
        if self.budget_min is None:
            return f"≤ {self.budget_max} " + str(_("10k yuan"))
        return f"{self.budget_min}–{self.budget_max} " + str(_("10k yuan"))


def attachment_path(instance: "ScenarioAttachment", filename: str) -> str:
    # The stored name is random: the user's file name is kept in a column, never trusted as a path.
    import uuid

    return f"scenarios/{instance.scenario_id}/{uuid.uuid4().hex}"


class ScenarioAttachment(models.Model):
    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ScenarioTransition(models.Model):
    """The history row of one lifecycle step; timelines and dashboards read these, never guess from state."""

    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("scenario transition")
        verbose_name_plural = _("scenario transitions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["to_status", "created_at"], name="scen_trans_to_time_idx")]

    def __str__(self) -> str:
        return f"{self.scenario_id}: {self.from_status} → {self.to_status}"
