"""Schemas of the scenarios API: codes go in; codes and their Chinese names come out.

Input schemas check shapes and limits (so the OpenAPI shows them and nothing reaches the database that it
cannot store); the rules that need data — a code that exists, a field of the chosen sector, an ordered
budget range — are the services' and come back as the same 422 with details per field.
"""

import datetime as dt
from typing import Annotated, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StrictInt

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.reference import selectors as ref
from scenariohub.reference.models import ScenarioKind
from scenariohub.scenarios import lifecycle
from scenariohub.scenarios.models import BUDGET_MAX_WAN, CooperationMode, Scenario, Status
from scenariohub.scenarios.selectors import SORTS

MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000  # keeps OFFSET within what every database accepts
MAX_VERSION = 2_147_483_647

# Literal types built from the model choices, so the schema lists the allowed codes and stays in step.
KindCode = Literal[tuple(ScenarioKind.values)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(Status.values)]  # type: ignore[valid-type]
CooperationModeCode = Literal[tuple(CooperationMode.values)]  # type: ignore[valid-type]


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL in text and any database refuses lone surrogates (which JSON "\ud800" yields).
    if "\x00" in value:
        raise ValueError(_("Null characters are not allowed."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Enter a valid value.")) from None
    return value


Text = Annotated[str, AfterValidator(_storable)]
Budget = Annotated[StrictInt, Field(ge=0, le=BUDGET_MAX_WAN, description="10k yuan (万元)")]


# ---------------------------------------------------------------------------------------------- inputs


class ScenarioListParams(Schema):
    # Filters are strings here and parsed by ScenarioFilter (shared with the catalogue), which answers
    # `bad_filter` for unknown codes; the enums below only document the allowed values.
    region: str | None = Field(None, description="Region code, e.g. `510100` (see /api/v1/reference).")
    sector: str | None = Field(None, description="Sector code, e.g. `manufacturing`.")
    field: str | None = Field(None, description="Field code, e.g. `machine-vision`.")
    kind: str | None = Field(
        None, description="Scenario kind.", json_schema_extra={"enum": ["", *ScenarioKind.values]}
    )
    status: str | None = Field(
        None,
        description="Status; codes the caller may not see simply give fewer rows.",
        json_schema_extra={"enum": ["", *Status.values]},
    )
    year: str | None = Field(None, description="Release year (creation year for unreleased scenarios).")
    q: str | None = Field(None, description="Keywords; each must occur in title, purpose or requirements.")
    sort: str | None = Field(
        None, description="Order, default `-published`.", json_schema_extra={"enum": ["", *SORTS]}
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (at most 100).")


class ScenarioIn(Schema):
    """A whole scenario. Unknown keys are refused, so a misspelt field is not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    title: Text = Field(min_length=1, max_length=100)
    region: Text | None = Field(
        None,
        max_length=6,
        description="Region code; defaults to your organisation's. A city's is always its own.",
    )
    sector: Text = Field(max_length=40, description="Sector code.")
    field: Text = Field(max_length=60, description="Field code; must belong to the sector.")
    kind: KindCode = ScenarioKind.INDUSTRIAL.value
    purpose: Text = Field(min_length=1, max_length=2000, description="用途")
    tech_requirements: Text = Field(min_length=1, max_length=4000, description="技术要求")
    cooperation_mode: CooperationModeCode
    cooperation_note: Text = Field("", max_length=300)
    budget_min: Budget | None = None
    budget_max: Budget | None = Field(None, description="10k yuan (万元); not below `budget_min`.")
    deadline: dt.date | None = Field(
        None, description="Application deadline; required (and future) to submit."
    )
    contact_name: Text = Field(min_length=1, max_length=40)
    contact_phone: Text = Field(min_length=1, max_length=20)
    contact_email: Text = Field("", max_length=254)


class ScenarioUpdateIn(ScenarioIn):
    version: StrictInt = Field(
        ge=1,
        le=MAX_VERSION,
        description="The `version` you read; if someone saved since, 409 `stale_version`.",
    )


class ScenarioPatchIn(Schema):
    """Only the keys sent are changed."""

    model_config = ConfigDict(extra="forbid")

    version: StrictInt = Field(
        ge=1,
        le=MAX_VERSION,
        description="The `version` you read; if someone saved since, 409 `stale_version`.",
    )
    title: Text | None = Field(None, min_length=1, max_length=100)
    region: Text | None = Field(None, max_length=6)
    sector: Text | None = Field(None, max_length=40)
    field: Text | None = Field(None, max_length=60)
    kind: KindCode | None = None
    purpose: Text | None = Field(None, min_length=1, max_length=2000)
    tech_requirements: Text | None = Field(None, min_length=1, max_length=4000)
    cooperation_mode: CooperationModeCode | None = None
    cooperation_note: Text | None = Field(None, max_length=300)
    budget_min: Budget | None = None
    budget_max: Budget | None = None
    deadline: dt.date | None = None
    contact_name: Text | None = Field(None, min_length=1, max_length=40)
    contact_phone: Text | None = Field(None, min_length=1, max_length=20)
    contact_email: Text | None = Field(None, max_length=254)


class ScenarioTransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to: StatusCode = Field(description="The status to move to.")
    reason: Text | None = Field(
        None, max_length=1000, description="Required to return, send back or close (422 `reason_required`)."
    )


# ---------------------------------------------------------------------------------------------- outputs


def _actor(context) -> Actor:
    from scenariohub.api import api_actor  # the API module imports this one

    return api_actor(context["request"])


def _contact(obj: Scenario, context):
    """Phone and e-mail in full for the owner, its reviewing city and the office; masked for others."""
    from scenariohub.scenarios.selectors import scenario_contact_for_actor

    return scenario_contact_for_actor(actor=_actor(context), scenario=obj)


def shows_review_details(actor: Actor, scenario: Scenario) -> bool:
    """Reasons and reviewers' names in a timeline are for the people in the review, not for the public:
    the owner organisation, the office and the city that reviews the scenario."""
    if actor.is_anonymous:
        return False
    if actor.organisation_id == scenario.owner_id or actor.role == Role.OFFICE:
        return True
    return actor.role == Role.CITY and lifecycle.in_scope(actor, scenario, lifecycle.REGION)


class ScenarioItemOut(Schema):
    id: int
    title: str
    status: str
    status_name: str
    owner_id: int
    owner_name: str
    region: str
    region_name: str
    sector: str
    sector_name: str
    field: str
    field_name: str
    kind: str
    kind_name: str
    purpose: str
    tech_requirements: str
    cooperation_mode: str
    cooperation_mode_name: str
    cooperation_note: str
    budget_min: int | None = Field(description="10k yuan (万元)")
    budget_max: int | None = Field(description="10k yuan (万元)")
    budget_display: str = Field(description="The budget range as people read it.")
    deadline: dt.date | None
    published_at: dt.datetime | None
    published_year: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="Send it back when you edit: an edit from an older version is refused.")
    url: str = Field(description="This scenario in the API.")

    @staticmethod
    def resolve_status_name(obj: Scenario) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_owner_name(obj: Scenario) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_region(obj: Scenario) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Scenario) -> str:
        return obj.region.name_zh

    @staticmethod
    def resolve_sector(obj: Scenario) -> str:
        return obj.sector_id

    @staticmethod
    def resolve_sector_name(obj: Scenario) -> str:
        return obj.sector.name_zh

    @staticmethod
    def resolve_field(obj: Scenario) -> str:
        return obj.field_id

    @staticmethod
    def resolve_field_name(obj: Scenario) -> str:
        return obj.field.name_zh

    @staticmethod
    def resolve_kind_name(obj: Scenario) -> str:
        return ref.kind_names().get(obj.kind) or str(obj.get_kind_display())

    @staticmethod
    def resolve_cooperation_mode_name(obj: Scenario) -> str:
        return str(obj.get_cooperation_mode_display())

    @staticmethod
    def resolve_budget_display(obj: Scenario) -> str:
        return obj.budget_display

    @staticmethod
    def resolve_url(obj: Scenario, context) -> str:
        return context["request"].build_absolute_uri(reverse("api-v1:scenario-detail", kwargs={"id": obj.pk}))


class ScenarioAttachmentOut(Schema):
    id: int
    name: str
    kind: str = Field(description="pdf, docx, xlsx, png or jpg")
    size: int = Field(description="Bytes")
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_download_url(obj, context) -> str:
        url = reverse(
            "api-v1:scenario-attachment-download", kwargs={"id": obj.scenario_id, "attachment_id": obj.pk}
        )
        return context["request"].build_absolute_uri(url)


class ScenarioTransitionOut(Schema):
    action: str
    action_name: str
    from_status: str
    from_status_name: str
    to_status: str
    to_status_name: str
    organisation_name: str | None
    actor_name: str | None = Field(description="Only for the owner, the office and the reviewing city.")
    reason: str | None = Field(description="Only for the owner, the office and the reviewing city.")
    created_at: dt.datetime

    @staticmethod
    def resolve_action_name(obj) -> str:
        step = lifecycle.transition_by_action(obj.action)
        return str(step.label) if step else obj.action

    @staticmethod
    def resolve_from_status_name(obj) -> str:
        return str(obj.get_from_status_display())

    @staticmethod
    def resolve_to_status_name(obj) -> str:
        return str(obj.get_to_status_display())

    @staticmethod
    def resolve_organisation_name(obj) -> str | None:
        return obj.organisation.name if obj.organisation else None

    @staticmethod
    def resolve_actor_name(obj, context) -> str | None:
        if obj.actor is None or not shows_review_details(_actor(context), obj.scenario):
            return None
        return str(obj.actor)

    @staticmethod
    def resolve_reason(obj, context) -> str | None:
        return obj.reason if shows_review_details(_actor(context), obj.scenario) else None


class ScenarioActionOut(Schema):
    action: str
    name: str
    to: str
    reason_required: bool


class ScenarioDetailOut(ScenarioItemOut):
    contact_name: str
    # Personal data: in full for the owner, its reviewing city and the office; masked (138****1111) for others.
    contact_phone: str
    contact_email: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    attachments: list[ScenarioAttachmentOut]
    timeline: list[ScenarioTransitionOut] = Field(description="Every lifecycle step, oldest first.")
    actions: list[ScenarioActionOut] = Field(
        description="The steps you may take now (for buttons; the server re-checks)."
    )

    @staticmethod
    def resolve_contact_phone(obj: Scenario, context) -> str:
        return _contact(obj, context).phone

    @staticmethod
    def resolve_contact_email(obj: Scenario, context) -> str:
        return _contact(obj, context).email

    @staticmethod
    def resolve_attachments(obj: Scenario) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_timeline(obj: Scenario) -> list:
        from scenariohub.scenarios.selectors import scenario_timeline

        return scenario_timeline(scenario=obj)

    @staticmethod
    def resolve_actions(obj: Scenario, context) -> list[dict]:
        return [
            {"action": t.action, "name": str(t.label), "to": t.target, "reason_required": t.reason_required}
            for t in lifecycle.available_transitions(_actor(context), obj)
        ]


class ScenarioListOut(Schema):
    items: list[ScenarioItemOut]
    count: int = Field(description="Rows matching the filters, over all pages.")


class ScenarioTransitionListOut(Schema):
    items: list[ScenarioTransitionOut]
    count: int


# ---------------------------------------------------------------------------------------------- reference


class ReferenceCodeOut(Schema):
    code: str
    name: str


CodeName = ReferenceCodeOut  # the earlier name, which other apps' schemas import


class ReferenceSectorOut(Schema):
    code: str
    name: str
    name_en: str
    fields: list[ReferenceCodeOut]


class ReferenceOut(Schema):
    sectors: list[ReferenceSectorOut]
    regions: list[ReferenceCodeOut]
    kinds: list[ReferenceCodeOut]
    statuses: list[ReferenceCodeOut]
    cooperation_modes: list[ReferenceCodeOut]
    sorts: list[str]


# ---------------------------------------------------------------------------------------------- me


class MeUserOut(Schema):
    id: int
    username: str
    display_name: str


class MeMembershipOut(Schema):
    id: int
    role: str
    role_name: str
    organisation_id: int
    organisation_name: str
    organisation_type: str
    region: str | None
    region_name: str | None


class MeOut(Schema):
    authenticated: bool
    auth: Literal["token", "session", "anonymous"] = Field(description="How this request was authenticated.")
    user: MeUserOut | None
    membership: MeMembershipOut | None = Field(description="The membership the caller acts as.")
