"""The province-wide promotion catalogue (推广目录) and the adoptions that measure a product's reach.

A `PromotedProduct` is a supplier's `matching.Solution` that has been proven in a cooperation that reached
`piloted` or `benchmark`; the office enters it with that evidence linked (`evidence_cooperations`, and the
designated `evidence_cases`). Products proven in a demonstration application (a designated benchmark case)
may carry the policy flags 首台套 / 首批次 / 首版次 and the government-procurement flag.

An `Adoption` is recorded by a signed-in unit for itself (never by the product's own supplier): who
adopted it, where, when and for how much. The public sees adoptions only in aggregate (regions, units,
counts and amounts over time); each unit and the office see the rows.

Read by others: the demonstration-zone score sums `Adoption.amount` per `region` and year of `adopted_on`
as the region's product procurement volume; support measures read the policy flags.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

AMOUNT_MAX_WAN = 1_000_000  # 100 亿元; larger figures are typing mistakes


class PromotedProduct(models.Model):
    solution = models.OneToOneField(
        "matching.Solution", verbose_name=_("solution"), on_delete=models.PROTECT, related_name="promotion"
    )
    summary = models.TextField(
        _("promotion summary"),
        max_length=2000,
        help_text=_("What the product does and where it proved itself."),
    )
    evidence_cooperations = models.ManyToManyField(
        "tracking.Cooperation", verbose_name=_("proven in cooperations"), related_name="promoted_products"
    )
    evidence_cases = models.ManyToManyField(
        "cases.BenchmarkCase", verbose_name=_("benchmark cases"), blank=True, related_name="promoted_products"
    )
    first_set = models.BooleanField(_("first set (首台套)"), default=False)
    first_batch = models.BooleanField(_("first batch (首批次)"), default=False)
    first_version = models.BooleanField(_("first version (首版次)"), default=False)
    government_procurement = models.BooleanField(_("recommended for government procurement"), default=False)
    listed = models.BooleanField(_("listed"), default=True, help_text=_("Shown in the public catalogue."))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("promoted product")
        verbose_name_plural = _("promoted products")
        ordering = ["-entered_at", "-id"]

    def __str__(self) -> str:
        return self.solution.title

    @property
    def policy_flags(self) -> list[str]:
        names = {
            "first_set": _("First set (首台套)"),
            "first_batch": _("First batch (首批次)"),
            "first_version": _("First version (首版次)"),
            "government_procurement": _("Government procurement"),
        }
        return [str(label) for name, label in names.items() if getattr(self, name)]


class Adoption(models.Model):
    product = models.ForeignKey(
        PromotedProduct, verbose_name=_("product"), on_delete=models.CASCADE, related_name="adoptions"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("adopting unit"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    adopted_on = models.DateField(_("adopted on"), db_index=True)
    amount = models.DecimalField(
        _("amount (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(AMOUNT_MAX_WAN)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-adopted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="promotion_adoption_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["product", "adopted_on"], name="promo_adoption_product_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} ← {self.product_id} ({self.adopted_on})"
