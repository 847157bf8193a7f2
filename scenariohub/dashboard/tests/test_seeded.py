"""The dashboard against an independent count, in plain Python, over a seeded random set."""

import datetime as dt
import random
from collections import Counter

import pytest

from scenariohub.dashboard.selectors import targets_overview
from scenariohub.dashboard.tests.helpers import SHANGHAI, designated, history, released
from scenariohub.reference import selectors as ref
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
REGIONS = ["510100", "510700", "511500", "513400"]


def seed(rng: random.Random):
    pairs = list(ref.field_sector().items())
    start = dt.datetime(2024, 12, 25, tzinfo=SHANGHAI)
    made = []
    for _ in range(70):
        field, sector = rng.choice(pairs)
        at = start + dt.timedelta(minutes=rng.randrange(0, 380 * 24 * 60))
        if rng.random() < 0.15:  # right at a year boundary, seconds either side of Beijing midnight
            at = dt.datetime(2026, 1, 1, tzinfo=SHANGHAI) + dt.timedelta(seconds=rng.choice([-1, 0, 1]))
        status = rng.choice([Status.PUBLISHED, Status.MATCHING, Status.WITHDRAWN, Status.CLOSED])
        s = released(
            at,
            status=status,
            region_id=rng.choice(REGIONS),
            sector_id=sector,
            field_id=field,
            kind=rng.choice(["industrial", "government"]),
        )
        s.benchmark_at = None
        s.matching_at = None
        if rng.random() < 0.3:
            s.benchmark_at = at + dt.timedelta(days=rng.randrange(1, 120))
            designated(s, s.benchmark_at)
            s.matching_at = s.benchmark_at - dt.timedelta(hours=4)
        elif rng.random() < 0.4:
            s.matching_at = at + dt.timedelta(days=rng.randrange(0, 60))
            history(s, Status.PUBLISHED, Status.MATCHING, s.matching_at)
        made.append(s)
    for _ in range(10):
        ScenarioFactory(status=rng.choice([Status.DRAFT, Status.SUBMITTED, Status.APPROVED]))
    return made


def year_of(moment):
    return moment.astimezone(SHANGHAI).year if moment else None


@pytest.mark.parametrize("seed_value", [7, 2025])
def test_figures_equal_an_independent_count(seed_value):
    made = seed(random.Random(seed_value))
    for year in (2024, 2025, 2026):
        overview = targets_overview(year=year, today=dt.date(2027, 1, 1))
        got = {t.code: t.actual for t in overview.targets}
        mine = [s for s in made if year_of(s.published_at) == year]
        bench = [s for s in made if year_of(s.benchmark_at) == year]
        assert got["published"] == len(mine)
        assert got["published_government"] == sum(s.kind == "government" for s in mine)
        assert got["benchmarks"] == len(bench)

        expected = {
            "region": Counter(s.region_id for s in mine),
            "sector": Counter(s.sector_id for s in mine),
            "field": Counter(s.field_id for s in mine),
            "kind": Counter(s.kind for s in mine),
            "month": Counter(f"{year}-{s.published_at.astimezone(SHANGHAI).month:02d}" for s in mine),
        }
        for dim, counts in expected.items():
            rows = {r.code: r for r in overview.breakdown[dim]}
            assert {c: r.published for c, r in rows.items() if r.published} == dict(counts), dim
        bench_by_region = Counter(s.region_id for s in bench)
        assert {r.code: r.benchmarks for r in overview.breakdown["region"] if r.benchmarks} == dict(
            bench_by_region
        )
        bench_by_month = Counter(f"{year}-{s.benchmark_at.astimezone(SHANGHAI).month:02d}" for s in bench)
        assert {r.code: r.benchmarks for r in overview.breakdown["month"] if r.benchmarks} == dict(
            bench_by_month
        )
        gov_by_sector = Counter(s.sector_id for s in mine if s.kind == "government")
        assert {
            r.code: r.published_government for r in overview.breakdown["sector"] if r.published_government
        } == dict(gov_by_sector)
        funnel = {st.stage.code: st.count for st in overview.funnel}
        assert funnel["released"] == len(mine)
        assert funnel["applied"] == sum(year_of(s.matching_at) == year for s in made)
        assert funnel["benchmark"] == len(bench)
