"""API v1 for the dashboard: the plan's yearly targets against live figures (public)."""

from ninja import Router

from scenariohub.api import READ_AUTH, error_responses
from scenariohub.dashboard.schemas import TargetsOut
from scenariohub.dashboard.selectors import parse_year, targets_overview

router = Router(tags=["dashboard"])


@router.get(
    "/stats/targets",
    response={200: TargetsOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="stats-targets",
    operation_id="stats_targets",
    summary="Yearly targets against live figures",
    description=(
        "For one calendar year (Beijing time; default: the current year), each yearly target of the work plan "
        "with its live figure, a straight-line forecast and the written definition of what counts; breakdowns "
        "by region, sector, field, kind and month; and the funnel released → applied → agreed → implementing → "
        "piloted → benchmark. The same figures as the dashboard page and its .xlsx."
    ),
)
def stats_targets(request, year: str | None = None):
    return targets_overview(year=parse_year(year)).as_dict()
