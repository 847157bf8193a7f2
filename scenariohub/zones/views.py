"""Demonstration-zone pages: the years, a year's ranking with its breakdown, and the office's weights,
inputs, selections and decision. Views parse input, call a service or selector, and render or redirect."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from scenariohub.reference import selectors as ref
from scenariohub.zones import criteria as c
from scenariohub.zones import exports, selectors, services
from scenariohub.zones.forms import (
    DecideForm,
    InputsForm,
    RemoveForm,
    SelectionForm,
    WeightsForm,
    input_field_name,
)


def _raise_http(exc: DomainError) -> None:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, PermissionDenied):
        raise HttpForbidden(exc.message)


def _year(request, year: int, *, write: bool = False):
    try:
        return selectors.zone_year_get_for_actor(actor=actor_for_request(request), year=year, write=write)
    except DomainError as exc:
        _raise_http(exc)
        raise


def _form_errors(form, exc: ValidationFailed) -> None:
    for name, msgs in (exc.details or {}).items():
        form.add_error(name if name in form.fields else None, list(msgs))
    if not exc.details:
        form.add_error(None, exc.message)


def _back(year: int):
    return redirect("zones:ranking-detail", year=year)


@require_GET
def year_list(request):
    actor = actor_for_request(request)
    year = request.GET.get("year", "")
    if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100:
        return _back(int(year))
    return render(
        request,
        "zones/year_list.html",
        {
            "years": selectors.zone_year_list(actor=actor),
            "can_work": selectors.can_see_working(actor),
            "this_year": timezone.localdate().year,
        },
    )


@require_GET
def ranking(request, year):
    actor = actor_for_request(request)
    zone_year = _year(request, year)
    result = selectors.zone_ranking(zone_year=zone_year)
    editable = actor.is_office and not zone_year.is_decided
    return render(
        request,
        "zones/ranking_detail.html",
        {
            "zone_year": zone_year,
            "ranking": result,
            "rows": selectors.ranking_rows(result),
            "criteria": c.CRITERIA,
            "normalisation": c.NORMALISATION,
            "weights": [(crit, result.weights[crit.code]) for crit in c.CRITERIA],
            "selections": result.selections,
            "editable": editable,
            "selection_form": SelectionForm() if editable else None,
            "can_work": selectors.can_see_working(actor),
        },
    )


@require_GET
def ranking_export(request, year):
    """The same ranking as the page (and the same visibility), as the office's official .xlsx table."""
    result = selectors.zone_ranking(zone_year=_year(request, year))
    response = HttpResponse(
        exports.ranking_xlsx(result),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = exports.export_filename(result)
    response["Content-Disposition"] = (
        f"attachment; filename=\"zones-{year}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def weights_edit(request, year):
    actor = actor_for_request(request)
    zone_year = _year(request, year, write=True)
    form = WeightsForm(request.POST or None, initial=zone_year.weights)
    if request.method == "POST" and form.is_valid():
        try:
            services.zone_weights_set(actor=actor, year=year, weights=form.weights())
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            _raise_http(exc)
            messages.error(request, exc.message)
            return _back(year)
        else:
            messages.success(request, _("The weights have been saved; the ranking has been recomputed."))
            return _back(year)
    return render(request, "zones/weights_form.html", {"zone_year": zone_year, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def inputs_edit(request, year):
    actor = actor_for_request(request)
    zone_year = _year(request, year, write=True)
    regions = ref.region_list()
    existing = selectors.zone_inputs(zone_year=zone_year)
    initial = {input_field_name(r, k): row.value for (r, k), row in existing.items()}
    form = InputsForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.zone_inputs_set(actor=actor, year=year, rows=form.rows())
        except ValidationFailed as exc:
            for key, msgs in exc.details.items():
                name = input_field_name(*key.split(".", 1)) if "." in key else None
                form.add_error(name if name in form.fields else None, list(msgs))
        except DomainError as exc:
            _raise_http(exc)
            messages.error(request, exc.message)
            return _back(year)
        else:
            messages.success(
                request, _("%(n)d inputs changed; the ranking has been recomputed.") % {"n": changed}
            )
            return _back(year)
    return render(
        request,
        "zones/inputs_form.html",
        {
            "zone_year": zone_year,
            "form": form,
            "kinds": c.InputKind.choices,
            "existing": existing,
            "criteria_of": {k: c.CRITERIA_BY_CODE[v].label for k, v in c.INPUT_CRITERION.items()},
        },
    )


@login_required
@require_POST
def selection_create(request, year):
    actor = actor_for_request(request)
    _year(request, year, write=True)
    form = SelectionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Choose a region and a level, and give the reason.")
            + " "
            + " ".join(str(m) for msgs in form.errors.values() for m in msgs),
        )
        return _back(year)
    d = form.cleaned_data
    try:
        services.zone_select(
            actor=actor, year=year, region=d["region"].pk, level=d["level"], reason=d["reason"]
        )
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message + "".join(f" {m}" for msgs in exc.details.values() for m in msgs))
    else:
        messages.success(request, _("The selection has been recorded with its reason."))
    return _back(year)


@login_required
@require_POST
def selection_remove(request, year, pk):
    actor = actor_for_request(request)
    _year(request, year, write=True)
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.zone_unselect(actor=actor, year=year, selection_id=pk, reason=reason)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The selection has been removed."))
    return _back(year)


@login_required
@require_http_methods(["GET", "POST"])
def year_decide(request, year):
    actor = actor_for_request(request)
    zone_year = _year(request, year, write=True)
    if zone_year.is_decided:
        messages.info(request, _("This year has already been decided."))
        return _back(year)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.zone_year_decide(actor=actor, year=year, note=form.cleaned_data["note"])
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            _raise_http(exc)
            messages.error(request, exc.message)
            return _back(year)
        else:
            messages.success(request, _("The year has been decided; its scores are frozen."))
            return _back(year)
    result = selectors.zone_ranking(zone_year=zone_year)
    return render(
        request,
        "zones/year_decide.html",
        {
            "zone_year": zone_year,
            "form": form,
            "selections": result.selections,
        },
    )
