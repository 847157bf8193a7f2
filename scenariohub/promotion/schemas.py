"""Schemas of the promotion API."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from ninja import Field, Schema

from scenariohub.matching.schemas import PageParams
from scenariohub.scenarios.schemas import Text


class ProductListParams(PageParams):
    q: str | None = Field(None, max_length=100, description="Keywords in the product, summary or supplier.")
    sector: str | None = Field(None, description="Sector code.")
    flag: str | None = Field(
        None,
        description="Only products with this policy flag.",
        json_schema_extra={"enum": ["first_set", "first_batch", "first_version", "government_procurement"]},
    )


class RegionReachOut(Schema):
    code: str
    name: str
    adoptions: int
    units: int
    amount: Decimal = Field(description="10k yuan.")


class YearReachOut(Schema):
    year: int
    adoptions: int
    amount: Decimal


class MonthReachOut(Schema):
    month: str = Field(description="`YYYY-MM`.")
    adoptions: int


class ReachOut(Schema):
    """Adoptions in aggregate: no unit names, no single amounts."""

    adoptions: int
    units: int
    amount: Decimal
    regions: list[RegionReachOut]
    by_year: list[YearReachOut]
    by_month: list[MonthReachOut]


class ProductOut(Schema):
    id: int
    solution_id: int
    title: str
    supplier_id: int
    supplier_name: str
    sector: str
    summary: str
    first_set: bool
    first_batch: bool
    first_version: bool
    government_procurement: bool
    listed: bool
    evidence_cooperations: list[int]
    evidence_cases: list[int] = Field(description="Designated benchmark cases of those cooperations.")
    adoption_count: int
    unit_count: int
    region_count: int
    entered_at: dt.datetime
    url: str

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.solution.title

    @staticmethod
    def resolve_supplier_id(obj) -> int:
        return obj.solution.supplier_id

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.solution.supplier.name

    @staticmethod
    def resolve_sector(obj) -> str:
        return obj.solution.sector_id

    @staticmethod
    def resolve_evidence_cooperations(obj) -> list[int]:
        return sorted(c.pk for c in obj.evidence_cooperations.all())

    @staticmethod
    def resolve_evidence_cases(obj) -> list[int]:
        return sorted(c.pk for c in obj.evidence_cases.all())

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("promotion:product-detail", args=[obj.pk])


class ProductDetailOut(ProductOut):
    reach: ReachOut


class ProductListOut(Schema):
    items: list[ProductOut]
    count: int


class ProductIn(Schema):
    solution_id: int = Field(ge=1)
    summary: Text = Field(min_length=1, max_length=2000)
    cooperations: list[int] = Field(
        min_length=1, max_length=50, description="Cooperations proving the product."
    )
    first_set: bool = False
    first_batch: bool = False
    first_version: bool = False
    government_procurement: bool = False
    listed: bool = True


class ProductPatchIn(Schema):
    summary: Text | None = Field(None, min_length=1, max_length=2000)
    cooperations: list[int] | None = Field(None, min_length=1, max_length=50)
    first_set: bool | None = None
    first_batch: bool | None = None
    first_version: bool | None = None
    government_procurement: bool | None = None
    listed: bool | None = None


class AdoptionIn(Schema):
    region: Text | None = Field(None, max_length=12, description="Where; the caller's region when omitted.")
    adopted_on: dt.date
    amount: Decimal | None = Field(None, ge=0, le=1_000_000, decimal_places=2, description="10k yuan.")
    note: Text = Field("", max_length=500)


class AdoptionOut(Schema):
    id: int
    product_id: int
    product_title: str
    organisation_id: int
    organisation_name: str
    region: str
    region_name: str
    adopted_on: dt.date
    amount: Decimal | None
    note: str

    @staticmethod
    def resolve_product_title(obj) -> str:
        return obj.product.solution.title

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name_zh


class AdoptionListOut(Schema):
    items: list[AdoptionOut]
    count: int
