"""Reads of the promotion catalogue: what is listed, each product's reach, who sees which adoptions."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.core.errors import NotFound, PermissionDenied
from scenariohub.promotion.models import Adoption, PromotedProduct
from scenariohub.reference import selectors as ref

PROVEN_STATUSES = ("piloted", "benchmark")
FLAGS = ("first_set", "first_batch", "first_version", "government_procurement")


def _products() -> QuerySet[PromotedProduct]:
    return PromotedProduct.objects.select_related(
        "solution", "solution__supplier", "solution__sector"
    ).annotate(
        adoption_count=Count("adoptions", distinct=True),
        unit_count=Count("adoptions__organisation", distinct=True),
        region_count=Count("adoptions__region", distinct=True),
    )


def _filtered(qs: QuerySet, *, q: str = "", sector: str = "", flag: str = "") -> QuerySet:
    if q:
        qs = qs.filter(
            Q(solution__title__icontains=q)
            | Q(summary__icontains=q)
            | Q(solution__supplier__name__icontains=q)
        )
    if sector and sector in ref.sector_names():
        qs = qs.filter(solution__sector_id=sector)
    if flag in FLAGS:
        qs = qs.filter(**{flag: True})
    return qs.order_by("-entered_at", "-id")


def product_list_public(*, q: str = "", sector: str = "", flag: str = "") -> QuerySet[PromotedProduct]:
    """Listed products, newest entries first, with their adoption, unit and region counts."""
    return _filtered(_products().filter(listed=True), q=q, sector=sector, flag=flag)


def product_list_for_actor(
    *, actor: Actor, q: str = "", sector: str = "", flag: str = ""
) -> QuerySet[PromotedProduct]:
    """The office also sees products taken off the public list."""
    qs = _products() if actor.is_office else _products().filter(listed=True)
    return _filtered(qs, q=q, sector=sector, flag=flag)


def product_get_for_actor(*, actor: Actor, pk: int, write: bool = False) -> PromotedProduct:
    """404 for an unlisted product unless office; 403 for a change by anyone but the office."""
    product = _products().filter(pk=pk).first()
    if product is None or (not product.listed and not actor.is_office):
        raise NotFound(_("Product not found."))
    if write and not actor.is_office:
        raise PermissionDenied(_("Only the provincial office keeps the promotion catalogue."))
    return product


def proven_cooperations(*, solution):
    """Cooperations that prove `solution`: its supplier's, piloted or benchmark, and not proposing another
    solution of theirs (an application that named a solution proves that one)."""
    from scenariohub.tracking.models import Cooperation

    return (
        Cooperation.objects.select_related("scenario", "application")
        .filter(supplier_id=solution.supplier_id, status__in=PROVEN_STATUSES)
        .filter(Q(application__solution_id=solution.pk) | Q(application__solution__isnull=True))
        .order_by("-signed_on", "-id")
    )


def solutions_eligible():
    """Solutions with at least one proving cooperation and no catalogue entry yet (the office's form)."""
    from scenariohub.matching.models import Solution
    from scenariohub.tracking.models import Cooperation

    proven = Cooperation.objects.filter(status__in=PROVEN_STATUSES)
    named = proven.filter(application__solution__isnull=False).values("application__solution_id")
    unnamed_suppliers = proven.filter(application__solution__isnull=True).values("supplier_id")
    return (
        Solution.objects.select_related("supplier")
        .filter(Q(pk__in=named) | Q(supplier_id__in=unnamed_suppliers))
        .filter(promotion__isnull=True)
        .order_by("supplier__name", "title")
    )


@dataclass
class Reach:
    """A product's adoptions in aggregate: what the public sees (no unit names, no single amounts)."""

    adoptions: int = 0
    units: int = 0
    amount: Decimal = Decimal(0)
    regions: list[dict] = field(default_factory=list)  # {code, name, adoptions, units, amount}
    by_year: list[dict] = field(default_factory=list)  # {year, adoptions, amount}
    by_month: list[dict] = field(default_factory=list)  # {month "YYYY-MM", adoptions}


def _money(value) -> Decimal:
    # SQLite sums decimals as floats; two places, whichever database answered.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def product_reach(*, product: PromotedProduct) -> Reach:
    rows = Adoption.objects.filter(product=product)
    totals = rows.aggregate(n=Count("id"), units=Count("organisation", distinct=True), amount=Sum("amount"))
    names = ref.region_names()
    regions = [
        {
            "code": r["region_id"],
            "name": names.get(r["region_id"], r["region_id"]),
            "adoptions": r["n"],
            "units": r["units"],
            "amount": _money(r["amount"]),
        }
        for r in rows.values("region_id")
        .annotate(n=Count("id"), units=Count("organisation", distinct=True), amount=Sum("amount"))
        .order_by("-n", "region_id")
    ]
    years: dict[int, dict] = defaultdict(lambda: {"adoptions": 0, "amount": Decimal(0)})
    months: dict[str, int] = defaultdict(int)
    for adopted_on, amount in rows.values_list("adopted_on", "amount"):
        years[adopted_on.year]["adoptions"] += 1
        years[adopted_on.year]["amount"] += _money(amount)
        months[f"{adopted_on:%Y-%m}"] += 1
    return Reach(
        adoptions=totals["n"],
        units=totals["units"],
        amount=_money(totals["amount"]),
        regions=regions,
        by_year=[{"year": y, **v} for y, v in sorted(years.items())],
        by_month=[{"month": k, "adoptions": v} for k, v in sorted(months.items())],
    )


def adoption_list_for_actor(*, actor: Actor) -> QuerySet[Adoption]:
    """The rows behind the aggregate: the office sees all, a unit its own, anonymous nothing."""
    qs = Adoption.objects.select_related("product__solution", "organisation", "region").order_by(
        "-adopted_on", "-id"
    )
    if actor.is_office:
        return qs
    if actor.is_anonymous:
        return qs.none()
    return qs.filter(organisation_id=actor.organisation_id)
