"""API shapes of the annual plan."""

import datetime as dt

from ninja import Field, Schema


class PlanVersionOut(Schema):
    number: int
    confirmed_at: dt.datetime
    confirmed_by: str | None
    note: str
    item_count: int


class PlanItemOut(Schema):
    position: int
    scenario_id: int
    title: str
    owner: str
    owner_type: str
    region: str
    region_name: str
    sector: str
    field: str
    kind: str
    cooperation_mode: str
    budget_min: int | None
    budget_max: int | None
    contact_name: str = Field(..., description="Empty when not yet released and not yours to see.")
    contact_phone: str
    released: bool
    scenario_status: str


class PlanSummaryOut(Schema):
    key: str
    name: str
    planned: int
    released: int


class PlanOut(Schema):
    year: int
    status: str = Field(..., description="draft | confirmed (of the working list)")
    draft: bool = Field(..., description="True when `items` is the working list, not a confirmed version")
    scoped: bool = Field(..., description="True when the caller sees only its part (city, department)")
    version: PlanVersionOut | None
    versions: list[int]
    items: list[PlanItemOut]
    count: int
    by_city: list[PlanSummaryOut]
    by_department: list[PlanSummaryOut]
    total: PlanSummaryOut
