"""Each figure against an independent count over hand-built edge cases."""

import datetime as dt

import pytest

from scenariohub.conftest import as_actor
from scenariohub.dashboard import metrics as m
from scenariohub.dashboard.selectors import targets_overview
from scenariohub.dashboard.tests.helpers import bj, designated, history, released
from scenariohub.scenarios import services
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


def figures(year, **kw):
    overview = targets_overview(year=year, today=dt.date(year, 12, 31), **kw)
    return {t.code: t.actual for t in overview.targets}, overview


def publish_through_lifecycle(provider, city, office, *, at, **fields):
    s = ScenarioFactory(owner=provider.organisation, **fields)
    services.scenario_submit(actor=as_actor(provider), scenario_id=s.pk)
    services.scenario_approve(actor=as_actor(city), scenario_id=s.pk)
    services.scenario_transition(actor=as_actor(office), scenario_id=s.pk, target=Status.PUBLISHED, now=at)
    return Scenario.objects.get(pk=s.pk)


def test_year_boundaries_are_beijing_time(provider, chengdu_city, office):
    # 00:30 on 1 January in Beijing is still 31 December in UTC: it counts in the new year.
    publish_through_lifecycle(provider, chengdu_city, office, at=bj(2025, 1, 1, 0, 30))
    # 23:59:59 on 31 December in Beijing is already 15:59:59 UTC: the old year.
    publish_through_lifecycle(provider, chengdu_city, office, at=bj(2025, 12, 31, 23, 59, 59))
    # 1 January 00:00:00 exactly belongs to the new year.
    publish_through_lifecycle(provider, chengdu_city, office, at=bj(2026, 1, 1, 0, 0, 0))
    publish_through_lifecycle(provider, chengdu_city, office, at=bj(2024, 12, 31, 23, 59, 59))

    assert figures(2024)[0]["published"] == 1
    f2025, o2025 = figures(2025)
    assert f2025["published"] == 2
    assert figures(2026)[0]["published"] == 1
    months = {r.code: r.published for r in o2025.breakdown["month"]}
    assert months["2025-01"] == 1 and months["2025-12"] == 1 and sum(months.values()) == 2


def test_withdrawn_after_release_still_counts(provider, chengdu_city, office):
    s = publish_through_lifecycle(provider, chengdu_city, office, at=bj(2025, 3, 1), kind="government")
    services.scenario_withdraw(actor=as_actor(provider), scenario_id=s.pk)
    closed = publish_through_lifecycle(provider, chengdu_city, office, at=bj(2025, 4, 1))
    services.scenario_close(actor=as_actor(office), scenario_id=closed.pk, reason="无人揭榜")
    ScenarioFactory(owner=provider.organisation, status=Status.APPROVED)  # never released: never counts

    f, _ = figures(2025)
    assert (f["published"], f["published_government"]) == (2, 1)


def test_government_scenario_released_twice_counts_once(provider, chengdu_city, office):
    s = publish_through_lifecycle(provider, chengdu_city, office, at=bj(2025, 11, 1), kind="government")
    # Back to approved (as a later correction path would do) and released again the next year.
    Scenario.objects.filter(pk=s.pk).update(status=Status.APPROVED)
    services.scenario_transition(
        actor=as_actor(office), scenario_id=s.pk, target=Status.PUBLISHED, now=bj(2026, 2, 1)
    )

    assert Scenario.objects.get(pk=s.pk).published_year == 2025
    assert s.transitions.filter(to_status=Status.PUBLISHED).count() == 2
    f25, _ = figures(2025)
    f26, _ = figures(2026)
    assert (f25["published"], f25["published_government"]) == (1, 1)
    assert (f26["published"], f26["published_government"]) == (0, 0)


def test_benchmarks_count_first_designation_in_beijing_year():
    a = released(bj(2024, 6, 1))
    designated(a, bj(2025, 12, 31, 23, 30))  # 15:30 UTC: still 2025 in Beijing
    b = released(bj(2025, 2, 1), region_id="510700", kind="government")
    designated(b, bj(2025, 5, 1))
    # b loses and regains the designation the next year: still one benchmark, in 2025.
    history(b, Status.BENCHMARK, Status.PILOTED, bj(2025, 9, 1))
    history(b, Status.PILOTED, Status.BENCHMARK, bj(2026, 3, 1))
    c = released(bj(2025, 2, 1))
    designated(c, bj(2026, 1, 1, 0, 10))  # 2025-12-31 16:10 UTC, but 2026 in Beijing

    f25, o25 = figures(2025)
    f26, _ = figures(2026)
    assert f25["benchmarks"] == 2
    assert f26["benchmarks"] == 1
    regions = {r.code: r.benchmarks for r in o25.breakdown["region"]}
    assert regions["510700"] == 1 and regions["510100"] == 1
    months = {r.code: r.benchmarks for r in o25.breakdown["month"]}
    assert months["2025-12"] == 1 and months["2025-05"] == 1
    funnel = {s.stage.code: s.count for s in o25.funnel}
    assert funnel["benchmark"] == 2
    # The pilots: a (2025-12-31), b (2025-05-01) and c (2025-12-31 in Beijing too); b's 2026 regain is not new.
    assert funnel["piloted"] == 3
    assert list(m.metric_scenarios(m.BENCHMARKS, 2025).order_by("pk")) == [a, b]


def test_funnel_stages_read_history_rows():
    s = released(bj(2025, 3, 1))
    history(s, Status.PUBLISHED, Status.MATCHING, bj(2025, 3, 10))
    history(s, Status.MATCHING, Status.AGREED, bj(2026, 1, 5))
    t = released(bj(2025, 4, 1))
    history(t, Status.PUBLISHED, Status.MATCHING, bj(2025, 4, 10))
    history(t, Status.PUBLISHED, Status.MATCHING, bj(2025, 5, 10))  # a second row for the same stage

    funnel = {s.stage.code: s.count for s in figures(2025)[1].funnel}
    assert funnel == {
        "released": 2,
        "applied": 2,
        "agreed": 0,
        "implementing": 0,
        "piloted": 0,
        "benchmark": 0,
    }
    assert {s.stage.code: s.count for s in figures(2026)[1].funnel}["agreed"] == 1


def test_conferences_zero_while_events_are_missing(monkeypatch):
    monkeypatch.setattr(m, "release_event_model", lambda: None)
    f, overview = figures(2025)
    assert f["conferences"] == 0
    assert overview.conferences_available is False


def _events_table_exists() -> bool:
    from django.db import connection

    model = m.release_event_model()
    return model is not None and model._meta.db_table in connection.introspection.table_names()


def test_conferences_count_held_ones_in_the_year():
    if not _events_table_exists():
        pytest.skip("events.ReleaseEvent has no table yet (its migration is not written)")
    model = m.release_event_model()

    def make(**kw):
        return model.objects.create(**{"title": "发布会", "host_region_id": "510100", **kw})

    make(channel="conference", status="held", date=dt.date(2025, 1, 1))
    make(channel="conference", status="held", date=dt.date(2025, 12, 31))
    make(channel="conference", status="held", date=dt.date(2026, 1, 1))
    make(channel="conference", status="planned", date=dt.date(2025, 6, 1))
    make(channel="conference", status="cancelled", date=dt.date(2025, 7, 1))
    make(channel="online", status="held", date=dt.date(2025, 8, 1), host_region_id=None)
    f, overview = figures(2025)
    assert f["conferences"] == 2
    assert overview.region_row("510100").conferences == 2


@pytest.mark.parametrize(
    ("actual", "today", "expected"),
    [
        # 150 target; 1 July 2025 is day 182 of 365.
        (75, dt.date(2025, 7, 1), ("projected", 150, True, 0, dt.date(2025, 12, 30))),
        (50, dt.date(2025, 7, 1), ("projected", 100, False, 50, dt.date(2026, 6, 30))),
        (0, dt.date(2025, 7, 1), ("projected", 0, False, 150, None)),
        (160, dt.date(2025, 7, 1), ("projected", 320, True, 0, None)),
        (120, dt.date(2026, 1, 2), ("final", 120, False, 30, None)),
        (0, dt.date(2024, 5, 1), ("not_started", 0, False, 150, None)),
    ],
)
def test_forecast_is_a_straight_line(actual, today, expected):
    f = m.forecast(actual=actual, target=150, year=2025, today=today)
    assert (f.state, f.forecast, f.on_track, f.shortfall, f.reached_on) == expected


def test_every_metric_has_a_definition_and_the_plan_target():
    assert [(x.code, x.target) for x in m.METRICS] == [
        ("conferences", 4),
        ("published", 150),
        ("published_government", 20),
        ("benchmarks", 10),
    ]
    assert all(str(x.definition) for x in m.METRICS) and all(str(s.definition) for s in m.FUNNEL)


def test_forecast_counts_the_conferences_already_planned():
    # Three held by 1 July and a fourth planned in December: on track, reached on the planned day.
    f = m.forecast(
        actual=3, target=4, year=2025, today=dt.date(2025, 11, 20), planned=[dt.date(2025, 12, 17)]
    )
    assert (f.state, f.forecast, f.on_track, f.shortfall, f.reached_on) == (
        "projected",
        4,
        True,
        0,
        dt.date(2025, 12, 17),
    )
    # A planned date already past (not held), or in another year, does not count; the pace still does.
    f = m.forecast(actual=3, target=4, year=2025, today=dt.date(2025, 11, 20), planned=[dt.date(2025, 11, 1)])
    assert (f.forecast, f.on_track) == (3, False)
    f = m.forecast(actual=1, target=4, year=2025, today=dt.date(2025, 3, 1), planned=[dt.date(2026, 1, 5)])
    assert f.forecast == 6  # 1 in 60 days, a straight line: more than 1 + 0 planned
