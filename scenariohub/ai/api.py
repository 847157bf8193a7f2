"""API v1 of the AI engine: sector/field suggestions, near-duplicates, recommendations both ways.

Endpoints parse input, find the actor and call `scenariohub.ai.selectors`, which check access. Searching
the catalogue with the engine needs no endpoint of its own: `GET /api/v1/scenarios?q=` uses it.
"""

from dataclasses import asdict

from django.utils.translation import gettext as _
from ninja import Query, Router

from scenariohub.api import READ_AUTH, WRITE_AUTH, api_actor, error_responses
from scenariohub.core.errors import NotFound

from . import selectors
from .schemas import (
    AiClassifyOut,
    AiDuplicatesIn,
    AiDuplicatesOut,
    AiRecommendationParams,
    AiScenarioRecommendationListOut,
    AiSolutionRecommendationListOut,
    AiTextIn,
)

router = Router(tags=["ai"])

MAX_DB_ID = 2**63 - 1


def _id(value: int, message: str) -> int:
    if not 1 <= value <= MAX_DB_ID:
        raise NotFound(message)
    return value


@router.post(
    "/ai/classify",
    response={200: AiClassifyOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="ai-classify",
    operation_id="ai_classify",
    summary="Suggest a sector and field",
    description=(
        "The three most likely (sector, field) pairs for a scenario being written, best first, with their "
        "Chinese names and probabilities. Learns from the platform's released scenarios. `title` at most 200 "
        "characters, `text` at most 5000 (422 otherwise)."
    ),
)
def classify(request, payload: AiTextIn):
    suggestions = selectors.suggest_fields(title=payload.title, text=payload.text, k=3)
    return {"suggestions": [asdict(s) for s in suggestions]}


@router.post(
    "/ai/duplicates",
    response={200: AiDuplicatesOut, **error_responses(401, 422)},
    auth=READ_AUTH,
    url_name="ai-duplicates",
    operation_id="ai_duplicates",
    summary="Find near-duplicate scenarios",
    description=(
        "Released scenarios of any region that say nearly the same as the text (similarity 0.7 or more, at "
        "most 5, most similar first), among those the caller may see. `field` (a field code) makes the "
        "comparison closer when known; `exclude` leaves out the scenario being edited."
    ),
)
def duplicates(request, payload: AiDuplicatesIn):
    found = selectors.duplicates_for_text(
        actor=api_actor(request),
        title=payload.title,
        text=payload.text,
        field_code=payload.field,
        exclude_id=payload.exclude,
    )
    return {"items": [d.as_dict() for d in found]}


def _solution_item(rec) -> dict:
    solution = rec.object
    supplier = solution.supplier
    return {
        "solution": {
            "id": solution.pk,
            "title": solution.title,
            "sector": solution.sector_id,
            "sector_name": solution.sector.name_zh,
        },
        "supplier": {
            "id": supplier.pk,
            "name": supplier.name,
            "region": supplier.region_id,
            "region_name": supplier.region.name_zh if supplier.region_id else None,
        },
        "score": rec.score,
        "reasons": rec.reasons,
    }


def _scenario_item(rec) -> dict:
    s = rec.object
    return {
        "scenario": {
            "id": s.pk,
            "title": s.title,
            "region": s.region_id,
            "region_name": s.region.name_zh,
            "sector": s.sector_id,
            "field": s.field_id,
            "field_name": s.field.name_zh,
            "status": s.status,
            "deadline": s.deadline.isoformat() if s.deadline else None,
        },
        "score": rec.score,
        "reasons": rec.reasons,
    }


@router.get(
    "/scenarios/{id}/recommendations",
    response={200: AiSolutionRecommendationListOut, **error_responses(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    url_name="ai-scenario-recommendations",
    operation_id="ai_scenario_recommendations",
    summary="Solutions recommended for a scenario",
    description=(
        "Published solutions that suit the scenario, best first, each with its supplier, a score and the "
        "reasons (shared terms, same field, same region, track record). For the owner organisation, the "
        "provincial office and the city lead department of the scenario's region; 403 for others who may "
        "see the scenario, 404 for those who may not."
    ),
)
def scenario_recommendations(request, id: int, params: Query[AiRecommendationParams]):
    recs = selectors.scenario_recommendations_for_actor(
        actor=api_actor(request), scenario_id=_id(id, _("Scenario not found.")), limit=params.limit
    )
    return {"items": [_solution_item(r) for r in recs], "count": len(recs)}


@router.get(
    "/suppliers/{id}/recommendations",
    response={200: AiScenarioRecommendationListOut, **error_responses(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    url_name="ai-supplier-recommendations",
    operation_id="ai_supplier_recommendations",
    summary="Scenarios recommended for a supplier",
    description=(
        "Scenarios open for applications that suit the supplier organisation's solutions and profile, best "
        "first, each with a score and the reasons. For the supplier's own members and the provincial office "
        "(403 for others); 404 when no supplier has this id."
    ),
)
def supplier_recommendations(request, id: int, params: Query[AiRecommendationParams]):
    recs = selectors.supplier_recommendations_for_actor(
        actor=api_actor(request), organisation_id=_id(id, _("Supplier not found.")), limit=params.limit
    )
    return {"items": [_scenario_item(r) for r in recs], "count": len(recs)}
