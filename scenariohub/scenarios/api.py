"""API v1 for scenarios: the catalogue, drafts and their lifecycle, the reference codes, and `me`.

Endpoints only parse input, find the actor and call selectors and services, which check access and
raise the domain errors that `scenariohub.api` turns into `{"code", "message", "details"?}`.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from scenariohub.accounts.models import Role
from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses, paginate
from scenariohub.core.errors import NotFound, ValidationFailed
from scenariohub.core.uploads import attachment_response
from scenariohub.reference import selectors as ref
from scenariohub.scenarios import selectors, services
from scenariohub.scenarios.models import CooperationMode, Scenario
from scenariohub.scenarios.models import Status as ScenarioStatus
from scenariohub.scenarios.schemas import (
    MeOut,
    ReferenceOut,
    ScenarioDetailOut,
    ScenarioIn,
    ScenarioListOut,
    ScenarioListParams,
    ScenarioPatchIn,
    ScenarioTransitionIn,
    ScenarioTransitionListOut,
    ScenarioUpdateIn,
)

router = Router(tags=["scenarios"])

MAX_DB_ID = 2**63 - 1  # a larger id cannot exist; asking for one is "not found", not a database error


def _existing_id(value: int, *, what: str = "scenario") -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(_("Attachment not found.") if what == "attachment" else _("Scenario not found."))
    return value


def _visible(request, scenario_id: int) -> Scenario:
    return selectors.scenario_get_for_actor(actor=api_actor(request), pk=_existing_id(scenario_id))


def _parse_filters(params: ScenarioListParams) -> selectors.ScenarioFilter:
    raw = params.model_dump(exclude={"page", "page_size"}, exclude_none=True)
    errors: dict[str, list[str]] = {}
    for name, value in raw.items():
        # PostgreSQL refuses NUL in a query parameter.
        if "\x00" in value:
            errors[name] = [_("Null characters are not allowed.")]
    year = raw.get("year", "").strip()
    # str.isdigit() accepts "²" and other digits int() refuses; the shared parser would fail on them.
    if year and not (year.isascii() and year.isdigit()):
        errors["year"] = [_("Year must be a four-digit year.")]
    if errors:
        raise ValidationFailed(_("Some filters are not valid."), code="bad_filter", details=errors)
    return selectors.ScenarioFilter.from_params(raw, strict=True)


# ---------------------------------------------------------------------------------------------- reads


@router.get(
    "/scenarios",
    response={200: ScenarioListOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="scenario-list",
    operation_id="scenario_list",
    summary="List scenarios",
    description=(
        "Scenarios the caller may see, filtered and paginated. Anonymous callers see released scenarios; "
        "signed-in callers also their own organisation's, a city its region's under review, the office every "
        "scenario past draft. Unknown codes answer 422 `bad_filter`; a `status` the caller cannot see gives "
        "no rows. The answer is `{items, count}` where `count` counts all pages."
    ),
)
def scenario_list(request, params: Query[ScenarioListParams]):
    filters = _parse_filters(params)
    qs = selectors.scenario_list_visible(actor=api_actor(request), filters=filters)
    return paginate(qs, params)


@router.get(
    "/scenarios/{id}",
    response={200: ScenarioDetailOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="scenario-detail",
    operation_id="scenario_get",
    summary="Get one scenario",
    description=(
        "One scenario with contacts, attachments (with download URLs), its timeline and the lifecycle "
        "steps the caller may take now. 404 when it does not exist or the caller may not see it."
    ),
)
def scenario_get(request, id: int):
    return _visible(request, id)


@router.get(
    "/scenarios/{id}/transitions",
    response={200: ScenarioTransitionListOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="scenario-transition-list",
    operation_id="scenario_transition_list",
    summary="Timeline of a scenario",
    description=(
        "Every lifecycle step of the scenario, oldest first: action, from, to, organisation and time. "
        "Reasons and the names of the people who acted are shown only to the owner, the office and the "
        "reviewing city."
    ),
)
def scenario_transition_list(request, id: int):
    rows = selectors.scenario_timeline(scenario=_visible(request, id))
    return {"items": rows, "count": len(rows)}


@router.get(
    "/scenarios/{id}/attachments/{attachment_id}",
    response={**error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="scenario-attachment-download",
    operation_id="scenario_attachment_download",
    summary="Download an attachment",
    description="The file, as an attachment, to whoever may see the scenario.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def scenario_attachment_download(request, id: int, attachment_id: int):
    scenario = _visible(request, id)
    # TODO(selectors): an attachment selector would own this lookup; it is scoped to a visible scenario.
    attachment = scenario.attachments.filter(pk=_existing_id(attachment_id, what="attachment")).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    response = attachment_response(attachment)
    if response is None:  # the row outlived its file
        raise NotFound(_("Attachment not found."))
    return response


# ---------------------------------------------------------------------------------------------- writes


@router.post(
    "/scenarios",
    response={201: ScenarioDetailOut, **error_responses(401, 403, 422)},
    auth=WRITE_AUTH,
    url_name="scenario-create",
    operation_id="scenario_create",
    summary="Create a draft",
    description=(
        "Opens a draft owned by the caller's organisation (providers, departments, cities and the office). "
        "A city's scenarios are always in its own region. 422 with `details` per field when a value is out "
        "of range, a code is unknown, the field is not of the sector or the budget range is reversed."
    ),
)
def scenario_create(request, payload: ScenarioIn):
    actor = api_actor(request)
    scenario = services.scenario_create(actor=actor, data=payload.model_dump())
    return Status(201, selectors.scenario_get_for_actor(actor=actor, pk=scenario.pk))


def _update(request, id: int, version: int, data: dict):
    actor = api_actor(request)
    _visible(request, id)  # 404 for what the caller may not see, before any rule that would reveal it
    scenario = services.scenario_update(actor=actor, scenario_id=id, version=version, data=data)
    return selectors.scenario_get_for_actor(actor=actor, pk=scenario.pk)


_UPDATE_ERRORS = error_responses(401, 403, 404, 409, 422)
_UPDATE_DESCRIPTION = (
    "Only drafts are edited, only by their owner organisation. Send the `version` you read: if someone saved "
    "since, 409 `stale_version` (reload and edit again); a scenario that is no longer a draft answers 409 "
    "`not_editable`. 404 for a scenario the caller may not see, 403 for one it may see but not change."
)


@router.put(
    "/scenarios/{id}",
    response={200: ScenarioDetailOut, **_UPDATE_ERRORS},
    auth=WRITE_AUTH,
    url_name="scenario-update",
    operation_id="scenario_update",
    summary="Replace a draft",
    description="Every field is sent, as in creation, plus `version`. " + _UPDATE_DESCRIPTION,
)
def scenario_update(request, id: int, payload: ScenarioUpdateIn):
    data = payload.model_dump(exclude={"version"})
    if "region" not in payload.model_fields_set:
        data.pop("region")  # absent means "leave it": a draft keeps the region it was opened in
    return _update(request, id, payload.version, data)


@router.patch(
    "/scenarios/{id}",
    response={200: ScenarioDetailOut, **_UPDATE_ERRORS},
    auth=WRITE_AUTH,
    url_name="scenario-patch",
    operation_id="scenario_patch",
    summary="Change some fields of a draft",
    description="Only the fields sent change; `version` is required. " + _UPDATE_DESCRIPTION,
)
def scenario_patch(request, id: int, payload: ScenarioPatchIn):
    data = payload.model_dump(exclude={"version"}, exclude_unset=True)
    return _update(request, id, payload.version, data)


@router.post(
    "/scenarios/{id}/transitions",
    response={200: ScenarioDetailOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="scenario-transition",
    operation_id="scenario_transition",
    summary="Move a scenario through its lifecycle",
    description=(
        "`to` is the status wanted: `submitted` (owner), `draft` (return by the city or office, send back by "
        "the office; with `reason`), `approved` (city of the region, or office), `published` (office), "
        "`withdrawn` (owner), `closed` (city or office, with `reason`). 409 `invalid_transition` when the "
        "lifecycle has no such step from the current status, 403 when the caller may not take it, 422 when "
        "a reason is missing (`reason_required`) or the scenario is incomplete for submission."
    ),
)
def scenario_transition(request, id: int, payload: ScenarioTransitionIn):
    actor = api_actor(request)
    _visible(request, id)
    # The new state is answered even when the caller can no longer see the scenario (a city that returned
    # it to its owner's drafts): it is what they just did.
    return services.scenario_transition(
        actor=actor, scenario_id=id, target=payload.to, reason=payload.reason or ""
    )


# ---------------------------------------------------------------------------------------------- reference, me


@router.get(
    "/reference",
    response={200: ReferenceOut, **error_responses(401)},
    auth=READ_AUTH,
    url_name="reference",
    operation_id="reference",
    tags=["reference"],
    summary="Codes and names",
    description=(
        "The stable codes used in URLs, filters and bodies, with their Chinese names: sectors with their "
        "fields, regions, scenario kinds, statuses, cooperation modes and list orders."
    ),
)
def reference(request):
    fields_by_sector: dict[str, list[dict]] = {}
    for f in ref.field_list():
        fields_by_sector.setdefault(f.sector_id, []).append({"code": f.code, "name": f.name_zh})
    return {
        "sectors": [
            {
                "code": s.code,
                "name": s.name_zh,
                "name_en": s.name_en,
                "fields": fields_by_sector.get(s.code, []),
            }
            for s in ref.sector_list()
        ],
        "regions": [{"code": r.code, "name": r.name_zh} for r in ref.region_list()],
        "kinds": [{"code": code, "name": name} for code, name in ref.kind_choices()],
        "statuses": [{"code": code, "name": str(label)} for code, label in ScenarioStatus.choices],
        "cooperation_modes": [{"code": code, "name": str(label)} for code, label in CooperationMode.choices],
        "sorts": list(selectors.SORTS),
    }


@router.get(
    "/me",
    response={200: MeOut, **error_responses(401)},
    auth=READ_AUTH,
    url_name="me",
    operation_id="me",
    tags=["me"],
    summary="Who am I acting as",
    description=(
        "The user and membership (organisation and role) this request acts as, and how it was authenticated. "
        "Anonymous callers get `authenticated: false`; a wrong or revoked token gets 401."
    ),
)
def me(request):
    actor = api_actor(request)
    user = actor.user
    membership = actor.membership
    return {
        "authenticated": user is not None,
        "auth": getattr(request, "api_auth_method", "anonymous"),
        "user": None
        if user is None
        else {"id": user.pk, "username": user.username, "display_name": str(user)},
        "membership": None
        if membership is None
        else {
            "id": membership.pk,
            "role": membership.role,
            "role_name": str(Role(membership.role).label),
            "organisation_id": membership.organisation_id,
            "organisation_name": membership.organisation.name,
            "organisation_type": membership.organisation.type,
            "region": membership.organisation.region_id,
            "region_name": ref.region_names().get(membership.organisation.region_id or ""),
        },
    }
