"""The dashboard's figures, each with ONE written definition: what counts and which date decides the year.

The page, the API (`/api/v1/stats/targets`), the .xlsx export and the drill-down lists all read the
querysets and texts below, so a figure means the same wherever it is shown. Years are calendar years in
China Standard Time (Asia/Shanghai, the project's TIME_ZONE): a scenario released at 00:30 on 1 January
Beijing time counts in the new year although it is still 31 December in UTC.

Counts come from history, never from the current state: a scenario counts for the year of its first
release even if it was withdrawn later, and for the year it first became a benchmark case even if it was
designated twice. Stages that later issues fill (matching → benchmark) show zero until they exist.
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from scenariohub.reference import selectors as ref
from scenariohub.reference.models import ScenarioKind
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status

CONFERENCES = "conferences"
PUBLISHED = "published"
PUBLISHED_GOVERNMENT = "published_government"
BENCHMARKS = "benchmarks"


@dataclass(frozen=True)
class Metric:
    code: str
    label: Promise
    definition: Promise
    target_key: str  # key of taxonomy.json `annual_targets`

    @property
    def target(self) -> int:
        return int(ref.taxonomy()["annual_targets"][self.target_key])


METRICS: tuple[Metric, ...] = (
    Metric(
        CONFERENCES,
        _("Provincial release conferences"),
        _(
            "Release events of the channel “provincial scenario release conference” that are marked held and "
            "whose date falls in the year. Planned and cancelled conferences do not count."
        ),
        "provincial_release_conferences_min",
    ),
    Metric(
        PUBLISHED,
        _("Newly published scenarios"),
        _(
            "Scenarios whose first release falls in the year (Beijing time), whatever their state now: a "
            "scenario withdrawn or closed after its release still counts; one released twice counts once, in "
            "the year of its first release."
        ),
        "new_scenarios_published_min",
    ),
    Metric(
        PUBLISHED_GOVERNMENT,
        _("… of them government scenarios"),
        _(
            "The newly published scenarios (same rule: first release in the year, Beijing time, whatever their "
            "state now) whose kind is “government”."
        ),
        "new_government_scenarios_min",
    ),
    Metric(
        BENCHMARKS,
        _("Benchmark cases"),
        _(
            "Scenarios whose first move to “benchmark case” in the lifecycle history falls in the year (Beijing "
            "time). A scenario designated again later counts once, in the year of its first designation."
        ),
        "benchmark_demonstration_scenarios_min",
    ),
)
METRICS_BY_CODE = {m.code: m for m in METRICS}


@dataclass(frozen=True)
class Stage:
    code: str
    status: str
    label: Promise
    definition: Promise


# The funnel of the work plan. "Released" is the published metric; the other stages read the history rows.
FUNNEL: tuple[Stage, ...] = (
    Stage("released", Status.PUBLISHED, _("Released"), METRICS_BY_CODE[PUBLISHED].definition),
    Stage(
        "applied",
        Status.MATCHING,
        _("Applied"),
        _("Scenarios whose first move to “matching” (the first application received) falls in the year."),
    ),
    Stage(
        "agreed",
        Status.AGREED,
        _("Agreed"),
        _("Scenarios whose first move to “agreed” (cooperation agreement signed) falls in the year."),
    ),
    Stage(
        "implementing",
        Status.IMPLEMENTING,
        _("Implementing"),
        _("Scenarios whose first move to “implementing” (cooperation started) falls in the year."),
    ),
    Stage(
        "piloted",
        Status.PILOTED,
        _("Piloted"),
        _("Scenarios whose first move to “piloted” (pilot accepted) falls in the year."),
    ),
    Stage("benchmark", Status.BENCHMARK, _("Benchmark cases"), METRICS_BY_CODE[BENCHMARKS].definition),
)
FUNNEL_BY_CODE = {s.code: s for s in FUNNEL}
# Stages counted from ScenarioTransition rows (all but "released").
HISTORY_STAGES = tuple(s for s in FUNNEL if s.code != "released")

BREAKDOWN_DEFINITION = _(
    "Breakdowns split the same counts by the scenario's region, sector, field and kind as recorded now, and "
    "by the month (Beijing time) of the date that decides the year. Conferences are split by host city."
)
FORECAST_DEFINITION = _(
    "Forecast for the current year: the count so far divided by the days elapsed (today included), times the "
    "days of the year, rounded down — a straight line at the pace so far; for conferences, the count plus the "
    "conferences already planned for the rest of the year when that is more. Past years show their final count."
)


# ------------------------------------------------------------------------------------------- time


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January 00:00, next 1 January 00:00) in the project's time zone, as aware datetimes."""
    tz = timezone.get_default_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def period_bounds(year: int, month: int | None = None) -> tuple[dt.datetime, dt.datetime]:
    return month_bounds(year, month) if month else year_bounds(year)


# ------------------------------------------------------------------------------------------- querysets


def published_qs(year: int, month: int | None = None) -> QuerySet:
    """Scenarios first released in the year (or in one month of it)."""
    qs = Scenario.objects.filter(published_year=year)
    if month:
        start, end = month_bounds(year, month)
        qs = qs.filter(published_at__gte=start, published_at__lt=end)
    return qs


def first_reached_rows(status: str, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """History rows moving a scenario to `status` before `end`: grouped by scenario with
    `Min("created_at")` and kept when that first move is on or after `start`, they give "first reached
    in [start, end)". (A NOT EXISTS on earlier rows says the same but SQLite plans it row by row.)"""
    return ScenarioTransition.objects.filter(to_status=status, created_at__lt=end)


def first_reached_scenarios(status: str, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """Scenario ids whose first move to `status` falls in [start, end), one row each."""
    return (
        first_reached_rows(status, start, end)
        .values("scenario_id")
        .annotate(first=Min("created_at"))
        .filter(first__gte=start)
        .values("scenario_id")
        .order_by()
    )


def first_reached_qs(status: str, year: int, month: int | None = None) -> QuerySet:
    """Scenarios whose first move to `status` falls in the year (or month)."""
    start, end = period_bounds(year, month)
    return Scenario.objects.filter(pk__in=first_reached_scenarios(status, start, end))


def metric_scenarios(code: str, year: int, month: int | None = None) -> QuerySet:
    """The scenarios behind a scenario metric or funnel stage: what the drill-down lists show."""
    if code in (PUBLISHED, "released"):
        return published_qs(year, month)
    if code == PUBLISHED_GOVERNMENT:
        return published_qs(year, month).filter(kind=ScenarioKind.GOVERNMENT)
    if code == BENCHMARKS:
        return first_reached_qs(Status.BENCHMARK, year, month)
    if code in FUNNEL_BY_CODE:
        return first_reached_qs(FUNNEL_BY_CODE[code].status, year, month)
    raise ValueError(f"unknown metric {code!r}")


def release_event_model():
    """events.ReleaseEvent, or None while the events app has no such model."""
    try:
        return apps.get_model("events", "ReleaseEvent")
    except LookupError:
        return None


def _guarded(query, default):
    """Run `query()`, answering `default` if the events table is missing (its migration not applied yet).

    Inside a transaction the query runs in a savepoint, so that on PostgreSQL the error does not abort
    the surrounding transaction; outside one it runs as is (a top-level atomic block would take SQLite's
    write lock for a read).
    """
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                return query()
        return query()
    except DatabaseError:
        return default


def conferences_of_year(year: int) -> list[tuple[dt.date, str | None, str]]:
    """(date, host region, status) of the conferences held or planned in the year, in one query; empty
    while events are not installed. Held ones count; planned ones feed the forecast."""
    model = release_event_model()
    if model is None:
        return []
    return _guarded(
        lambda: list(
            model.objects.filter(
                channel="conference",
                status__in=("held", "planned"),
                date__gte=dt.date(year, 1, 1),
                date__lte=dt.date(year, 12, 31),
            ).values_list("date", "host_region_id", "status")
        ),
        [],
    )


def events_version():
    """The last change to release events (for the dashboard's cache fingerprint); None without events."""
    model = release_event_model()
    if model is None:
        return None
    return _guarded(lambda: model.objects.aggregate(v=Max("updated_at"), n=Max("id")), None)


# ------------------------------------------------------------------------------------------- forecast


@dataclass(frozen=True)
class Forecast:
    state: str  # "projected" (current year), "final" (past year) or "not_started" (future year)
    forecast: int
    on_track: bool
    shortfall: int  # how many the year-end figure misses the target by (0 when on track)
    reached_on: dt.date | None  # when the target is reached at the current pace (may be after year end)


def forecast(
    *, actual: int, target: int, year: int, today: dt.date, planned: Sequence[dt.date] = ()
) -> Forecast:
    """A straight line through the pace so far, or the count plus what is already `planned` for the rest of
    the year (dates, e.g. the conferences scheduled), whichever is more (see FORECAST_DEFINITION)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if today > last:
        return Forecast("final", actual, actual >= target, max(0, target - actual), None)
    if today < first:
        return Forecast("not_started", actual, actual >= target, max(0, target - actual), None)
    planned = sorted(d for d in planned if today <= d <= last)
    days = (last - first).days + 1
    elapsed = (today - first).days + 1
    projected = max(actual + len(planned), math.floor(actual * days / elapsed))
    reached_on = None
    if actual < target <= actual + len(planned):
        reached_on = planned[target - actual - 1]  # the planned event that reaches the target
    elif 0 < actual < target:
        # The pace is actual/elapsed per day; the target needs target/pace days from 1 January.
        reached_on = first + dt.timedelta(days=math.ceil(target * elapsed / actual) - 1)
    return Forecast("projected", projected, projected >= target, max(0, target - projected), reached_on)
