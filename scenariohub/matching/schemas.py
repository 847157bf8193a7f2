"""Schemas of the matching API: codes go in; codes and their Chinese names come out.

Input schemas check shapes and limits; the rules that need data (a code that exists, an own solution, a
consortium of registered suppliers, the deadline) are the services' and answer the same 422/409 shape.
"""

import datetime as dt
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StrictInt

from scenariohub.matching.models import SCORE_MAX, DeploymentMode, Frequency, Maturity
from scenariohub.scenarios.schemas import MAX_PAGE, MAX_PAGE_SIZE, CodeName, Text

MaturityCode = Literal[tuple(Maturity.values)]  # type: ignore[valid-type]
DeploymentCode = Literal[tuple(DeploymentMode.values)]  # type: ignore[valid-type]
FrequencyCode = Literal[tuple(Frequency.values)]  # type: ignore[valid-type]
Code = Text  # a reference code; unknown ones answer 422 from the service
Id = StrictInt


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (at most 100).")


# ---------------------------------------------------------------------------------------------- suppliers


class SupplierListParams(PageParams):
    q: str | None = Field(None, description="Keywords; each must occur in the name, introduction or qualifications.")
    sector: str | None = Field(None, description="Sector code.")
    field: str | None = Field(None, description="Field code.")
    region: str | None = Field(None, description="Region code of the supplier organisation.")
    verified: str | None = Field(None, description="`true` for suppliers verified by the office only.")


def _code_names(rows) -> list[dict]:
    return [{"code": r.pk, "name": r.name_zh} for r in rows]


def _supplier_contact(obj, context):
    from scenariohub.api import api_actor  # the API module imports this one
    from scenariohub.matching.selectors import supplier_contact_for_actor

    return supplier_contact_for_actor(actor=api_actor(context["request"]), profile=obj)


class SupplierOut(Schema):
    id: int = Field(description="The supplier organisation's id (used by applications' `members`).")
    name: str
    credit_code: str | None = Field(description="Unified social credit code (GB 32100).")
    region: str | None
    region_name: str | None
    scale: str
    scale_name: str
    introduction: str
    qualifications: str
    website: str
    contact_name: str
    # Personal data: in full for the supplier, its city and the office; masked (138****1111) for others.
    contact_phone: str
    contact_email: str
    sectors: list[CodeName]
    fields: list[CodeName]
    verified: bool = Field(description="Verified by the provincial office (the badge).")
    verified_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.organisation_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_credit_code(obj) -> str | None:
        return obj.organisation.credit_code

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.organisation.region_id

    @staticmethod
    def resolve_region_name(obj) -> str | None:
        return obj.organisation.region.name_zh if obj.organisation.region_id else None

    @staticmethod
    def resolve_contact_phone(obj, context) -> str:
        return _supplier_contact(obj, context).phone

    @staticmethod
    def resolve_contact_email(obj, context) -> str:
        return _supplier_contact(obj, context).email

    @staticmethod
    def resolve_scale_name(obj) -> str:
        return str(obj.get_scale_display())

    @staticmethod
    def resolve_sectors(obj) -> list[dict]:
        return _code_names(obj.sectors.all())

    @staticmethod
    def resolve_fields(obj) -> list[dict]:
        return _code_names(obj.fields.all())

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(
            reverse("api-v1:supplier-detail", kwargs={"id": obj.organisation_id}))


class SupplierListOut(Schema):
    items: list[SupplierOut]
    count: int


# ---------------------------------------------------------------------------------------------- solutions


class SolutionListParams(PageParams):
    q: str | None = Field(None, description="Keywords; each must occur in the title, description or capabilities.")
    sector: str | None = None
    field: str | None = None
    maturity: str | None = Field(None, json_schema_extra={"enum": ["", *Maturity.values]})
    deployment: str | None = Field(None, json_schema_extra={"enum": ["", *DeploymentMode.values]})
    supplier: str | None = Field(None, description="Supplier organisation id.")


class SolutionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(min_length=1, max_length=100)
    description: Text = Field(min_length=1, max_length=4000)
    sector: Code = Field(max_length=40, description="Sector code.")
    fields: list[Code] = Field(default_factory=list, max_length=30, description="Field codes.")
    capabilities: list[Text] = Field(default_factory=list, max_length=50)
    maturity: MaturityCode
    deployment_modes: list[DeploymentCode] = Field(default_factory=list, max_length=3)
    reference_cases: Text = Field("", max_length=4000)
    published: StrictBool = Field(False, description="Shown in the public catalogue.")

    def service_data(self) -> dict:
        data = self.model_dump()
        data["capabilities"] = "\n".join(c.strip() for c in self.capabilities if c.strip())
        return data


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name


class SolutionOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    supplier_verified: bool
    title: str
    description: str
    sector: str
    sector_name: str
    fields: list[CodeName]
    capabilities: list[str]
    maturity: str
    maturity_name: str
    deployment_modes: list[str]
    reference_cases: str
    published: bool
    attachments: list[AttachmentOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_supplier_verified(obj) -> bool:
        profile = getattr(obj.supplier, "supplier_profile", None)
        return bool(profile and profile.verified)

    @staticmethod
    def resolve_sector(obj) -> str:
        return obj.sector_id

    @staticmethod
    def resolve_sector_name(obj) -> str:
        return obj.sector.name_zh

    @staticmethod
    def resolve_fields(obj) -> list[dict]:
        return _code_names(obj.fields.all())

    @staticmethod
    def resolve_capabilities(obj) -> list[str]:
        return obj.capability_list

    @staticmethod
    def resolve_maturity_name(obj) -> str:
        return str(obj.get_maturity_display())

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class SolutionListOut(Schema):
    items: list[SolutionOut]
    count: int


# ---------------------------------------------------------------------------------------------- applications


class ApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    scenario: Id = Field(ge=1, description="The released scenario applied to.")
    proposal: Text = Field(min_length=1, max_length=8000)
    team: Text = Field("", max_length=2000)
    schedule: Text = Field("", max_length=2000)
    solution: Id | None = Field(None, ge=1, description="One of your own solutions.")
    members: list[Id] = Field(
        default_factory=list, max_length=20,
        description="Consortium member supplier ids besides you (the lead); at most 4.",
    )


class ApplicationListParams(PageParams):
    status: str | None = Field(None, json_schema_extra={"enum": ["", "submitted", "shortlisted", "declined", "withdrawn"]})


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field("", max_length=1000, description="Required to decline; shown to the supplier.")


class ScoresIn(Schema):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, StrictInt] = Field(description=f"Criterion id → score 0–{SCORE_MAX}; every criterion.")
    comment: Text = Field("", max_length=500)


class OrgOut(Schema):
    id: int
    name: str


class HistoryOut(Schema):
    action: str
    from_status: str
    to_status: str
    organisation_name: str | None
    reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_organisation_name(obj) -> str | None:
        return obj.organisation.name if obj.organisation_id else None


class ApplicationOut(Schema):
    id: int
    scenario_id: int
    scenario_title: str
    supplier_id: int
    supplier_name: str
    members: list[OrgOut]
    solution_id: int | None
    solution_title: str | None
    proposal: str
    team: str
    schedule: str
    status: str
    status_name: str
    decision_reason: str
    decided_at: dt.datetime | None
    created_at: dt.datetime
    attachments: list[AttachmentOut]
    history: list[HistoryOut]

    @staticmethod
    def resolve_scenario_title(obj) -> str:
        return obj.scenario.title

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())

    @staticmethod
    def resolve_solution_title(obj) -> str | None:
        return obj.solution.title if obj.solution_id else None

    @staticmethod
    def resolve_status_name(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_history(obj) -> list:
        return list(obj.transitions.all())


class ApplicationListOut(Schema):
    items: list[ApplicationOut]
    count: int


class CriterionOut(Schema):
    id: int
    name: str
    weight: int


class ComparisonRowOut(Schema):
    application: ApplicationOut
    averages: list[float | None] = Field(description="Average score per criterion, in `criteria` order.")
    total: float | None = Field(description="Weighted score out of 100 over the criteria scored so far.")
    reviewers: int
    complete: bool


class ScenarioApplicationsOut(Schema):
    criteria: list[CriterionOut]
    items: list[ComparisonRowOut]
    count: int


# ---------------------------------------------------------------------------------------------- talks


class TalkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    scheduled_at: dt.datetime
    place: Text = Field("", max_length=200)
    online_link: Text = Field("", max_length=200)
    participants: list[Id] = Field(default_factory=list, max_length=50, description="User ids to notify.")
    participants_note: Text = Field("", max_length=300)


class UserOut(Schema):
    id: int
    display_name: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return str(obj)


class TalkOut(Schema):
    id: int
    application_id: int
    scenario_id: int
    scenario_title: str
    supplier_name: str
    scheduled_at: dt.datetime
    place: str
    online_link: str
    participants: list[UserOut]
    participants_note: str
    minutes: str
    outcome: str
    outcome_name: str

    @staticmethod
    def resolve_scenario_id(obj) -> int:
        return obj.application.scenario_id

    @staticmethod
    def resolve_scenario_title(obj) -> str:
        return obj.application.scenario.title

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.application.supplier.name

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.all())

    @staticmethod
    def resolve_outcome_name(obj) -> str:
        return str(obj.get_outcome_display())


class TalkListParams(PageParams):
    scenario: int | None = Field(None, ge=1, le=2**63 - 1)


class TalkListOut(Schema):
    items: list[TalkOut]
    count: int


# ---------------------------------------------------------------------------------------------- questions


class QuestionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=2000)


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: Text = Field(min_length=1, max_length=4000)


class QuestionOut(Schema):
    id: int
    scenario_id: int
    text: str
    answer: str
    answered_at: dt.datetime | None
    created_at: dt.datetime
    mine: bool = Field(description="Asked by your organisation.")
    asker_name: str | None = Field(description="Only for the scenario owner.")


class QuestionListOut(Schema):
    items: list[QuestionOut]
    count: int


# ---------------------------------------------------------------------------------------------- notifications


class NotificationListParams(PageParams):
    unread: bool = False


class NotificationOut(Schema):
    id: int
    verb: str
    verb_name: str
    text: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_verb_name(obj) -> str:
        return str(obj.get_verb_display())


class NotificationListOut(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class MarkedOut(Schema):
    marked: int


# ---------------------------------------------------------------------------------------------- subscriptions


class SubscriptionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=60)
    sectors: list[Code] = Field(default_factory=list, max_length=30)
    fields: list[Code] = Field(default_factory=list, max_length=100)
    regions: list[Code] = Field(default_factory=list, max_length=30)
    keywords: Text = Field("", max_length=200, description="Separated by spaces or commas; any one may match.")
    frequency: FrequencyCode = Frequency.DAILY.value
    active: StrictBool = True


class SubscriptionOut(Schema):
    id: int
    name: str
    sectors: list[str]
    fields: list[str]
    regions: list[str]
    keywords: str
    frequency: str
    active: bool
    last_digest_on: dt.date | None
    created_at: dt.datetime

    @staticmethod
    def resolve_sectors(obj) -> list[str]:
        return [s.pk for s in obj.sectors.all()]

    @staticmethod
    def resolve_fields(obj) -> list[str]:
        return [f.pk for f in obj.fields.all()]

    @staticmethod
    def resolve_regions(obj) -> list[str]:
        return [r.pk for r in obj.regions.all()]


class SubscriptionListOut(Schema):
    items: list[SubscriptionOut]
    count: int

