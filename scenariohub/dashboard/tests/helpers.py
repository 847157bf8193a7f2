"""Building scenarios with a history at chosen moments (Beijing time) for the dashboard tests."""

import datetime as dt
from zoneinfo import ZoneInfo

from scenariohub.scenarios.models import ScenarioTransition, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def bj(year, month, day, hour=12, minute=0, second=0) -> dt.datetime:
    """An aware moment in Beijing time."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def released(at: dt.datetime, *, status: str = Status.PUBLISHED, **fields):
    """A scenario first released at `at`, with its history row, now in `status`."""
    scenario = ScenarioFactory(
        status=status, published_at=at, published_year=at.astimezone(SHANGHAI).year, **fields
    )
    history(scenario, Status.APPROVED, Status.PUBLISHED, at)
    return scenario


def history(scenario, from_status: str, to_status: str, at: dt.datetime) -> ScenarioTransition:
    return ScenarioTransition.objects.create(
        scenario=scenario, action="test", from_status=from_status, to_status=to_status, created_at=at
    )


def designated(scenario, at: dt.datetime) -> None:
    """Walk the later stages down to a benchmark designation at `at` (each an hour apart before it)."""
    steps = [
        Status.PUBLISHED,
        Status.MATCHING,
        Status.AGREED,
        Status.IMPLEMENTING,
        Status.PILOTED,
        Status.BENCHMARK,
    ]
    for i, (a, b) in enumerate(zip(steps, steps[1:], strict=False)):
        history(scenario, a, b, at - dt.timedelta(hours=len(steps) - 2 - i))
    scenario.status = Status.BENCHMARK
    scenario.save(update_fields=["status"])
