"""Reads of the targets dashboard: one overview per year, computed in a small, constant number of queries.

Every count is grouped in the database (`values().annotate()`), never per row, so the cost grows with the
number of scenarios of the year but the number of queries does not (pinned by a test).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Max, Min, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.core.errors import NotFound, ValidationFailed
from scenariohub.dashboard import metrics as m
from scenariohub.reference import selectors as ref
from scenariohub.reference.models import ScenarioKind
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status
from scenariohub.scenarios.selectors import visible_q
from scenariohub.support import selectors as support_selectors
from scenariohub.zones import selectors as zone_selectors

DIMENSIONS = ("region", "sector", "field", "kind", "month")
MIN_YEAR, MAX_YEAR = 2000, 2100
GOV = ScenarioKind.GOVERNMENT.value
CACHE_SECONDS = 300  # a safety net only: data_version() changes with every lifecycle step


@dataclass
class TargetFigure:
    metric: m.Metric
    actual: int
    forecast: m.Forecast

    @property
    def code(self) -> str:
        return self.metric.code

    @property
    def target(self) -> int:
        return self.metric.target

    @property
    def percent(self) -> int:
        """Progress towards the target, capped at 100 for the bar (the figure itself is not capped)."""
        return min(100, round(100 * self.actual / self.target)) if self.target else 100


@dataclass
class BreakdownRow:
    code: str
    name: str
    published: int = 0
    published_government: int = 0
    benchmarks: int = 0
    conferences: int | None = None  # only where it means something: host city and month


@dataclass
class StageFigure:
    stage: m.Stage
    count: int


@dataclass
class TargetsOverview:
    year: int
    as_of: dt.date
    targets: list[TargetFigure]
    breakdown: dict[str, list[BreakdownRow]]
    funnel: list[StageFigure]
    conferences_available: bool = True
    highlight_region: str | None = None
    notes: list[str] = field(default_factory=list)

    def target(self, code: str) -> TargetFigure:
        return next(t for t in self.targets if t.code == code)

    def region_row(self, code: str | None) -> BreakdownRow | None:
        return next((r for r in self.breakdown["region"] if r.code == code), None)

    def as_dict(self) -> dict:
        """The JSON shape of `/api/v1/stats/targets` (and the data the page's charts read)."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "targets": [
                {
                    "code": t.code,
                    "label": str(t.metric.label),
                    "target": t.target,
                    "actual": t.actual,
                    "forecast": t.forecast.forecast,
                    "on_track": t.forecast.on_track,
                    "forecast_state": t.forecast.state,
                    "shortfall": t.forecast.shortfall,
                    "reached_on": t.forecast.reached_on.isoformat() if t.forecast.reached_on else None,
                    "definition": str(t.metric.definition),
                }
                for t in self.targets
            ],
            "breakdown": {
                dim: [
                    {
                        "code": r.code,
                        "name": r.name,
                        "published": r.published,
                        "published_government": r.published_government,
                        "benchmarks": r.benchmarks,
                        "conferences": r.conferences,
                    }
                    for r in rows
                ]
                for dim, rows in self.breakdown.items()
            },
            "funnel": [
                {
                    "code": s.stage.code,
                    "status": s.stage.status,
                    "label": str(s.stage.label),
                    "count": s.count,
                    "definition": str(s.stage.definition),
                }
                for s in self.funnel
            ],
            "definitions": {"breakdown": str(m.BREAKDOWN_DEFINITION), "forecast": str(m.FORECAST_DEFINITION)},
        }


def parse_year(raw, *, default: int | None = None) -> int:
    """A year from a query parameter; 422 for anything but a four-digit year in range."""
    if raw in (None, ""):
        return default if default is not None else timezone.localdate().year
    text = str(raw).strip()
    if text.isascii() and text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR:
        return int(text)
    raise ValidationFailed(
        _("Some filters are not valid."),
        code="bad_filter",
        details={"year": [_("Year must be a four-digit year.")]},
    )


def plan_years(today: dt.date | None = None) -> list[int]:
    """The years offered in the year picker: the plan's 2025–2027, plus the current year once past it."""
    today = today or timezone.localdate()
    return list(range(2025, max(2027, today.year) + 1))


def _month_case(year: int, column: str) -> Case:
    # The month as a plain CASE on the timestamp: no per-row time-zone function (SQLite would call Python).
    whens = [
        When(**{f"{column}__lt": m.month_bounds(year, month)[1]}, then=Value(month)) for month in range(1, 12)
    ]
    return Case(*whens, default=Value(12), output_field=IntegerField())


def data_version() -> tuple:
    """A cheap fingerprint of what the figures read (three index lookups, no scan).

    Every lifecycle step writes a ScenarioTransition row and every release stamps `published_at`, so a
    new row or a later stamp changes it; events add their last change. Edits that write no history
    (an admin correcting a released scenario's region) show after CACHE_SECONDS at the latest.
    """
    # One MIN/MAX per query: SQLite answers those from an index, several in one SELECT need a scan.
    last_step = ScenarioTransition.objects.order_by("-id").values_list("id", "created_at").first()
    last_scenario = Scenario.objects.order_by("-id").values_list("id", flat=True).first()
    last_release = Scenario.objects.aggregate(last=Max("published_at"))["last"]
    return (last_step, last_scenario, last_release, m.events_version())


def _facts(year: int) -> dict:
    """The counts of one year, as plain data (cacheable): 8 grouped queries whatever the number of rows."""
    rows: dict[str, dict[str, dict[str, int]]] = {dim: {} for dim in DIMENSIONS}

    def bump(dim: str, code: str | None, attr: str, n: int) -> None:
        if code is not None:
            cell = rows[dim].setdefault(code, {})
            cell[attr] = cell.get(attr, 0) + n

    published = m.published_qs(year)
    # 1. region × kind × month: the totals, the kind split, the city and month breakdowns in one scan.
    total = gov = 0
    by_region = published.annotate(mo=_month_case(year, "published_at")).values("region_id", "kind", "mo")
    for r in by_region.annotate(n=Count("id")).order_by():
        month = f"{year}-{r['mo']:02d}"
        total += r["n"]
        for dim, code in (("region", r["region_id"]), ("kind", r["kind"]), ("month", month)):
            bump(dim, code, "published", r["n"])
            if r["kind"] == GOV:
                bump(dim, code, "published_government", r["n"])
        gov += r["n"] if r["kind"] == GOV else 0
    # 2. sector × field × kind.
    for r in published.values("sector_id", "field_id", "kind").annotate(n=Count("id")).order_by():
        for dim, code in (("sector", r["sector_id"]), ("field", r["field_id"])):
            bump(dim, code, "published", r["n"])
            if r["kind"] == GOV:
                bump(dim, code, "published_government", r["n"])
    # 3. benchmark cases: few rows, each with its scenario's dimensions and its first designation.
    start, end = m.year_bounds(year)
    benchmarks = 0
    for r in (
        m.first_reached_rows(Status.BENCHMARK, start, end)
        .values(
            "scenario_id",
            "scenario__region_id",
            "scenario__sector_id",
            "scenario__field_id",
            "scenario__kind",
        )
        .annotate(first=Min("created_at"))
        .filter(first__gte=start)
    ):
        benchmarks += 1
        month = f"{year}-{timezone.localtime(r['first'], m.year_bounds(year)[0].tzinfo).month:02d}"
        for dim, code in (
            ("region", r["scenario__region_id"]),
            ("sector", r["scenario__sector_id"]),
            ("field", r["scenario__field_id"]),
            ("kind", r["scenario__kind"]),
            ("month", month),
        ):
            bump(dim, code, "benchmarks", 1)
    # 4–7. the other funnel stages: one count each over the history rows.
    stages = {Status.BENCHMARK.value: benchmarks}
    for stage in m.HISTORY_STAGES:
        if stage.status != Status.BENCHMARK:
            stages[stage.status] = m.first_reached_scenarios(stage.status, start, end).count()
    # 8. conferences held, by host city and month.
    of_year = m.conferences_of_year(year)
    conferences = [(day, host) for day, host, status in of_year if status == "held"]
    for day, host in conferences:
        bump("region", host, "conferences", 1)
        bump("month", f"{day.year}-{day.month:02d}", "conferences", 1)
    return {
        "rows": rows,
        "actuals": {
            m.CONFERENCES: len(conferences),
            m.PUBLISHED: total,
            m.PUBLISHED_GOVERNMENT: gov,
            m.BENCHMARKS: benchmarks,
        },
        "stages": stages,
        "planned": {m.CONFERENCES: [day for day, _host, status in of_year if status == "planned"]},
        "conferences_available": m.release_event_model() is not None,
    }


def _cached_facts(year: int) -> dict:
    fingerprint = hashlib.sha256(repr(data_version()).encode()).hexdigest()[:32]
    key = f"dashboard:targets:{year}:{fingerprint}"
    facts = cache.get(key)
    if facts is None:
        facts = _facts(year)
        cache.set(key, facts, CACHE_SECONDS)
    return facts


def targets_overview(
    *, year: int, today: dt.date | None = None, highlight_region: str | None = None, fresh: bool = False
) -> TargetsOverview:
    """The plan's yearly targets against live figures, with breakdowns and the funnel.

    The counts are cached under a fingerprint of the data (see data_version), so a page view costs three
    index lookups unless something changed; `fresh=True` always recounts (8 grouped queries).
    """
    today = today or timezone.localdate()
    facts = _facts(year) if fresh else _cached_facts(year)
    names = {
        "region": ref.region_names(),
        "sector": ref.sector_names(),
        "field": ref.field_names(),
        "kind": ref.kind_names(),
        "month": {f"{year}-{mo:02d}": _("Month %(month)d") % {"month": mo} for mo in range(1, 13)},
    }
    breakdown = {}
    for dim in DIMENSIONS:
        with_conferences = dim in ("region", "month")
        counted = facts["rows"][dim]
        # Every code of the taxonomy, in its order; a code no longer in it is still shown, never dropped.
        codes = list(names[dim]) + [c for c in counted if c not in names[dim]]
        breakdown[dim] = [
            BreakdownRow(
                code,
                names[dim].get(code, code),
                published=counted.get(code, {}).get("published", 0),
                published_government=counted.get(code, {}).get("published_government", 0),
                benchmarks=counted.get(code, {}).get("benchmarks", 0),
                conferences=counted.get(code, {}).get("conferences", 0) if with_conferences else None,
            )
            for code in codes
        ]
    actuals = facts["actuals"]
    targets = [
        TargetFigure(
            metric,
            actuals[metric.code],
            m.forecast(
                actual=actuals[metric.code],
                target=metric.target,
                year=year,
                today=today,
                planned=facts.get("planned", {}).get(metric.code, ()),
            ),
        )
        for metric in m.METRICS
    ]
    funnel = [
        StageFigure(s, actuals[m.PUBLISHED] if s.code == "released" else facts["stages"][s.status])
        for s in m.FUNNEL
    ]
    return TargetsOverview(
        year=year,
        as_of=today,
        targets=targets,
        breakdown=breakdown,
        funnel=funnel,
        conferences_available=facts["conferences_available"],
        highlight_region=highlight_region,
    )


# ------------------------------------------------------------------------------------------- drill-down


def metric_scenario_list(
    *,
    actor: Actor,
    code: str,
    year: int,
    month: int | None = None,
    region: str = "",
    sector: str = "",
    field: str = "",
    kind: str = "",
) -> tuple[QuerySet, int]:
    """The scenarios counted by one figure that this actor may see, and how many counted ones they may not."""
    qs = m.metric_scenarios(code, year, month)
    for name, value in (("region_id", region), ("sector_id", sector), ("field_id", field), ("kind", kind)):
        if value:
            qs = qs.filter(**{name: value})
    counted = qs.count()
    visible = qs.filter(visible_q(actor)).select_related("owner", "region", "sector", "field")
    return visible.order_by("-published_at", "-id"), counted


# ------------------------------------------------------------------ policy support and demonstration zones
# Panels read through the owning apps' selectors, so each shows exactly what its own page would show to the
# same reader: the support summary to the office, departments and cities (aggregates, never the public);
# a zone year's live ranking to the working roles, a decided year's result to everyone.

ZONE_TOP = 5


@dataclass(frozen=True)
class SupportPanel:
    year: int
    lines: list[support_selectors.SummaryLine]
    total: support_selectors.SummaryLine


@dataclass(frozen=True)
class ZoneStandingRow:
    rank: int
    tied: bool
    region: str
    region_name: str
    total: Decimal
    levels: list[str]  # labels of the selections made for the region (provincial / recommended national)


@dataclass(frozen=True)
class ZonePanel:
    year: int
    decided: bool
    regions: int  # how many regions the ranking has; the panel shows the first ZONE_TOP
    top: list[ZoneStandingRow]
    selected: int  # selections made so far (provincial and national)


def support_panel(*, actor: Actor, year: int) -> SupportPanel | None:
    """The year's applications, grants and granted amounts per measure; None for readers of no summary."""
    try:
        lines = support_selectors.summary_for_actor(actor=actor, year=year)
    except NotFound:
        return None
    return SupportPanel(year, lines, support_selectors.summary_total(lines))


def zone_panel(*, actor: Actor, year: int) -> ZonePanel | None:
    """The top of the year's zone ranking; None when the reader may not see the year (open, not theirs)."""
    try:
        zone_year = zone_selectors.zone_year_get_for_actor(actor=actor, year=year)
    except NotFound:
        return None
    ranking = zone_selectors.zone_ranking(zone_year=zone_year)
    names = ref.region_names()
    levels = {}
    for s in ranking.selections:
        levels.setdefault(s.region_id, []).append(str(s.get_level_display()))
    top = [
        ZoneStandingRow(
            r.rank, r.tied, r.region, names.get(r.region, r.region), r.total, levels.get(r.region, [])
        )
        for r in ranking.rows[:ZONE_TOP]
    ]
    return ZonePanel(year, ranking.frozen, len(ranking.rows), top, len(ranking.selections))
