"""Annual plan pages: the list of years, a year's plan (planned vs released, the list, versions), the
office's edits, and the exports. Views parse input, call a service or selector, and render or redirect."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied
from scenariohub.core.personal import audit_personal_export
from scenariohub.plans import exports, selectors, services
from scenariohub.plans.forms import AddItemForm, ConfirmForm, ReasonForm


def _raise_http(exc: DomainError) -> None:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, PermissionDenied):
        raise HttpForbidden(exc.message)


def _view(request, year):
    try:
        version = selectors.parse_version(request.GET.get("version"))
        return selectors.plan_view_for_actor(actor=actor_for_request(request), year=year, version=version)
    except DomainError as exc:
        _raise_http(exc)
        raise Http404(exc.message) from None


@require_GET
def plan_list(request):
    actor = actor_for_request(request)
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        return redirect(_detail(int(year)))
    return render(request, "plans/plan_list.html", {
        "plans": selectors.plan_list_for_actor(actor=actor), "can_edit": actor.is_office,
    })


@require_GET
def plan_detail(request, year):
    actor = actor_for_request(request)
    view = _view(request, year)
    return render(request, "plans/plan_detail.html", {
        "view": view,
        "can_edit": actor.is_office,
        "can_see_drafts": selectors.can_see_drafts(actor),
        "candidates": selectors.plan_candidates(actor=actor, year=view.year) if actor.is_office else [],
        "changed_items": selectors.plan_changed_items(actor=actor, plan=view.plan),
        "version_param": "draft" if view.is_draft else view.version.number,
    })


@require_GET
def plan_export(request, year, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    view = _view(request, year)
    if view.plan is None:
        raise Http404
    personal_rows = sum(1 for row in view.rows if row.contact_full)
    if personal_rows:  # phones in full: an export of personal data, on the record
        audit_personal_export(
            actor_for_request(request), what="plans.annualplan", rows=personal_rows, fmt=fmt,
            query=f"year={view.year}&version={view.version.number if view.version else 'draft'}",
        )
    if fmt == "xlsx":
        body = exports.plan_xlsx(view)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.plan_csv(view)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    # Chinese file name for people, ASCII fallback for old clients (RFC 6266 / 5987).
    name = exports.export_filename(view, fmt)
    response["Content-Disposition"] = (
        f"attachment; filename=\"plan-{view.year}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def _detail(year) -> str:
    return reverse("plans:plan-detail", args=[year])


def _run(request, year, call, success):
    actor = actor_for_request(request)
    if not actor.is_office:
        raise HttpForbidden(_("Only the provincial office may edit the annual plan."))
    try:
        result = call(actor)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise HttpForbidden(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(_detail(year))


@login_required
@require_POST
def plan_compile(request, year):
    return _run(request, year, lambda actor: services.plan_compile(actor=actor, year=year),
                lambda r: _("%(n)d scenarios added to the plan.") % {"n": len(r.added)})


@login_required
@require_POST
def plan_item_add(request, year):
    form = AddItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a scenario and give a reason."))
        return redirect(_detail(year))
    d = form.cleaned_data
    return _run(request, year, lambda actor: services.plan_item_add(
        actor=actor, year=year, scenario_id=d["scenario"], reason=d["reason"]), _("The scenario has been added."))


@login_required
@require_POST
def plan_item_drop(request, year, scenario_pk):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required."))
        return redirect(_detail(year))
    return _run(request, year, lambda actor: services.plan_item_drop(
        actor=actor, year=year, scenario_id=scenario_pk, reason=form.cleaned_data["reason"]),
        _("The scenario has been dropped from the plan."))


@login_required
@require_POST
def plan_item_move(request, year, scenario_pk):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required."))
        return redirect(_detail(year))
    return _run(request, year, lambda actor: services.plan_item_move(
        actor=actor, year=year, scenario_id=scenario_pk, reason=form.cleaned_data["reason"]),
        _("The scenario has been moved to next year's plan."))


@login_required
@require_POST
def plan_confirm(request, year):
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404
    d = form.cleaned_data
    return _run(request, year, lambda actor: services.plan_confirm(
        actor=actor, year=year, revision=d["revision"], note=d["note"]),
        lambda v: _("Version %(n)d of the plan has been confirmed.") % {"n": v.number})
