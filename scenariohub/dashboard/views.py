"""Dashboard pages: the targets dashboard (office and cities), its public summary, its .xlsx, and the
drill-down list behind each figure. Views parse input, call the selector and render."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.accounts.selectors import actor_for_request
from scenariohub.core.errors import ValidationFailed
from scenariohub.dashboard import links
from scenariohub.dashboard import metrics as m
from scenariohub.dashboard.exports import targets_filename, targets_xlsx
from scenariohub.dashboard.selectors import (
    TargetsOverview,
    metric_scenario_list,
    parse_year,
    plan_years,
    support_panel,
    targets_overview,
    zone_panel,
)
from scenariohub.reference import selectors as ref

DASHBOARD_ROLES = (Role.OFFICE, Role.CITY)
LIST_PAGE_SIZE = 50
PUBLIC_READER = Actor(user=None, membership=None)


def _dashboard_actor(request) -> Actor:
    actor = actor_for_request(request)
    if actor.role not in DASHBOARD_ROLES:
        raise HttpForbidden(_("The targets dashboard is for the provincial office and the cities."))
    return actor


def _year(request) -> int:
    # Pages fall back to the current year on a bad value; the API answers 422 instead.
    try:
        return parse_year(request.GET.get("year"))
    except ValidationFailed:
        return parse_year(None)


def _chart_data(overview: TargetsOverview) -> dict:
    """What static/dashboard/charts.js draws; the same numbers are in the tables beside each chart."""
    bd = overview.breakdown
    highlight = next((i for i, r in enumerate(bd["region"]) if r.code == overview.highlight_region), None)
    return {
        "funnel": {
            "labels": [str(s.stage.label) for s in overview.funnel],
            "series": [{"name": _("Scenarios"), "values": [s.count for s in overview.funnel]}],
        },
        "region": {
            "labels": [r.name for r in bd["region"]],
            "series": [
                {"name": _("Newly published scenarios"), "values": [r.published for r in bd["region"]]},
                {"name": _("Government scenarios"), "values": [r.published_government for r in bd["region"]]},
            ],
            "highlight": highlight,
        },
        "sector": {
            "labels": [r.name for r in bd["sector"]],
            "series": [
                {"name": _("Newly published scenarios"), "values": [r.published for r in bd["sector"]]},
                {"name": _("Benchmark cases"), "values": [r.benchmarks for r in bd["sector"]]},
            ],
        },
        "month": {
            "labels": [r.name for r in bd["month"]],
            "series": [
                {"name": _("Newly published scenarios"), "values": [r.published for r in bd["month"]]},
                {"name": _("Government scenarios"), "values": [r.published_government for r in bd["month"]]},
            ],
            "kind": "line",
        },
    }


def _context(request, overview: TargetsOverview, actor: Actor, *, panels_for: Actor | None = None) -> dict:
    """`panels_for`: whose view of the support and zone figures to show (the reader's, or nobody's)."""
    year = overview.year
    targets = [{"figure": t, "url": links.figure_url(t.code, year)} for t in overview.targets]
    breakdown = {
        dim: [
            {
                "row": r,
                "published_url": links.figure_url(m.PUBLISHED, year, **_dim_params(dim, r.code)),
                "government_url": links.figure_url(m.PUBLISHED_GOVERNMENT, year, **_dim_params(dim, r.code)),
                "benchmarks_url": links.figure_url(m.BENCHMARKS, year, **_dim_params(dim, r.code)),
                "conferences_url": links.figure_url(m.CONFERENCES, year, region=r.code)
                if dim == "region"
                else "",
                "highlight": dim == "region" and r.code == overview.highlight_region,
            }
            for r in rows
        ]
        for dim, rows in overview.breakdown.items()
    }
    funnel = [{"figure": s, "url": links.figure_url(s.stage.code, year)} for s in overview.funnel]
    return {
        "overview": overview,
        "targets": targets,
        "breakdown": breakdown,
        "funnel": funnel,
        "years": plan_years(),
        "year": year,
        "chart_data": _chart_data(overview),
        "breakdown_definition": m.BREAKDOWN_DEFINITION,
        "forecast_definition": m.FORECAST_DEFINITION,
        "own_region": overview.region_row(overview.highlight_region),
        "actor": actor,
        "support": support_panel(actor=panels_for, year=year) if panels_for is not None else None,
        "zones": zone_panel(actor=panels_for, year=year) if panels_for is not None else None,
    }


def _dim_params(dim: str, code: str) -> dict:
    if dim == "month":
        return {"month": int(code[-2:])}
    return {dim: code}


@login_required
@require_GET
def targets(request):
    actor = _dashboard_actor(request)
    year = _year(request)
    overview = targets_overview(
        year=year, highlight_region=actor.region_id if actor.role == Role.CITY else None
    )
    return render(request, "dashboard/targets_detail.html", _context(request, overview, actor, panels_for=actor))


@require_GET
def public(request):
    actor = actor_for_request(request)
    overview = targets_overview(year=_year(request))
    # The public summary shows what anyone may see, whoever reads it: a decided zone year, no support figures.
    context = _context(request, overview, actor, panels_for=PUBLIC_READER)
    return render(request, "dashboard/targets_public.html", context)


@login_required
@require_GET
def targets_xlsx_download(request):
    actor = _dashboard_actor(request)
    year = _year(request)
    overview = targets_overview(year=year)
    response = HttpResponse(
        targets_xlsx(
            overview, support=support_panel(actor=actor, year=year), zones=zone_panel(actor=actor, year=year)
        ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=targets_filename(overview.year)
    )
    return response


@require_GET
def scenario_list(request):
    """The scenarios one figure counts, as far as the reader may see them."""
    actor = actor_for_request(request)
    params = request.GET
    code = params.get("metric", "")
    if code not in (m.PUBLISHED, m.PUBLISHED_GOVERNMENT, m.BENCHMARKS, *m.FUNNEL_BY_CODE):
        raise Http404(_("Unknown figure."))
    year = _year(request)
    month_raw = params.get("month", "")
    month = (
        int(month_raw) if month_raw.isascii() and month_raw.isdigit() and 1 <= int(month_raw) <= 12 else None
    )
    known = {
        "region": ref.region_names(),
        "sector": ref.sector_names(),
        "field": ref.field_names(),
        "kind": ref.kind_names(),
    }
    dims = {name: params.get(name, "") for name in known if params.get(name, "") in known[name]}
    qs, counted = metric_scenario_list(actor=actor, code=code, year=year, month=month, **dims)
    page = Paginator(qs, LIST_PAGE_SIZE).get_page(params.get("page"))
    label = m.METRICS_BY_CODE[code].label if code in m.METRICS_BY_CODE else m.FUNNEL_BY_CODE[code].label
    definition = (
        m.METRICS_BY_CODE[code].definition if code in m.METRICS_BY_CODE else m.FUNNEL_BY_CODE[code].definition
    )
    names = {name: known[name][value] for name, value in dims.items()}
    return render(
        request,
        "dashboard/scenario_list.html",
        {
            "page": page,
            "counted": counted,
            "hidden": counted - page.paginator.count,
            "label": label,
            "definition": definition,
            "year": year,
            "month": month,
            "names": names,
            "catalogue_url": links.catalogue_url(**links.catalogue_params(code, year, **dims)),
            "query": urlencode({"metric": code, "year": year, **({"month": month} if month else {}), **dims}),
            "back_url": "dashboard:targets" if actor.role in DASHBOARD_ROLES else "dashboard:public",
        },
    )
