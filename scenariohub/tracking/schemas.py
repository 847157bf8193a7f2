"""API schemas of cooperation tracking (`XIn` for bodies, `XOut` for answers)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from scenariohub.scenarios.schemas import MAX_PAGE, MAX_PAGE_SIZE
from scenariohub.tracking.models import CooperationStatus, MilestoneStatus, RiskLevel


class CooperationListParams(Schema):
    region: str | None = Field(None, description="Region code of the scenario, e.g. `510100`.")
    year: str | None = Field(None, description="Year the agreement was signed.")
    status: str | None = Field(
        None, description="Cooperation status.", json_schema_extra={"enum": ["", *CooperationStatus.values]}
    )
    overdue: bool | None = Field(None, description="Only cooperations with an overdue milestone.")
    risk: bool | None = Field(None, description="Only cooperations with an open risk flagged by the city.")
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (at most 100).")


class OrganisationRef(Schema):
    id: int
    name: str


class CooperationItemOut(Schema):
    id: int
    scenario_id: int
    scenario_title: str = Field(alias="scenario.title")
    region: str = Field(alias="scenario.region_id")
    application_id: int
    owner: OrganisationRef
    supplier: OrganisationRef
    signed_on: dt.date
    amount: Decimal = Field(description="Yuan.")
    duration_months: int
    status: str
    status_name: str
    has_overdue: bool = Field(False, description="A milestone is past its planned date and not reached.")
    has_open_risk: bool = Field(False, description="The city flagged a risk that is not resolved.")

    @staticmethod
    def resolve_status_name(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_has_overdue(obj) -> bool:
        return bool(getattr(obj, "has_overdue", False))

    @staticmethod
    def resolve_has_open_risk(obj) -> bool:
        return bool(getattr(obj, "has_open_risk", False))


class CooperationListOut(Schema):
    items: list[CooperationItemOut]
    count: int


class MilestoneOut(Schema):
    id: int
    title: str
    planned_on: dt.date
    done_on: dt.date | None
    status: str
    overdue: bool = Field(description="Not reached and its planned date has passed (computed today).")

    @staticmethod
    def resolve_overdue(obj) -> bool:
        from django.utils import timezone

        return obj.is_overdue(timezone.localdate()) and obj.cooperation.is_active


class MilestoneListOut(Schema):
    items: list[MilestoneOut]
    count: int


class CooperationAttachmentOut(Schema):
    id: int
    name: str = Field(alias="original_name")
    kind: str
    size: int
    url: str = Field(description="Where the file is downloaded (`GET`, same access as the cooperation).")

    @staticmethod
    def resolve_url(obj) -> str:
        from django.urls import reverse

        return reverse(
            "api-v1:cooperation-attachment-download",
            kwargs={"id": obj.cooperation_id, "attachment_id": obj.pk},
        )


class CooperationAttachmentListOut(Schema):
    items: list[CooperationAttachmentOut]
    count: int


class ReportOut(Schema):
    id: int
    reported_on: dt.date
    percent_complete: int
    text: str
    source: str
    organisation: OrganisationRef | None
    attachments: list[CooperationAttachmentOut]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class ReportListOut(Schema):
    items: list[ReportOut]
    count: int


class FollowUpOut(Schema):
    id: int
    comment: str
    risk_level: str
    resolved: bool
    resolved_at: dt.datetime | None
    resolution: str
    organisation: OrganisationRef | None
    created_at: dt.datetime


class FollowUpListOut(Schema):
    items: list[FollowUpOut]
    count: int


class MetricIO(Schema):
    name: str = Field(max_length=60)
    before: Decimal
    after: Decimal
    unit: str = Field("", max_length=20)


class AcceptanceOut(Schema):
    accepted_on: dt.date
    report: str
    metrics: list[MetricIO]

    @staticmethod
    def resolve_metrics(obj) -> list:
        return list(obj.metrics.all())


class CooperationDetailOut(CooperationItemOut):
    parties: str
    scope: str
    started_on: dt.date | None
    terminated_at: dt.datetime | None
    termination_reason: str
    members: list[OrganisationRef] = Field(description="Consortium members of the application.")
    milestones: list[MilestoneOut]
    acceptance: AcceptanceOut | None
    attachments: list[CooperationAttachmentOut] = Field(description="Files of the agreement (reports carry their own).")

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.application.members.all())

    @staticmethod
    def resolve_milestones(obj) -> list:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.agreement_files)

    @staticmethod
    def resolve_acceptance(obj):
        from scenariohub.tracking.selectors import acceptance_of

        return acceptance_of(obj)


class CooperationIn(Schema):
    application: int = Field(description="The shortlisted application the agreement is signed with.")
    parties: str = Field(max_length=1000)
    signed_on: dt.date
    amount: Decimal = Field(description="Yuan, two decimals at most.")
    duration_months: int
    scope: str = Field(max_length=4000)


class StartIn(Schema):
    started_on: dt.date | None = None


class ReasonIn(Schema):
    reason: str = Field("", max_length=1000)


class MilestoneIn(Schema):
    title: str = Field(max_length=100)
    planned_on: dt.date


class MilestonePatchIn(MilestoneIn):
    status: str = Field(
        MilestoneStatus.PLANNED,
        json_schema_extra={"enum": [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS]},
    )


class CompleteIn(Schema):
    done_on: dt.date


class ReportIn(Schema):
    reported_on: dt.date | None = None
    percent_complete: int
    text: str = Field(max_length=4000)


class FollowUpIn(Schema):
    comment: str = Field(max_length=2000)
    risk_level: str = Field(RiskLevel.NONE, json_schema_extra={"enum": RiskLevel.values})


class ResolveIn(Schema):
    resolution: str = Field("", max_length=1000)


class PilotIn(Schema):
    accepted_on: dt.date
    report: str = Field(max_length=4000)
    metrics: list[MetricIO] = Field(description="Measured results, at least one.")
