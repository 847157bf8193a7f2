"""API v1 for benchmark cases and the yearly quotas: the same services and access helper as the pages."""

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses, paginate
from scenariohub.cases import selectors, services
from scenariohub.cases.schemas import (
    CaseDecisionIn,
    CaseIn,
    CaseListOut,
    CaseListParams,
    CaseOut,
    CasePatchIn,
    QuotaIn,
    QuotaListOut,
    QuotaParams,
)
from scenariohub.core.errors import NotFound, PermissionDenied
from scenariohub.reference import selectors as ref

router = Router(tags=["benchmark cases"])
MAX_DB_ID = 2**63 - 1


def _id(value: int) -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(_("Benchmark case not found."))
    return value


def _case(request, id: int, *, write: bool = False):
    return selectors.case_get_for_actor(actor=api_actor(request), pk=_id(id), write=write)


@router.get(
    "/benchmark-cases",
    response={200: CaseListOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="case-list",
    operation_id="case_list",
    summary="List benchmark cases",
    description="Designated cases for everyone; the nominations the caller is involved in too (the city "
    "of the region, the parties, the office). Filters `year`, `region`, `sector`, `status`; unknown codes "
    "answer 422 `bad_filter`.",
)
def case_list(request, params: Query[CaseListParams]):
    filters = selectors.CaseFilter.from_params(params.model_dump(exclude={"page", "page_size"}), strict=True)
    qs = selectors.case_list_for_actor(actor=api_actor(request), filters=filters).prefetch_related(
        "figures", "photos"
    )
    return paginate(qs, params)


@router.get(
    "/benchmark-cases/{id}",
    response={200: CaseOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="case-detail",
    operation_id="case_get",
    summary="Get one benchmark case",
    description="404 for a nomination the caller is not involved in.",
)
def case_get(request, id: int):
    return _case(request, id)


@router.post(
    "/benchmark-cases",
    response={201: CaseOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="case-nominate",
    operation_id="case_nominate",
    summary="Nominate a case",
    description="The city lead department of the scenario's region nominates a piloted cooperation "
    "within its quota for the year; the office nominates provincial departments' and its own scenarios' "
    "within the provincial quota. 409 `no_quota`, `quota_exhausted`, `not_piloted` or "
    "`already_nominated`; 422 `unchanged` when a declined case is nominated again with the same "
    "write-up (a changed one becomes a new case following the declined one); 404 for another region's "
    "cooperation, 403 for the parties and for the nominator of the other kind.",
)
def case_nominate(request, payload: CaseIn):
    actor = api_actor(request)
    data = payload.model_dump(exclude={"cooperation_id"})
    case = services.case_nominate(actor=actor, cooperation_id=payload.cooperation_id, data=data)
    return Status(201, selectors.case_get_for_actor(actor=actor, pk=case.pk))


@router.patch(
    "/benchmark-cases/{id}",
    response={200: CaseOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="case-update",
    operation_id="case_update",
    summary="Change the write-up",
    description="The nominating city, while the case awaits a decision (409 `not_editable` after).",
)
def case_update(request, id: int, payload: CasePatchIn):
    actor = api_actor(request)
    _case(request, id, write=True)
    services.case_update(actor=actor, case_id=id, data=payload.model_dump(exclude_unset=True))
    return selectors.case_get_for_actor(actor=actor, pk=id)


@router.post(
    "/benchmark-cases/{id}/photos",
    response={201: CaseOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="case-photo-add",
    operation_id="case_photo_add",
    summary="Add a photo",
    description="Multipart field `file`: PNG or JPEG checked by content, at most 5 MB; `caption` optional.",
)
def case_photo_add(request, id: int, file: File[UploadedFile], caption: Form[str] = ""):
    actor = api_actor(request)
    _case(request, id, write=True)
    services.case_photo_add(actor=actor, case_id=id, uploaded=file, caption=caption)
    return Status(201, selectors.case_get_for_actor(actor=actor, pk=id))


@router.post(
    "/benchmark-cases/{id}/designate",
    response={200: CaseOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="case-designate",
    operation_id="case_designate",
    summary="Designate",
    description="The office designates the case: it becomes public and the scenario moves to "
    "`benchmark` (counted by the dashboard). 409 `already_decided` for a decided case.",
)
def case_designate(request, id: int, payload: CaseDecisionIn):
    actor = api_actor(request)
    _case(request, id)
    services.case_designate(actor=actor, case_id=id, reason=payload.reason)
    return selectors.case_get_for_actor(actor=actor, pk=id)


@router.post(
    "/benchmark-cases/{id}/decline",
    response={200: CaseOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="case-decline",
    operation_id="case_decline",
    summary="Decline",
    description="The office declines with a `reason` (422 `reason_required` without); the place in "
    "the city's quota is freed.",
)
def case_decline(request, id: int, payload: CaseDecisionIn):
    actor = api_actor(request)
    _case(request, id)
    services.case_decline(actor=actor, case_id=id, reason=payload.reason)
    return selectors.case_get_for_actor(actor=actor, pk=id)


@router.get(
    "/benchmark-quotas",
    response={200: QuotaListOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="quota-list",
    operation_id="quota_list",
    summary="Quotas of a year",
    description="Every region's quota for `year` (null when unset) and the places used, then the "
    "provincial quota (region `provincial`).",
)
def quota_list(request, params: Query[QuotaParams]):
    rows = [{"year": params.year, **row} for row in selectors.quota_table(year=params.year)]
    return {"items": rows, "count": len(rows)}


@router.put(
    "/benchmark-quotas/{year}/{region}",
    response={200: QuotaListOut, **error_responses(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    url_name="quota-set",
    operation_id="quota_set",
    summary="Set a city's quota",
    description="The office only; region `provincial` sets the provincial quota. The quota cannot go "
    "below the places used (422 `quota_below_used`); the answer is the year's table.",
)
def quota_set(request, year: int, region: str, payload: QuotaIn):
    actor = api_actor(request)
    if not actor.is_office:
        raise PermissionDenied(_("Only the provincial office sets benchmark quotas."))
    # `provincial` is the provincial quota (the office's nominations of provincial scenarios).
    if (region != selectors.PROVINCIAL and region not in ref.region_names()) or not 2025 <= year <= 2100:
        raise NotFound(_("Not found."))
    services.quota_set(actor=actor, year=year, region=region, number=payload.number)
    rows = [{"year": year, **row} for row in selectors.quota_table(year=year)]
    return {"items": rows, "count": len(rows)}
