"""Demo data, events part of the matching stage: the quarterly provincial release conferences.

Called by `scenariohub.matching.demo.seed`. The conferences are scheduled through the host rotation
(`rotation_conference_schedule(today=)`), completed with venue and agenda (`event_update`) and held
(`event_hold(today=)`), each at its historic time; rows the services stamp with the real clock are
backdated through the stage's clock afterwards.

Why the held conferences release no scenario themselves: the scenario stage has already published every
demo scenario one by one through the office's own release (`scenario_transition`, the "online release"
the model also knows), and `event_assign` honestly takes approved scenarios only. Recording them as
released at a conference would mean writing `EventScenario.released_at` by hand, i.e. a release the
services never made. So each held conference's agenda states how many scenarios were released in its
quarter, and the one conference still to come (2026 Q4, in December) has the approved scenarios assigned:
holding it is what publishes them, as the office will do in the demo.
"""

import datetime as dt

from scenariohub.events import services
from scenariohub.events.models import AvailabilityKind, EventRegistration, EventScenario, ReleaseEvent
from scenariohub.scenarios.demo import TZ, DemoContext
from scenariohub.scenarios.models import Scenario, Status

# (year, quarter, conference day, days between scheduling and the day): 2025 Q1 … 2026 Q4.
CONFERENCES = (
    (2025, 1, dt.date(2025, 3, 27), 40),
    (2025, 2, dt.date(2025, 6, 19), 45),
    (2025, 3, dt.date(2025, 9, 25), 45),
    (2025, 4, dt.date(2025, 12, 18), 45),
    (2026, 1, dt.date(2026, 3, 26), 45),
    (2026, 2, dt.date(2026, 6, 18), 45),
    (2026, 3, dt.date(2026, 9, 24), 45),
    (2026, 4, dt.date(2026, 12, 17), 40),
)
# Cities that told the office they do not wish to host (a plateau prefecture far from the usual venues).
UNWILLING = {"513200": "州内会展场馆正在改造，暂不具备承办全省发布会条件。"}
VENUES = {
    "510100": "成都世纪城国际会议中心",
    "510300": "自贡市会展中心",
    "510400": "攀枝花市会议中心",
    "510500": "泸州市国际会议中心",
    "510600": "德阳市文化艺术中心",
    "510700": "绵阳科技城会展中心",
    "510800": "广元市会议中心",
    "510900": "遂宁市会展中心",
    "511000": "内江市会议中心",
    "511100": "乐山大佛国际会展中心",
    "511300": "南充市会展中心",
    "511400": "眉山市会议中心",
    "511500": "宜宾市临港会展中心",
    "511600": "广安市会议中心",
    "511700": "达州市会展中心",
    "511800": "雅安市会议中心",
    "511900": "巴中市会议中心",
    "512000": "资阳市会展中心",
    "513300": "康定市会议中心",
    "513400": "西昌市邛海会议中心",
}
AGENDA_HELD = (
    "一、主办方致辞；二、{city}人民政府介绍本地人工智能产业与场景开放情况；三、集中推介本季度通过平台发布的"
    "{n}个人工智能应用场景；四、重点场景需求方现场路演；五、供需对接洽谈与签约意向交流。"
)
AGENDA_PLANNED = (
    "一、主办方致辞；二、{city}人民政府介绍本地人工智能产业发展情况；三、现场发布本季度经审核通过的"
    "{n}个人工智能应用场景；四、场景需求方路演与答疑；五、供需分组对接洽谈。"
)


def _quarter_bounds(year: int, quarter: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 3 * quarter - 2, 1, tzinfo=TZ)
    end = dt.datetime(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1, tzinfo=TZ)
    return start, end


def seed(ctx: DemoContext, clock) -> list[ReleaseEvent]:
    """The conferences of 2025 Q1 … 2026 Q4; the last one is still planned (see the module docstring)."""
    rng = ctx.rng("events")
    office = ctx.office
    first_day = CONFERENCES[0][2] - dt.timedelta(days=CONFERENCES[0][3] + 5)
    for region, note in UNWILLING.items():
        city = ctx.cities.get(region)
        if city is not None:
            with clock.at(dt.datetime.combine(first_day, dt.time(10, 30), tzinfo=TZ)):
                row = services.host_availability_set(
                    actor=city, region=region, kind=AvailabilityKind.UNWILLING, note=note
                )
            clock.stamp(row, created_at=clock.now)
    events = []
    for year, quarter, day, lead in CONFERENCES:
        scheduled = dt.datetime.combine(day - dt.timedelta(days=lead), dt.time(10, rng.randrange(0, 60)), tzinfo=TZ)
        with clock.at(scheduled):
            event = services.rotation_conference_schedule(
                actor=office, year=year, quarter=quarter, date=day, today=scheduled.date()
            )
        city = (event.host_region.name_zh if event.host_region_id else "").removesuffix("市")
        start, end = _quarter_bounds(year, quarter)
        held = day < ctx.now.date()
        if held:
            released = Scenario.objects.filter(
                pk__in=list(ctx.history), published_at__gte=start, published_at__lt=end
            ).count()
            agenda = AGENDA_HELD.format(city=city, n=released)
        else:
            approved = list(
                Scenario.objects.filter(pk__in=list(ctx.history), status=Status.APPROVED).order_by("pk")
                .values_list("pk", flat=True)
            )
            agenda = AGENDA_PLANNED.format(city=city, n=len(approved))
        with clock.at(scheduled + dt.timedelta(days=rng.randint(2, 10))):
            event = services.event_update(actor=office, event_id=event.pk, data={
                "venue": VENUES.get(event.host_region_id, f"{city}会议中心"),
                "starts_at": dt.time(9, 30), "ends_at": dt.time(17, 0), "agenda": agenda, "capacity": 400,
            })
        clock.stamp(event, created_at=scheduled, updated_at=clock.now)
        if held:
            moment = dt.datetime.combine(day, dt.time(17, 30), tzinfo=TZ)
            with clock.at(moment):
                services.event_hold(actor=office, event_id=event.pk, today=day)
            clock.stamp(event, held_at=moment, updated_at=moment)
        else:
            assigned = scheduled + dt.timedelta(days=12)
            with clock.at(assigned):
                services.event_assign(actor=office, event_id=event.pk, scenario_ids=approved)
            clock.stamp_all(EventScenario.objects.filter(event=event), assigned_at=assigned)
            _register(ctx, clock, rng, event, after=assigned)
        events.append(event)
    ctx.counts["conferences"] += len(events)
    return events


def _register(ctx: DemoContext, clock, rng, event: ReleaseEvent, *, after: dt.datetime) -> None:
    """A few companies register for the coming conference, before the end of the demo's history."""
    from scenariohub.accounts.models import Role

    suppliers = sorted((a for a in ctx.actors.values() if a.role == Role.SUPPLIER), key=lambda a: a.user.username)
    chosen = [suppliers[0], *rng.sample(suppliers[1:], min(len(suppliers) - 1, 7))]
    span = max((ctx.now - after).total_seconds() - 3600, 3600)
    for i, actor in enumerate(chosen):
        when = (after + dt.timedelta(seconds=span * (i + 1) / (len(chosen) + 1))).replace(microsecond=0)
        with clock.at(when):
            services.event_registration_create(actor=actor, event_id=event.pk, now=when)
        ctx.counts["conference registrations"] += 1


def reset(*, users) -> int:
    """Delete the events the demo's office made (with their assignments and registrations, which hold
    scenarios and users) and the cities' availabilities."""
    from scenariohub.events.models import HostAvailability

    events = ReleaseEvent.objects.filter(created_by__in=users)
    EventRegistration.objects.filter(event__in=events).delete()
    EventScenario.objects.filter(event__in=events).delete()
    HostAvailability.objects.filter(created_by__in=users).delete()
    return events.delete()[0]
