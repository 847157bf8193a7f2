"""API v1 for demonstration zones: years, a year's ranking with its breakdown, and the office's weights,
inputs, selections and decision. Endpoints parse, find the actor and call selectors and services."""

from django.utils.translation import gettext as _
from ninja import Router, Status

from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses
from scenariohub.core.errors import NotFound
from scenariohub.zones import criteria as c
from scenariohub.zones import selectors, services
from scenariohub.zones.models import ZoneSelection
from scenariohub.zones.schemas import (
    ZoneDecideIn,
    ZoneInputsIn,
    ZoneInputsOut,
    ZoneRankingOut,
    ZoneSelectionIn,
    ZoneSelectionOut,
    ZoneWeightsIn,
    ZoneYearListOut,
)

router = Router(tags=["zones"])
MAX_DB_ID = 2**63 - 1


def selection_out(s: ZoneSelection, *, people: bool = True) -> dict:
    """`people`: whether the caller may see who selected (the working roles); the public sees the decision."""
    return {
        "id": s.pk,
        "region": s.region_id,
        "region_name": s.region.name_zh,
        "level": s.level,
        "level_label": s.get_level_display(),
        "reason": s.reason,
        "selected_at": s.selected_at,
        "selected_by": str(s.selected_by) if people and s.selected_by else None,
    }


def ranking_out(ranking: selectors.Ranking, *, people: bool) -> dict:
    items = []
    for row in selectors.ranking_rows(ranking):
        items.append(
            {
                "region": row.region,
                "region_name": row.region_name,
                "rank": row.score.rank,
                "tied": row.score.tied,
                "total": str(row.score.total),
                "missing": list(row.score.missing),
                "levels": row.levels,
                "criteria": [
                    {
                        "code": cell.code,
                        "label": cell.label,
                        "weight": cell.weight,
                        "raw": str(cell.score.raw),
                        "scaled": str(cell.score.scaled),
                        "weighted": str(cell.score.weighted),
                        "components": [
                            {
                                "code": comp.code,
                                "label": comp.label,
                                "office_input": comp.office_input,
                                "source": str(
                                    next(
                                        x.source
                                        for x in c.CRITERIA_BY_CODE[cell.code].components
                                        if x.code == comp.code
                                    )
                                ),
                                "value": str(comp.value),
                                "missing": comp.missing,
                            }
                            for comp in cell.components
                        ],
                    }
                    for cell in row.cells
                ],
            }
        )
    zy = ranking.zone_year
    return {
        "year": zy.year,
        "status": zy.status,
        "frozen": ranking.frozen,
        "decided_at": zy.decided_at,
        "weights": ranking.weights,
        "normalisation": str(c.NORMALISATION),
        "items": items,
        "count": len(items),
        "selections": [selection_out(s, people=people) for s in ranking.selections],
    }


def _ranking(request, year: int) -> dict:
    zone_year = selectors.zone_year_get_for_actor(actor=api_actor(request), year=year)
    actor = api_actor(request)
    return ranking_out(selectors.zone_ranking(zone_year=zone_year), people=selectors.can_see_working(actor))


@router.get(
    "/zones",
    response={200: ZoneYearListOut, **error_responses(401)},
    auth=READ_AUTH,
    url_name="zone-year-list",
    operation_id="zone_year_list",
    summary="Years with demonstration-zone work",
    description="Decided years for everyone; open years too for the office, cities and provincial departments.",
)
def zone_year_list(request):
    years = selectors.zone_year_list(actor=api_actor(request))
    return {
        "items": [{"year": y.year, "status": y.status, "decided_at": y.decided_at} for y in years],
        "count": len(years),
    }


@router.get(
    "/zones/{year}",
    response={200: ZoneRankingOut, **error_responses(401, 404, 422)},
    auth=READ_AUTH,
    url_name="zone-ranking",
    operation_id="zone_ranking_get",
    summary="A year's ranking, broken down per criterion",
    description=(
        "Every region with its rank (ties share a rank and have `tied`), total and, per criterion, the raw "
        "value, the scaled score, the weighted points and the components with the data each comes from. "
        "An open year is computed live (office, cities, departments; 404 for others); a decided year is "
        "its frozen snapshot, public."
    ),
)
def zone_ranking_get(request, year: int):
    return _ranking(request, year)


@router.put(
    "/zones/{year}/weights",
    response={200: ZoneRankingOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="zone-weights",
    operation_id="zone_weights_set",
    summary="Set the year's weights (office)",
    description="Whole numbers 0–100 adding up to 100; answers the recomputed ranking. 409 `year_decided`.",
)
def zone_weights_set(request, year: int, payload: ZoneWeightsIn):
    services.zone_weights_set(actor=api_actor(request), year=year, weights=payload.model_dump())
    return _ranking(request, year)


@router.put(
    "/zones/{year}/inputs",
    response={200: ZoneInputsOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="zone-inputs",
    operation_id="zone_inputs_set",
    summary="Enter the office's inputs (office)",
    description=(
        "All or nothing: one bad row refuses the lot (422, details by `<region>.<kind>`). `value` null clears "
        "an input, which then counts as zero and shows as missing. Each change is audited."
    ),
)
def zone_inputs_set(request, year: int, payload: ZoneInputsIn):
    rows = [i.model_dump() for i in payload.items]
    return {"changed": services.zone_inputs_set(actor=api_actor(request), year=year, rows=rows)}


@router.post(
    "/zones/{year}/selections",
    response={201: ZoneSelectionOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="zone-selection-create",
    operation_id="zone_selection_create",
    summary="Select a provincial zone or recommend a national one (office)",
    description=(
        "With a reason. A national recommendation needs the region selected as a provincial zone first. "
        "409 `already_selected`, `year_decided`."
    ),
)
def zone_selection_create(request, year: int, payload: ZoneSelectionIn):
    s = services.zone_select(
        actor=api_actor(request), year=year, region=payload.region, level=payload.level, reason=payload.reason
    )
    return Status(
        201, selection_out(ZoneSelection.objects.select_related("region", "selected_by").get(pk=s.pk))
    )


@router.delete(
    "/zones/{year}/selections/{id}",
    response={204: None, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="zone-selection-delete",
    operation_id="zone_selection_delete",
    summary="Remove a selection (office)",
    description="Removing a provincial zone removes its national recommendation too. 409 once decided.",
)
def zone_selection_delete(request, year: int, id: int):
    if not 1 <= id <= MAX_DB_ID:
        raise NotFound(_("Selection not found."))
    services.zone_unselect(actor=api_actor(request), year=year, selection_id=id)
    return Status(204, None)


@router.post(
    "/zones/{year}/decide",
    response={200: ZoneRankingOut, **error_responses(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    url_name="zone-decide",
    operation_id="zone_year_decide",
    summary="Decide the year and freeze its scores (office)",
    description=(
        "Writes the snapshot of every region's score and locks the year. 422 `nothing_selected` without a "
        "provincial zone; 409 `year_decided` the second time."
    ),
)
def zone_year_decide(request, year: int, payload: ZoneDecideIn):
    services.zone_year_decide(actor=api_actor(request), year=year, note=payload.note)
    return _ranking(request, year)
