"""The auditor's pages: search the audit trail, page through it, export what was found (.xlsx).

Read-only for everyone who can open them (the auditor role and the office); the export is a POST so that
it is recorded (a GET never writes), and `audit_export` records it in the trail itself.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.audit_xlsx import XLSX_CONTENT_TYPE
from scenariohub.core.errors import PermissionDenied, ValidationFailed
from scenariohub.core.forms import AuditFilterForm
from scenariohub.core.selectors import audit_check_reader, audit_search
from scenariohub.core.services import audit_export

PAGE_SIZE = 50


def _reader(request):
    actor = actor_for_request(request)
    try:
        audit_check_reader(actor=actor)
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from exc
    return actor


@login_required
@require_GET
def audit_list(request):
    actor = _reader(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    records = audit_search(actor=actor, filters=filters) if not form.is_bound or form.is_valid() else None
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")) if records is not None else None
    return render(
        request,
        "core/auditlog_list.html",
        {"form": form, "page": page, "filters": filters, "query": urlencode(filters)},
    )


@login_required
@require_POST
def audit_export_xlsx(request):
    actor = _reader(request)
    form = AuditFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("core:audit-list")
    try:
        out, _count = audit_export(actor=actor, filters=form.filters())
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect(f"{redirect('core:audit-list').url}?{urlencode(form.filters())}")
    name = f"audit-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
