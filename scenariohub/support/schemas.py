"""Schemas of the support API. Amounts are in 10k yuan (万元) and travel as strings ("12.50")."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictInt

from scenariohub.scenarios.schemas import Text
from scenariohub.support.models import ApplicationStatus
from scenariohub.support.rules import Measure

MeasureCode = Literal[tuple(Measure.values)]  # type: ignore[valid-type]
OutcomeCode = Literal["granted", "refused"]
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1


class SupportMeasureOut(Schema):
    measure: str
    label: str
    link: str = Field(description="`cooperation` or `case`: what an application is linked to.")
    statuses: list[str] = Field(description="Statuses of the linked cooperation or case that qualify.")
    parties: list[str] = Field(
        description="`owner` (scenario provider) and/or `supplier` (product provider)."
    )
    money: bool = Field(description="Whether an amount is requested and granted.")
    plan_department: str
    department_id: int | None = Field(
        description="The organisation configured to decide; null: only the office."
    )
    department_name: str | None
    refusal_reason: str = Field(
        description="What an applicant reads when the link's status does not qualify."
    )


class SupportMeasureListOut(Schema):
    items: list[SupportMeasureOut]
    count: int


class SupportDepartmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    department_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)


class SupportApplicationListParams(Schema):
    measure: str | None = Field(None, json_schema_extra={"enum": list(Measure.values)})
    status: str | None = Field(None, json_schema_extra={"enum": list(ApplicationStatus.values)})
    year: int | None = Field(None, ge=2000, le=2100, description="Year of submission.")
    region: str | None = Field(None, max_length=6, description="Region code of the scenario, e.g. `510100`.")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class SupportApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    measure: MeasureCode
    cooperation_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    case_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    summary: Text = Field(min_length=1, max_length=2000)
    amount_requested: Text | None = Field(None, max_length=20, description='10k yuan, e.g. "12.50".')


class SupportDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: OutcomeCode
    amount_granted: Text | None = Field(None, max_length=20, description="10k yuan; for measures with money.")
    reason: Text = Field("", max_length=2000, description="Required when refusing.")


class SupportApplicationOut(Schema):
    id: int
    measure: str
    measure_label: str
    applicant_id: int
    applicant: str
    cooperation_id: int | None
    case_id: int | None
    region: str
    year: int
    summary: str
    amount_requested: str | None
    status: str
    status_label: str
    amount_granted: str | None
    decision_reason: str
    decided_at: dt.datetime | None
    decided_by_organisation: str | None
    created_at: dt.datetime


class SupportApplicationListOut(Schema):
    items: list[SupportApplicationOut]
    count: int


class SupportSummaryLineOut(Schema):
    measure: str
    label: str
    department: str
    applications: int
    submitted: int
    granted: int
    refused: int
    withdrawn: int
    requested: str
    granted_amount: str


class SupportSummaryOut(Schema):
    year: int
    items: list[SupportSummaryLineOut]
    count: int
    total: SupportSummaryLineOut
