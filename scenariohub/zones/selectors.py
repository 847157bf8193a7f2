"""Reads for demonstration zones: who may see a year, and its ranking (live while open, frozen once decided)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import NotFound, PermissionDenied
from scenariohub.reference import selectors as ref
from scenariohub.zones import criteria as c
from scenariohub.zones.facts import platform_facts
from scenariohub.zones.models import (
    YEAR_MAX,
    YEAR_MIN,
    YearStatus,
    ZoneInput,
    ZoneLevel,
    ZoneScore,
    ZoneSelection,
    ZoneYear,
)
from scenariohub.zones.scoring import CriterionScore, RegionFacts, RegionScore, score_regions

# Who may follow a year while the office is still weighing it; once decided, the result is public.
WORKING_ROLES = (Role.OFFICE, Role.CITY, Role.DEPARTMENT)


def can_see_working(actor: Actor) -> bool:
    return actor.role in WORKING_ROLES


def zone_year_get_for_actor(*, actor: Actor, year: int, write: bool = False) -> ZoneYear:
    """The year's row (unsaved, with the default weights, when the office has not touched it yet).

    404 for a year out of range, or an open year for someone outside the working roles; 403 when one may
    see the year but not change it."""
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise NotFound(_("No demonstration-zone ranking for this year."))
    zone_year = ZoneYear.objects.filter(year=year).select_related("decided_by").first()
    if zone_year is None:
        zone_year = ZoneYear(year=year, **{f"weight_{k}": v for k, v in c.DEFAULT_WEIGHTS.items()})
    if zone_year.status != YearStatus.DECIDED and not can_see_working(actor):
        raise NotFound(_("No demonstration-zone ranking for this year."))
    if write and not actor.is_office:
        raise PermissionDenied(
            _("Only the provincial office may weigh, score and select demonstration zones.")
        )
    return zone_year


def zone_year_list(*, actor: Actor) -> list[ZoneYear]:
    qs = ZoneYear.objects.order_by("-year")
    if not can_see_working(actor):
        qs = qs.filter(status=YearStatus.DECIDED)
    return list(qs)


def zone_inputs(*, zone_year: ZoneYear) -> dict[tuple[str, str], ZoneInput]:
    if zone_year.pk is None:
        return {}
    return {
        (i.region_id, i.kind): i
        for i in ZoneInput.objects.filter(zone_year=zone_year).select_related("updated_by")
    }


def region_facts(*, zone_year: ZoneYear) -> list[RegionFacts]:
    """Every region's components for the year: the platform's figures plus the office's inputs."""
    platform = platform_facts(zone_year.year)
    inputs = zone_inputs(zone_year=zone_year)
    facts = []
    for region in ref.region_list():
        components = {code: by_region.get(region.code, Decimal(0)) for code, by_region in platform.items()}
        missing = set()
        for kind in c.InputKind.values:
            row = inputs.get((region.code, kind))
            if row is None:
                missing.add(kind)
                components[kind] = Decimal(0)
            else:
                components[kind] = row.value
        facts.append(RegionFacts(region.code, region.position, components, frozenset(missing)))
    return facts


def score_to_json(score: RegionScore) -> dict:
    return {
        code: {
            "raw": str(s.raw),
            "scaled": str(s.scaled),
            "weighted": str(s.weighted),
            "components": {k: str(v) for k, v in s.components.items()},
            "missing": list(s.missing),
        }
        for code, s in score.criteria.items()
    }


def _score_from_row(row: ZoneScore) -> RegionScore:
    criteria = {
        code: CriterionScore(
            raw=Decimal(d["raw"]),
            scaled=Decimal(d["scaled"]),
            weighted=Decimal(d["weighted"]),
            components={k: Decimal(v) for k, v in d["components"].items()},
            missing=tuple(d["missing"]),
        )
        for code, d in row.breakdown.items()
    }
    missing = tuple(m for code in c.CRITERION_CODES for m in criteria[code].missing)
    return RegionScore(row.region_id, row.region.position, criteria, row.total, row.rank, row.tied, missing)


@dataclass(frozen=True)
class Ranking:
    zone_year: ZoneYear
    weights: dict[str, int]
    rows: list[RegionScore]
    selections: list[ZoneSelection]
    frozen: bool

    @property
    def year(self) -> int:
        return self.zone_year.year

    def levels_of(self, region: str) -> list[str]:
        return [s.level for s in self.selections if s.region_id == region]


def zone_live_scores(*, zone_year: ZoneYear) -> list[RegionScore]:
    return score_regions(region_facts(zone_year=zone_year), zone_year.weights)


def zone_ranking(*, zone_year: ZoneYear) -> Ranking:
    """The decided snapshot of a decided year; the live computation of an open one."""
    selections = (
        list(ZoneSelection.objects.filter(zone_year=zone_year).select_related("region", "selected_by"))
        if zone_year.pk
        else []
    )
    if zone_year.is_decided:
        snapshot = list(ZoneScore.objects.filter(zone_year=zone_year).select_related("region"))
        # The weights of the decision are stored with each row: the year's columns could only differ if
        # someone changed them outside the services, and the snapshot must not follow that either.
        weights = dict(snapshot[0].weights) if snapshot else zone_year.weights
        return Ranking(zone_year, weights, [_score_from_row(r) for r in snapshot], selections, frozen=True)
    return Ranking(
        zone_year, zone_year.weights, zone_live_scores(zone_year=zone_year), selections, frozen=False
    )


@dataclass(frozen=True)
class ComponentCell:
    code: str
    label: str
    value: Decimal
    missing: bool
    office_input: bool


@dataclass(frozen=True)
class CriterionCell:
    code: str
    label: str
    unit: str
    weight: int
    score: CriterionScore
    components: list[ComponentCell]


@dataclass(frozen=True)
class RankingRow:
    region: str
    region_name: str
    score: RegionScore
    cells: list[CriterionCell]
    levels: list[str]


def ranking_rows(ranking: Ranking) -> list[RankingRow]:
    """What the page and the export show: each region's criteria with their components, labelled."""
    names = ref.region_names()
    rows = []
    for s in ranking.rows:
        cells = []
        for crit in c.CRITERIA:
            cs = s.criteria[crit.code]
            cells.append(
                CriterionCell(
                    crit.code,
                    str(crit.label),
                    str(crit.unit),
                    ranking.weights[crit.code],
                    cs,
                    [
                        ComponentCell(
                            x.code,
                            str(x.label),
                            cs.components.get(x.code, Decimal(0)),
                            x.code in cs.missing,
                            x.office_input,
                        )
                        for x in crit.components
                    ],
                )
            )
        rows.append(
            RankingRow(s.region, names.get(s.region, s.region), s, cells, ranking.levels_of(s.region))
        )
    return rows


LEVEL_LABELS = dict(ZoneLevel.choices)
