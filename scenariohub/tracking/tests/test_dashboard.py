"""The dashboard's funnel reads the lifecycle history: cooperation steps move the agreed, implementing,
piloted and benchmark figures of the year they happen in (Beijing time)."""

import datetime as dt

import pytest
from django.utils import timezone

from scenariohub.conftest import as_actor
from scenariohub.dashboard.selectors import targets_overview
from scenariohub.tracking import services
from scenariohub.tracking.tests.conftest import AGREEMENT, metrics

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def funnel(year: int) -> dict[str, int]:
    overview = targets_overview(year=year, today=dt.date(year, 12, 31), fresh=True)
    return {figure.stage.code: figure.count for figure in overview.funnel}


def test_cooperation_steps_move_the_funnel(provider, office, shortlisted):
    before = funnel(2026)
    assert [before[k] for k in ("agreed", "implementing", "piloted", "benchmark")] == [0, 0, 0, 0]
    signed = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
    cooperation = services.cooperation_create(
        actor=as_actor(provider), application_id=shortlisted.pk, data=AGREEMENT, now=signed
    )
    assert funnel(2026)["agreed"] == 1 and funnel(2026)["implementing"] == 0
    services.cooperation_start(
        actor=as_actor(provider),
        cooperation_id=cooperation.pk,
        started_on="2026-03-10",
        now=dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ),
    )
    services.pilot_accept(
        actor=as_actor(provider),
        cooperation_id=cooperation.pk,
        data={"accepted_on": "2026-09-30", "report": "验收通过。", "metrics": metrics()},
        now=dt.datetime(2026, 9, 30, 16, 0, tzinfo=TZ),
    )
    # Designated on 1 January at 00:30 Beijing time: 2027 already, though still 2026 in UTC.
    services.cooperation_designate_benchmark(
        actor=as_actor(office), cooperation_id=cooperation.pk, now=dt.datetime(2027, 1, 1, 0, 30, tzinfo=TZ)
    )
    after = funnel(2026)
    assert [after[k] for k in ("agreed", "implementing", "piloted", "benchmark")] == [1, 1, 1, 0]
    assert funnel(2027)["benchmark"] == 1
    overview = targets_overview(year=2027, today=dt.date(2027, 12, 31), fresh=True)
    assert {t.metric.code: t.actual for t in overview.targets}["benchmarks"] == 1
