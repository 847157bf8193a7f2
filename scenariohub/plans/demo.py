"""Demo data, plans part of the matching stage: the 2025 and 2026 annual opening plans.

Called by `scenariohub.matching.demo.seed` after the conferences. `plan_compile` takes the scenarios
eligible *now* (the demo's history is already written), so each plan is compiled when all of its
scenarios exist: the 2025 plan in the first days of 2026 as the record of the year, the 2026 plan after
its last scenario was written, with a later revision (a few approved scenarios moved to 2027, confirmed
again). The 2026 plan is compiled first so that the scenarios still waiting for a release (approved) go
to 2026, not to 2025; the times put on the rows are the historic ones.
"""

import datetime as dt

from django.db.models import Q

from scenariohub.plans import services
from scenariohub.plans.models import AnnualPlan, PlanItem, PlanVersion
from scenariohub.scenarios.demo import DemoContext, _at
from scenariohub.scenarios.models import Scenario, Status

MOVE_REASONS = (
    "建设单位反馈配套资金需纳入下一年度预算，移入2027年度计划。",
    "场景数据条件尚在完善，经与需求方沟通移入2027年度计划。",
)
NOTES = {
    (2025, 1): "2025年度人工智能应用场景开放计划，经省推进办审定。",
    (2026, 1): "2026年度人工智能应用场景开放计划（第一版），经省推进办审定。",
    (2026, 2): "根据需求单位反馈调整部分场景年度安排后重新确认。",
}


def _last_created(year: int) -> dt.datetime:
    """When the last scenario `plan_compile` would take for `year` was written (its own eligibility rule:
    approved, or released that year)."""
    eligible = Scenario.objects.filter(Q(status=Status.APPROVED) | Q(published_year=year))
    return max(eligible.values_list("created_at", flat=True))


def seed(ctx: DemoContext, clock) -> list[PlanVersion]:
    rng = ctx.rng("plans")
    office = ctx.office
    versions = []
    # Compile 2026 first (now-state: approved scenarios belong to the coming releases), then 2025.
    compiled = {}
    for year in (2026, 2025):
        if year == 2025:
            when = _at(dt.date(2026, 1, 6), rng, 9, 11)
        else:
            when = _at((_last_created(year) + dt.timedelta(days=2)).date(), rng, 9, 11)
        when = min(when, ctx.now - dt.timedelta(days=3))
        with clock.at(when):
            compiled[year] = (services.plan_compile(actor=office, year=year), when)
    for year in (2025, 2026):
        result, when = compiled[year]
        clock.stamp_all(PlanItem.objects.filter(plan=result.plan), added_at=when, changed_at=when)
        clock.stamp(result.plan, created_at=when)
        confirmed = when + dt.timedelta(hours=rng.randint(3, 6))
        with clock.at(confirmed):
            version = services.plan_confirm(actor=office, year=year, note=NOTES[(year, 1)])
        clock.stamp(version, confirmed_at=confirmed)
        clock.stamp(result.plan, updated_at=confirmed)
        versions.append(version)
    # The 2026 revision: two approved scenarios wait for next year; confirmed again a day later.
    plan, last = compiled[2026][0].plan, clock.now
    approved = list(
        PlanItem.objects.filter(plan=plan, scenario__status=Status.APPROVED).order_by("scenario_id")
        .values_list("scenario_id", flat=True)
    )
    if len(approved) >= 4:
        moved_at = min(last + dt.timedelta(days=1), ctx.now - dt.timedelta(hours=6))
        for i, sid in enumerate(rng.sample(approved, 2)):
            with clock.at(moved_at + dt.timedelta(minutes=10 * i)):
                item = services.plan_item_move(actor=office, year=2026, scenario_id=sid, reason=MOVE_REASONS[i])
            clock.stamp(item, added_at=clock.now, changed_at=clock.now)
            clock.stamp_all(PlanItem.objects.filter(plan=plan, scenario_id=sid), changed_at=clock.now)
        confirmed = moved_at + dt.timedelta(hours=2)
        with clock.at(confirmed):
            version = services.plan_confirm(actor=office, year=2026, note=NOTES[(2026, 2)])
        clock.stamp(version, confirmed_at=confirmed)
        clock.stamp(plan, updated_at=confirmed)
        clock.stamp_all(AnnualPlan.objects.filter(year=2027), created_at=moved_at, updated_at=moved_at)
        versions.append(version)
    ctx.counts["plan versions"] += len(versions)
    return versions


def reset(*, users) -> int:
    """Delete the plans the demo's office made; their versions and items hold scenarios (PROTECT)."""
    from scenariohub.plans.models import PlanVersionItem

    plans = AnnualPlan.objects.filter(created_by__in=users)
    PlanVersionItem.objects.filter(version__plan__in=plans).delete()
    PlanVersion.objects.filter(plan__in=plans).delete()
    PlanItem.objects.filter(plan__in=plans).delete()
    return plans.delete()[0]
