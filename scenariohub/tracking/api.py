"""API v1 for cooperation tracking: cooperations, their actions, milestones, reports, follow-ups and the
pilot acceptance. Endpoints parse input, find the actor and call selectors and services, which check
access (404 for what the caller may not see, 403 for what it may see but not do) and raise the domain
errors that `scenariohub.api` turns into `{"code", "message", "details"?}`."""

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from scenariohub.api import WRITE_AUTH, api_actor, error_responses, paginate
from scenariohub.core.errors import NotFound
from scenariohub.core.uploads import attachment_response
from scenariohub.tracking import selectors, services
from scenariohub.tracking.models import CooperationAttachment, FollowUp, Milestone, ProgressReport
from scenariohub.tracking.schemas import (
    CompleteIn,
    CooperationAttachmentListOut,
    CooperationDetailOut,
    CooperationIn,
    CooperationListOut,
    CooperationListParams,
    FollowUpIn,
    FollowUpListOut,
    FollowUpOut,
    MilestoneIn,
    MilestoneListOut,
    MilestoneOut,
    MilestonePatchIn,
    PilotIn,
    ReasonIn,
    ReportIn,
    ReportListOut,
    ReportOut,
    ResolveIn,
    StartIn,
)

router = Router(tags=["cooperations"])
MAX_DB_ID = 2**63 - 1
_UPLOAD_ERRORS = error_responses(400, 401, 403, 404, 409, 422)
_FILES_DOC = (
    "Multipart field `attachments`, one or more files: PDF, Word, Excel, PNG or JPEG, checked by content "
    "(signature and libmagic) and named like it, each at most the platform's upload limit, at most 10 per "
    "agreement or report. 422 `file_type_not_allowed`, `file_type_mismatch`, `file_content_mismatch`, "
    "`file_too_large`, `empty_file`, `no_file` (details under `attachments`); all files or none. 403 for "
    "anyone but the owner organisation who can see the cooperation, 404 otherwise; 409 once the "
    "cooperation is piloted or ended."
)


def _id(value: int) -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(_("Cooperation not found."))
    return value


def _visible(request, id: int, *, write: bool = False):
    return selectors.cooperation_get_for_actor(actor=api_actor(request), pk=_id(id), write=write)


def _detail(request, id: int):
    return selectors.cooperation_detail(actor=api_actor(request), pk=_id(id))


_ACTION_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.get(
    "/cooperations",
    response={200: CooperationListOut, **error_responses(401, 422)},
    auth=WRITE_AUTH,
    url_name="cooperation-list",
    operation_id="cooperation_list",
    summary="List cooperations",
    description=(
        "The cooperations the caller may see: its organisation's as scenario owner, lead supplier or "
        "consortium member; a city its region's; the office all. Filters `region`, `year` (of signing), "
        "`status`, `overdue`, `risk`; `{items, count}`."
    ),
)
def cooperation_list(request, params: Query[CooperationListParams]):
    raw = params.model_dump(exclude={"page", "page_size"}, exclude_none=True)
    filters = selectors.CooperationFilter.from_params({k: str(v) for k, v in raw.items()})
    return paginate(selectors.cooperation_list_for_actor(actor=api_actor(request), filters=filters), params)


@router.post(
    "/cooperations",
    response={201: CooperationDetailOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-create",
    operation_id="cooperation_create",
    summary="Record an agreement from a shortlisted application",
    description=(
        "The scenario owner records the agreement signed with a shortlisted application; the scenario moves "
        "to `agreed`. 409 `not_shortlisted` or `already_agreed`; 403 for anyone but the owner who can see "
        "the application; 404 otherwise. Attachments are uploaded on the cooperation page."
    ),
)
def cooperation_create(request, payload: CooperationIn):
    data = payload.model_dump(exclude={"application"})
    cooperation = services.cooperation_create(
        actor=api_actor(request), application_id=_id(payload.application), data=data
    )
    return Status(201, _detail(request, cooperation.pk))


@router.get(
    "/cooperations/{id}",
    response={200: CooperationDetailOut, **error_responses(401, 404, 422)},
    auth=WRITE_AUTH,
    url_name="cooperation-detail",
    operation_id="cooperation_get",
    summary="Get one cooperation",
    description="The agreement, consortium, milestones (with the overdue flag) and pilot results.",
)
def cooperation_get(request, id: int):
    return _detail(request, id)


@router.post(
    "/cooperations/{id}/start",
    response={200: CooperationDetailOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-start",
    operation_id="cooperation_start",
    summary="Start implementation",
    description="The owner marks the work started (`started_on`, default today): `agreed` → `implementing`.",
)
def cooperation_start(request, id: int, payload: StartIn):
    services.cooperation_start(
        actor=api_actor(request), cooperation_id=_id(id), started_on=payload.started_on
    )
    return _detail(request, id)


@router.post(
    "/cooperations/{id}/terminate",
    response={200: CooperationDetailOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-terminate",
    operation_id="cooperation_terminate",
    summary="Terminate a failed cooperation",
    description="The city of the region or the office, with `reason`: the scenario is closed.",
)
def cooperation_terminate(request, id: int, payload: ReasonIn):
    services.cooperation_terminate(actor=api_actor(request), cooperation_id=_id(id), reason=payload.reason)
    return _detail(request, id)


@router.post(
    "/cooperations/{id}/pilot",
    response={200: CooperationDetailOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-pilot",
    operation_id="cooperation_pilot_accept",
    summary="Record the pilot acceptance",
    description="The owner records the acceptance with its measured results: `implementing` → `piloted`.",
)
def cooperation_pilot(request, id: int, payload: PilotIn):
    data = payload.model_dump()
    data["metrics"] = [{k: str(v) for k, v in m.items()} for m in data["metrics"]]
    services.pilot_accept(actor=api_actor(request), cooperation_id=_id(id), data=data)
    return _detail(request, id)


# ------------------------------------------------------------------------------------------ milestones


@router.get(
    "/cooperations/{id}/milestones",
    response={200: MilestoneListOut, **error_responses(401, 404, 422)},
    auth=WRITE_AUTH,
    url_name="cooperation-milestone-list",
    operation_id="cooperation_milestone_list",
    summary="Milestones of a cooperation",
)
def milestone_list(request, id: int):
    cooperation = _visible(request, id)
    rows = list(cooperation.milestones.select_related("cooperation"))
    return {"items": rows, "count": len(rows)}


@router.post(
    "/cooperations/{id}/milestones",
    response={201: MilestoneOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-milestone-create",
    operation_id="cooperation_milestone_create",
    summary="Add a milestone (owner)",
)
def milestone_create(request, id: int, payload: MilestoneIn):
    milestone = services.milestone_add(
        actor=api_actor(request), cooperation_id=_id(id), data=payload.model_dump()
    )
    return Status(201, Milestone.objects.select_related("cooperation").get(pk=milestone.pk))


@router.put(
    "/milestones/{id}",
    response={200: MilestoneOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="milestone-update",
    operation_id="milestone_update",
    tags=["cooperations"],
    summary="Rename or reschedule a milestone not yet reached (owner)",
)
def milestone_update(request, id: int, payload: MilestonePatchIn):
    milestone = services.milestone_update(
        actor=api_actor(request), milestone_id=_id(id), data=payload.model_dump()
    )
    return Milestone.objects.select_related("cooperation").get(pk=milestone.pk)


@router.post(
    "/milestones/{id}/complete",
    response={200: MilestoneOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="milestone-complete",
    operation_id="milestone_complete",
    summary="Mark a milestone reached (owner)",
)
def milestone_complete(request, id: int, payload: CompleteIn):
    milestone = services.milestone_complete(
        actor=api_actor(request), milestone_id=_id(id), done_on=payload.done_on
    )
    return Milestone.objects.select_related("cooperation").get(pk=milestone.pk)


# ----------------------------------------------------------------------------------- reports, follow-ups


@router.get(
    "/cooperations/{id}/reports",
    response={200: ReportListOut, **error_responses(401, 404, 422)},
    auth=WRITE_AUTH,
    url_name="cooperation-report-list",
    operation_id="cooperation_report_list",
    summary="Progress reports of a cooperation",
    description="Newest first; seen by the parties, the city of the region and the office.",
)
def report_list(request, id: int):
    cooperation = _visible(request, id)
    rows = list(cooperation.reports.select_related("organisation").prefetch_related("attachments"))
    return {"items": rows, "count": len(rows)}


@router.post(
    "/cooperations/{id}/reports",
    response={201: ReportOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-report-create",
    operation_id="cooperation_report_create",
    summary="Report progress (owner)",
)
def report_create(request, id: int, payload: ReportIn):
    report = services.progress_report_create(
        actor=api_actor(request), cooperation_id=_id(id), data=payload.model_dump(exclude_none=True)
    )
    return Status(201, report)


@router.get(
    "/cooperations/{id}/followups",
    response={200: FollowUpListOut, **error_responses(401, 404, 422)},
    auth=WRITE_AUTH,
    url_name="cooperation-followup-list",
    operation_id="cooperation_followup_list",
    summary="Follow-ups of the city",
)
def followup_list(request, id: int):
    cooperation = _visible(request, id)
    rows = list(cooperation.followups.select_related("organisation"))
    return {"items": rows, "count": len(rows)}


@router.post(
    "/cooperations/{id}/followups",
    response={201: FollowUpOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-followup-create",
    operation_id="cooperation_followup_create",
    summary="Follow up, flag a risk (city of the region, office)",
)
def followup_create(request, id: int, payload: FollowUpIn):
    followup = services.followup_create(
        actor=api_actor(request), cooperation_id=_id(id), data=payload.model_dump()
    )
    return Status(201, followup)


@router.post(
    "/followups/{id}/resolve",
    response={200: FollowUpOut, **_ACTION_ERRORS},
    auth=WRITE_AUTH,
    url_name="followup-resolve",
    operation_id="followup_resolve",
    summary="Mark a flagged risk resolved (city of the region, office)",
)
def followup_resolve(request, id: int, payload: ResolveIn):
    followup = services.followup_resolve(
        actor=api_actor(request), followup_id=_id(id), resolution=payload.resolution
    )
    return FollowUp.objects.select_related("organisation").get(pk=followup.pk)


# ---------------------------------------------------------------------------------------------- files


def _attachment_id(value: int) -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(_("Attachment not found."))
    return value


@router.post(
    "/cooperations/{id}/attachments",
    response={201: CooperationAttachmentListOut, **_UPLOAD_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-attachment-create",
    operation_id="cooperation_attachment_create",
    summary="Upload the signed agreement (owner)",
    description="Adds files to the agreement; the answer lists all the agreement's files. " + _FILES_DOC,
)
def cooperation_attachment_create(request, id: int, attachments: File[list[UploadedFile]] = None):
    services.cooperation_attachments_add(
        actor=api_actor(request), cooperation_id=_id(id), files=attachments or ()
    )
    rows = list(CooperationAttachment.objects.filter(cooperation_id=id, report__isnull=True))
    return Status(201, {"items": rows, "count": len(rows)})


@router.post(
    "/cooperations/{id}/reports/{report_id}/attachments",
    response={201: ReportOut, **_UPLOAD_ERRORS},
    auth=WRITE_AUTH,
    url_name="cooperation-report-attachment-create",
    operation_id="cooperation_report_attachment_create",
    summary="Attach files to a progress report (owner)",
    description=(
        "Adds files to one of the owner's own reports (a report the city sent through the tracking sheet "
        "stays as sent: 403); the answer is the report. " + _FILES_DOC
    ),
)
def report_attachment_create(
    request, id: int, report_id: int, attachments: File[list[UploadedFile]] = None
):
    services.cooperation_attachments_add(
        actor=api_actor(request), cooperation_id=_id(id), report_id=_id(report_id), files=attachments or ()
    )
    report = (
        ProgressReport.objects.select_related("organisation")
        .prefetch_related("attachments")
        .get(pk=report_id)
    )
    return Status(201, report)


@router.get(
    "/cooperations/{id}/attachments/{attachment_id}",
    response={**error_responses(401, 404, 422)},
    auth=WRITE_AUTH,
    url_name="cooperation-attachment-download",
    operation_id="cooperation_attachment_download",
    summary="Download an agreement or report file",
    description="The file, as an attachment, to whoever may see the cooperation (as on its page).",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def cooperation_attachment_download(request, id: int, attachment_id: int):
    cooperation = _visible(request, id)
    attachment = cooperation.attachments.filter(pk=_attachment_id(attachment_id)).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    response = attachment_response(attachment)
    if response is None:  # the row outlived its file
        raise NotFound(_("Attachment not found."))
    return response
