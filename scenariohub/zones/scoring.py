"""Zone scores from plain numbers: no database, so a test can recompute them by hand.

Arithmetic is in Decimal with explicit rounding (0.01, half up) at each written step, so the page, the
API, the frozen snapshot and a hand calculation agree to the cent:

    raw(c)        = sum of the criterion's components (missing office inputs count as 0)
    scaled(c)     = round(raw(c) / max over regions of raw(c) × 100)        (0 when that max is 0)
    weighted(c)   = round(scaled(c) × weight(c) / 100)
    total         = sum of weighted(c)
    rank          = 1 + number of regions with a strictly higher total     (ties share a rank: 1, 2, 2, 4)
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from scenariohub.zones.criteria import CRITERIA, CRITERION_CODES

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RegionFacts:
    """One region's components for a year: platform figures and office inputs, by component code.

    `missing` names the office inputs nobody entered: they count as zero and are shown as missing."""

    region: str
    position: int
    components: Mapping[str, Decimal]
    missing: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CriterionScore:
    raw: Decimal
    scaled: Decimal
    weighted: Decimal
    components: dict[str, Decimal]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class RegionScore:
    region: str
    position: int
    criteria: dict[str, CriterionScore]
    total: Decimal
    rank: int = 0
    tied: bool = False
    missing: tuple[str, ...] = field(default_factory=tuple)


class WeightsInvalid(ValueError):
    pass


def check_weights(weights: Mapping[str, int]) -> dict[str, int]:
    """Whole numbers, each ≥ 0, one per criterion, summing to 100. Raises WeightsInvalid (message in English
    for logs; services give people their own translated messages)."""
    if set(weights) != set(CRITERION_CODES):
        raise WeightsInvalid("one weight per criterion")
    clean = {}
    for code in CRITERION_CODES:
        value = weights[code]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise WeightsInvalid(f"{code}: a whole number ≥ 0")
        clean[code] = value
    if sum(clean.values()) != 100:
        raise WeightsInvalid("weights must sum to 100")
    return clean


def criterion_raw(facts: RegionFacts) -> dict[str, Decimal]:
    return {
        c.code: sum((Decimal(facts.components.get(x.code, 0)) for x in c.components), Decimal(0))
        for c in CRITERIA
    }


def score_regions(facts: Iterable[RegionFacts], weights: Mapping[str, int]) -> list[RegionScore]:
    """Scores of every region, best first; ties keep the official order of regions (position, then code)."""
    weights = check_weights(weights)
    rows = list(facts)
    raws = [criterion_raw(f) for f in rows]
    best = {code: max((r[code] for r in raws), default=Decimal(0)) for code in CRITERION_CODES}
    scored = []
    for f, raw in zip(rows, raws, strict=True):
        criteria = {}
        for c in CRITERIA:
            top = best[c.code]
            scaled = _round(raw[c.code] / top * HUNDRED) if top > 0 else Decimal("0.00")
            weighted = _round(scaled * weights[c.code] / HUNDRED)
            criteria[c.code] = CriterionScore(
                raw=raw[c.code],
                scaled=scaled,
                weighted=weighted,
                components={x.code: Decimal(f.components.get(x.code, 0)) for x in c.components},
                missing=tuple(x.code for x in c.components if x.code in f.missing),
            )
        total = sum((s.weighted for s in criteria.values()), Decimal("0.00"))
        missing = tuple(m for c in CRITERIA for m in criteria[c.code].missing)
        scored.append(RegionScore(f.region, f.position, criteria, total, missing=missing))
    scored.sort(key=lambda s: (-s.total, s.position, s.region))
    totals = [s.total for s in scored]
    out = []
    for s in scored:
        higher = sum(1 for t in totals if t > s.total)
        same = sum(1 for t in totals if t == s.total)
        out.append(
            RegionScore(
                s.region, s.position, s.criteria, s.total, rank=higher + 1, tied=same > 1, missing=s.missing
            )
        )
    return out
