"""Exchange pages: the import workflow (template, upload, preview, confirm, record), the exports of any
catalogue list, and the open-data page. Views parse input, call a service or selector, and render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.personal import audit_personal_export, may_export_personal_data
from scenariohub.exchange import selectors, services
from scenariohub.exchange.forms import ImportUploadForm
from scenariohub.exchange.models import ImportStatus
from scenariohub.exchange.problems import rendered
from scenariohub.exchange.reader import MAX_ROWS
from scenariohub.exchange.writers import (
    XLSX_CONTENT_TYPE,
    dictionary_rows,
    export_csv,
    export_xlsx,
    template_xlsx,
)
from scenariohub.scenarios.selectors import ScenarioFilter

PROBLEMS_SHOWN = 1_000


def _get_batch(request, pk, *, write=False):
    try:
        return selectors.import_batch_get_for_actor(actor=actor_for_request(request), pk=pk, write=write)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from exc


def _may_import(actor) -> bool:
    return actor.role in services.IMPORT_ROLES


@login_required
@require_GET
def import_list(request):
    actor = actor_for_request(request)
    page = Paginator(selectors.import_batch_list(actor=actor), 30).get_page(request.GET.get("page"))
    return render(request, "exchange/import_list.html", {"page": page, "can_import": _may_import(actor)})


@login_required
@require_http_methods(["GET", "POST"])
def import_create(request):
    actor = actor_for_request(request)
    if not _may_import(actor):
        raise HttpForbidden(_("Your organisation cannot open scenarios, so it cannot import them."))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_upload(actor=actor, uploaded=form.cleaned_data["file"])
        except ValidationFailed as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("exchange:import-detail", pk=batch.pk)
    return render(request, "exchange/import_form.html", {"form": form, "max_rows": MAX_ROWS})


@require_GET
def import_template(request):
    response = HttpResponse(template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_("scenario import template.xlsx")
    )
    return response


def _progress(batch) -> dict:
    live = cache.get(services.progress_key(batch.pk)) or {}
    if batch.status == ImportStatus.COMMITTING:
        done, total = live.get("done", batch.rows_committed), batch.rows_total
    else:
        done, total = live.get("done", batch.rows_checked), live.get("total") or batch.rows_total or None
    percent = round(100 * done / total) if total else None
    return {"done": done, "total": total, "percent": percent}


@login_required
@require_GET
def import_detail(request, pk):
    actor = actor_for_request(request)
    batch = _get_batch(request, pk)
    problems = [rendered(p) for p in batch.problems[:PROBLEMS_SHOWN]]
    return render(
        request,
        "exchange/import_detail.html",
        {
            "batch": batch,
            "problems": problems,
            "problems_hidden": max(0, len(batch.problems) - PROBLEMS_SHOWN),
            "preview": selectors.import_preview_rows(batch=batch),
            "progress": _progress(batch),
            "can_confirm": batch.status == ImportStatus.READY
            and batch.membership_id == getattr(actor.membership, "pk", None),
        },
    )


@login_required
@require_GET
def import_progress(request, pk):
    """Polled by HTMX every second while a batch runs; once it stops, the page reloads to show the outcome."""
    batch = _get_batch(request, pk)
    if not batch.is_running and request.htmx:
        return HttpResponseClientRefresh()
    return render(
        request, "exchange/import_detail.html#progress", {"batch": batch, "progress": _progress(batch)}
    )


@login_required
@require_POST
def import_confirm(request, pk):
    actor = actor_for_request(request)
    _get_batch(request, pk, write=True)
    try:
        batch = services.import_confirm(actor=actor, batch_id=pk)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("exchange:import-detail", pk=pk)
    except DomainError as exc:
        raise HttpForbidden(exc.message) from exc
    if batch.status == ImportStatus.COMMITTED:
        messages.success(request, _("%(n)d scenarios were imported as drafts.") % {"n": batch.rows_committed})
    elif batch.status == ImportStatus.COMMITTING:
        messages.info(request, _("The rows are being imported; this page follows the progress."))
    elif batch.status == ImportStatus.INVALID:
        messages.error(request, _("Nothing was imported: some rows were refused. See the problems below."))
    return redirect("exchange:import-detail", pk=pk)


# -------------------------------------------------------------------------------------------- export


def _export_filename(extension: str) -> str:
    stem = _("scenarios-%(date)s") % {"date": f"{timezone.localdate():%Y%m%d}"}
    return f"{stem}.{extension}"


def _filters(request) -> ScenarioFilter:
    return ScenarioFilter.from_params(request.GET, strict=False)


def _export_rows(request, actor, fmt: str):
    """The rows to export; with ``personal=1`` other organisations' contacts in full (permission + audit)."""
    include_personal = request.GET.get("personal") == "1"
    if include_personal:
        if not may_export_personal_data(actor):
            raise HttpForbidden(_("Exporting contact details in full needs the personal-data export permission."))
        rows = selectors.export_queryset(actor=actor, filters=_filters(request)).count()
        audit_personal_export(actor, what="scenarios.scenario", rows=rows, fmt=fmt, query=request.GET.urlencode())
    return selectors.export_rows(actor=actor, filters=_filters(request), include_personal=include_personal)


@require_GET
def export_xlsx_view(request):
    actor = actor_for_request(request)
    rows = _export_rows(request, actor, "xlsx")
    return FileResponse(
        export_xlsx(rows),
        as_attachment=True,
        filename=_export_filename("xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


@require_GET
def export_csv_view(request):
    actor = actor_for_request(request)
    rows = _export_rows(request, actor, "csv")
    response = StreamingHttpResponse(export_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_export_filename("csv")
    )
    return response


@require_GET
def open_data(request):
    years = [str(y) for y in range(2025, max(2027, timezone.localdate().year) + 1)]
    return render(
        request,
        "exchange/opendata_detail.html",
        {
            "dictionary": dictionary_rows(),
            "years": [(y, urlencode({"year": y})) for y in years],
        },
    )
