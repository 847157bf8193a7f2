"""Schemas of `/api/v1/stats/targets`: the same figures, definitions and breakdowns as the dashboard page."""

from typing import Literal

from ninja import Field, Schema

TargetCode = Literal["conferences", "published", "published_government", "benchmarks"]


class TargetOut(Schema):
    code: TargetCode
    label: str
    target: int = Field(description="The plan's yearly minimum (taxonomy `annual_targets`).")
    actual: int = Field(description="The live figure, counted as `definition` says.")
    forecast: int = Field(description="Year-end figure at the pace so far (the final figure for past years).")
    on_track: bool
    forecast_state: Literal["projected", "final", "not_started"]
    shortfall: int = Field(description="How many the forecast misses the target by (0 when on track).")
    reached_on: str | None = Field(
        None,
        description="ISO date on which the target is reached at the current pace (may be after year end).",
    )
    definition: str


class BreakdownRowOut(Schema):
    code: str = Field(description="Region, sector, field or kind code, or `YYYY-MM` for months.")
    name: str
    published: int
    published_government: int
    benchmarks: int
    conferences: int | None = Field(None, description="Conferences held (by host city and by month only).")


class BreakdownOut(Schema):
    region: list[BreakdownRowOut]
    sector: list[BreakdownRowOut]
    field: list[BreakdownRowOut]
    kind: list[BreakdownRowOut]
    month: list[BreakdownRowOut]


class StageOut(Schema):
    code: Literal["released", "applied", "agreed", "implementing", "piloted", "benchmark"]
    status: str
    label: str
    count: int
    definition: str


class DefinitionsOut(Schema):
    breakdown: str
    forecast: str


class TargetsOut(Schema):
    year: int
    as_of: str = Field(description="The date (Beijing time) the figures and forecasts were computed for.")
    targets: list[TargetOut]
    breakdown: BreakdownOut
    funnel: list[StageOut]
    definitions: DefinitionsOut
