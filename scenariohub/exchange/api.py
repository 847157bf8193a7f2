"""API v1 for imports: upload a workbook (checked at once), read its problems, confirm it.

Endpoints parse input, call services and selectors, and let domain errors become the one error shape.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from scenariohub.api import WRITE_AUTH, api_actor, error_responses
from scenariohub.core.errors import NotFound
from scenariohub.exchange import selectors, services
from scenariohub.exchange.models import ImportBatch
from scenariohub.exchange.problems import rendered
from scenariohub.exchange.schemas import ImportListOut, ImportOut

router = Router(tags=["exchange"])
MAX_DB_ID = 2**63 - 1
PROBLEMS_RETURNED = 1_000


def _batch_out(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "file_name": batch.original_name,
        "size": batch.size,
        "organisation": batch.organisation.name,
        "uploaded_by": str(batch.created_by) if batch.created_by else None,
        "created_at": batch.created_at,
        "rows_total": batch.rows_total,
        "rows_committed": batch.rows_committed,
        "problem_count": batch.problem_count,
        "problems": [rendered(p) for p in batch.problems[:PROBLEMS_RETURNED]],
        "scenario_ids": batch.scenario_ids,
        "url": reverse("exchange:import-detail", args=[batch.pk]),
    }


def _get(request, id: int, *, write: bool = False) -> ImportBatch:
    if not 1 <= id <= MAX_DB_ID:
        raise NotFound(_("Import not found."))
    return selectors.import_batch_get_for_actor(actor=api_actor(request), pk=id, write=write)


@router.post(
    "/imports",
    response={201: ImportOut, **error_responses(400, 401, 403, 422)},
    auth=WRITE_AUTH,
    url_name="import-create",
    operation_id="import_create",
    summary="Upload scenarios in an Excel workbook",
    description=(
        "Multipart field `file`: an .xlsx laid out like the template (`/exchange/imports/template.xlsx`), at most "
        "10,000 rows. The answer is the new import; it is checked in the background (at once where tasks run "
        "inline): poll `GET /imports/{id}` until `status` is `ready` (confirm it) or `invalid` (every problem "
        "listed by row and column). Nothing is saved as a scenario until confirmed. 422 when the file is not a "
        "real .xlsx; 403 for organisations that cannot open scenarios."
    ),
)
def import_create(request, file: UploadedFile = File(...)):  # noqa: B008 - ninja's declaration style
    batch = services.import_upload(actor=api_actor(request), uploaded=file)
    return Status(
        201, _batch_out(ImportBatch.objects.select_related("organisation", "created_by").get(pk=batch.pk))
    )


@router.post(
    "/imports/{id}/confirm",
    response={200: ImportOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="import-confirm",
    operation_id="import_confirm",
    summary="Confirm a checked import",
    description=(
        "Queues the commit, which writes every row as a draft of the uploader's organisation in one "
        "transaction: the import becomes `committed` (with `scenario_ids`), or `invalid` with the refused rows "
        "in `problems` and nothing saved; poll `GET /imports/{id}` while it is `committing`. Only the uploader "
        "may confirm; 409 `not_ready` when the import has problems or is still being checked, "
        "`already_confirmed` the second time."
    ),
)
def import_confirm(request, id: int):
    _get(request, id, write=True)
    batch = services.import_confirm(actor=api_actor(request), batch_id=id)
    return _batch_out(ImportBatch.objects.select_related("organisation", "created_by").get(pk=batch.pk))


@router.get(
    "/imports/{id}",
    response={200: ImportOut, **error_responses(401, 404, 422)},
    auth=WRITE_AUTH,
    url_name="import-detail",
    operation_id="import_detail",
    summary="One import: status, progress and problems",
)
def import_detail(request, id: int):
    return _batch_out(_get(request, id))


@router.get(
    "/imports",
    response={200: ImportListOut, **error_responses(401, 422)},
    auth=WRITE_AUTH,
    url_name="import-list",
    operation_id="import_list",
    summary="Imports of the caller's organisation (all of them for the office)",
)
def import_list(request, page: int = 1):
    qs = selectors.import_batch_list(actor=api_actor(request))
    page = max(1, min(page, 10_000))
    items = [
        {
            "id": b.pk,
            "status": b.status,
            "file_name": b.original_name,
            "organisation": b.organisation.name,
            "uploaded_by": str(b.created_by) if b.created_by else None,
            "created_at": b.created_at,
            "rows_total": b.rows_total,
            "rows_committed": b.rows_committed,
            "problem_count": b.problem_count,
        }
        for b in qs[(page - 1) * 50 : page * 50]
    ]
    return {"items": items, "count": qs.count()}
