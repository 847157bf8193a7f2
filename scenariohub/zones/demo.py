"""Demo data, demonstration zones (called by `scenariohub.tracking.demo.seed` once everything else is
backdated, since the scores read the platform's rows by their dates): the office's weights and inputs for
2025 and 2026; 2025 decided (its scores frozen) with three provincial zones and one national
recommendation; 2026 still open."""

import datetime as dt

from scenariohub.scenarios.demo import TZ
from scenariohub.zones import services
from scenariohub.zones.criteria import InputKind
from scenariohub.zones.models import ZoneInput

WEIGHTS = {
    2025: {"policy": 20, "procurement": 20, "concentration": 20, "publicity": 15, "benchmark": 25},
    2026: {"policy": 15, "procurement": 25, "concentration": 20, "publicity": 10, "benchmark": 30},
}
WEIGHTS_SET = {2025: dt.datetime(2025, 3, 12, 10, 0, tzinfo=TZ), 2026: dt.datetime(2026, 3, 10, 10, 30, tzinfo=TZ)}
INPUTS_SET = {2025: dt.datetime(2025, 12, 22, 15, 0, tzinfo=TZ), 2026: dt.datetime(2026, 10, 20, 15, 0, tzinfo=TZ)}
DECIDED_2025 = dt.datetime(2026, 1, 16, 16, 0, tzinfo=TZ)
SOURCES = {
    InputKind.POLICY_DOCUMENTS: "市（州）报送的政策文件清单",
    InputKind.PROCUREMENT_OUTSIDE: "市（州）财政部门统计的平台外采购金额",
    InputKind.MEDIA_ITEMS: "省委网信办舆情监测统计",
}
# Regions the office selects for 2025, with its reasons.
SELECTIONS_2025 = (
    ("510100", "provincial", "场景发布数量和标杆案例数量均居全省首位，政策配套完善，产业集聚度高。"),
    ("510700", "provincial", "科技城人工智能企业集聚，揭榜合作活跃，示范带动作用明显。"),
    ("510600", "provincial", "装备制造场景开放力度大，试点验收成效突出。"),
    ("510100", "national", "综合得分第一，推荐申报国家人工智能创新应用先导区。"),
)
NOTE_2025 = "经综合评分和链长办审议，确定2025年度省级人工智能应用示范区3个，推荐成都市申报国家级示范区。"


def _inputs(ctx, rng) -> list[dict]:
    rows = []
    for region in sorted(ctx.cities):
        big = region in ("510100", "510700", "510600")
        rows += [
            {"region": region, "kind": InputKind.POLICY_DOCUMENTS, "value": rng.randint(4, 12) if big else rng.randint(0, 5)},
            {"region": region, "kind": InputKind.PROCUREMENT_OUTSIDE,
             "value": rng.randint(800, 5000) if big else rng.randint(0, 900)},
            {"region": region, "kind": InputKind.MEDIA_ITEMS, "value": rng.randint(20, 90) if big else rng.randint(0, 30)},
        ]
    for row in rows:
        row["source"] = SOURCES[row["kind"]]
    return rows


def seed(ctx, clock) -> None:
    rng = ctx.rng("zones")
    for year in (2025, 2026):
        if WEIGHTS_SET[year] >= ctx.now:
            continue
        with clock.at(WEIGHTS_SET[year]):
            zone_year = services.zone_weights_set(
                actor=ctx.office, year=year, weights=WEIGHTS[year], now=WEIGHTS_SET[year]
            )
        clock.stamp(zone_year, created_at=WEIGHTS_SET[year])
        inputs_at = min(INPUTS_SET[year], ctx.now - dt.timedelta(days=1))
        with clock.at(inputs_at):
            ctx.counts["zone inputs"] += services.zone_inputs_set(actor=ctx.office, year=year, rows=_inputs(ctx, rng))
        for row in ZoneInput.objects.filter(zone_year=zone_year):
            clock.stamp(row, updated_at=inputs_at)
        ctx.counts["zone years"] += 1
    if DECIDED_2025 < ctx.now:
        for i, (region, level, reason) in enumerate(SELECTIONS_2025):
            when = DECIDED_2025 - dt.timedelta(days=2, minutes=10 * (len(SELECTIONS_2025) - i))
            with clock.at(when):
                selection = services.zone_select(actor=ctx.office, year=2025, region=region, level=level, reason=reason)
            clock.stamp(selection, selected_at=when)
            ctx.counts["zone selections"] += 1
        with clock.at(DECIDED_2025):
            services.zone_year_decide(actor=ctx.office, year=2025, note=NOTE_2025, now=DECIDED_2025)
