"""Schemas of the zones API. Decimal figures travel as strings ("91.67") so no float rounding creeps in."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictInt

from scenariohub.scenarios.schemas import Text
from scenariohub.zones.criteria import InputKind
from scenariohub.zones.models import ZoneLevel

LevelCode = Literal[tuple(ZoneLevel.values)]  # type: ignore[valid-type]
InputKindCode = Literal[tuple(InputKind.values)]  # type: ignore[valid-type]
Weight = StrictInt


class ZoneComponentOut(Schema):
    code: str
    label: str
    source: str = Field(description="Which data the figure comes from.")
    office_input: bool
    value: str
    missing: bool = Field(description="An office input nobody entered: it counts as zero.")


class ZoneCriterionOut(Schema):
    code: str
    label: str
    weight: int
    raw: str
    scaled: str = Field(description="0–100: the raw value divided by the year's highest, times 100.")
    weighted: str = Field(description="scaled × weight / 100.")
    components: list[ZoneComponentOut]


class ZoneRegionOut(Schema):
    region: str
    region_name: str
    rank: int
    tied: bool
    total: str
    missing: list[str]
    levels: list[str] = Field(description="`provincial` and/or `national` when the region is selected.")
    criteria: list[ZoneCriterionOut]


class ZoneSelectionOut(Schema):
    id: int
    region: str
    region_name: str
    level: str
    level_label: str
    reason: str
    selected_at: dt.datetime
    selected_by: str | None


class ZoneRankingOut(Schema):
    year: int
    status: str
    frozen: bool = Field(description="True once decided: the figures are the snapshot of the decision.")
    decided_at: dt.datetime | None
    weights: dict[str, int]
    normalisation: str
    items: list[ZoneRegionOut]
    count: int
    selections: list[ZoneSelectionOut]


class ZoneYearOut(Schema):
    year: int
    status: str
    decided_at: dt.datetime | None


class ZoneYearListOut(Schema):
    items: list[ZoneYearOut]
    count: int


class ZoneWeightsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    policy: Weight = Field(ge=0, le=100)
    procurement: Weight = Field(ge=0, le=100)
    concentration: Weight = Field(ge=0, le=100)
    publicity: Weight = Field(ge=0, le=100)
    benchmark: Weight = Field(ge=0, le=100)


class ZoneInputIn(Schema):
    model_config = ConfigDict(extra="forbid")

    region: Text = Field(max_length=6, description="Region code.")
    kind: InputKindCode
    value: Text | None = Field(
        None,
        max_length=20,
        description="A decimal ≥ 0 with at most two decimals, as a string; null clears it.",
    )
    source: Text = Field("", max_length=300)


class ZoneInputsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    items: list[ZoneInputIn] = Field(max_length=200)


class ZoneInputsOut(Schema):
    changed: int


class ZoneSelectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    region: Text = Field(max_length=6)
    level: LevelCode
    reason: Text = Field(min_length=1, max_length=2000)


class ZoneDecideIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: Text = Field("", max_length=2000)
