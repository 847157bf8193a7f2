"""Plans API: a year's plan as the caller may see it (a confirmed version, or the working list)."""

from django.utils.translation import gettext as _
from ninja import Router

from scenariohub.api import READ_AUTH, api_actor, error_responses
from scenariohub.core.errors import NotFound
from scenariohub.plans import selectors
from scenariohub.plans.schemas import PlanOut

router = Router(tags=["plans"])


def _summary(line) -> dict:
    return {"key": line.key, "name": line.name, "planned": line.planned, "released": line.released}


@router.get(
    "/plans/{year}",
    response={200: PlanOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="plan-detail",
    operation_id="plan_get",
    summary="A year's annual opening plan",
)
def plan_get(request, year: int, version: str = ""):
    """`version`: a number, `draft` (the working list: office, cities and departments), or empty (the
    caller's default: the working list where allowed, else the latest confirmed version). Items are in
    official order; `by_city` and `by_department` compare planned with released (published that year)."""
    view = selectors.plan_view_for_actor(
        actor=api_actor(request), year=year, version=selectors.parse_version(version)
    )
    if view.plan is None:
        raise NotFound(_("No plan for this year."))
    v = view.version
    return {
        "year": view.year, "status": view.plan.status, "draft": view.is_draft, "scoped": view.scoped,
        "version": None if v is None else {
            "number": v.number, "confirmed_at": v.confirmed_at, "confirmed_by": str(v.confirmed_by) if v.confirmed_by else None,
            "note": v.note, "item_count": v.item_count,
        },
        "versions": [x.number for x in view.versions],
        "items": [{
            "position": r.position, "scenario_id": r.scenario_id, "title": r.title, "owner": r.owner_name,
            "owner_type": r.owner_type, "region": r.region_id, "region_name": r.region_name, "sector": r.sector_id,
            "field": r.field_id, "kind": r.kind, "cooperation_mode": r.cooperation_mode, "budget_min": r.budget_min,
            "budget_max": r.budget_max, "contact_name": r.contact_name, "contact_phone": r.contact_phone,
            "released": r.released, "scenario_status": r.scenario_status,
        } for r in view.rows],
        "count": len(view.rows),
        "by_city": [_summary(line) for line in view.by_city],
        "by_department": [_summary(line) for line in view.by_department],
        "total": _summary(view.total),
    }
