"""Demo data, benchmark cases (called by `scenariohub.tracking.demo.seed`): the office's yearly quotas for
2025 and 2026, nominations of piloted cooperations by the city of their region, and the office's
decisions (most designated, one declined, one left in the office's queue)."""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from scenariohub.cases import services
from scenariohub.cases.models import BenchmarkCase
from scenariohub.scenarios.demo import TZ, _at

try:  # the provincial quota (the office nominates provincial scenarios' cooperations) is landing in parallel
    from scenariohub.cases.selectors import PROVINCIAL, is_provincial_cooperation
except ImportError:  # before it: the city of the region nominates every cooperation
    PROVINCIAL = None

    def is_provincial_cooperation(cooperation) -> bool:
        return False


YEARS = (2025, 2026)
# When the office set each year's quotas (early in the year, before any nomination).
QUOTAS_SET = {2025: dt.date(2025, 2, 18), 2026: dt.date(2026, 1, 20)}
QUOTA = {"510100": 4, "510700": 3, "510600": 3}  # Chengdu, Mianyang, Deyang; other cities 2
DEFAULT_QUOTA = 2
PROVINCIAL_QUOTA = 3
DESIGNATED_MAX_2026 = 7  # several, not the whole target of the year

DESIGNATION_REASONS = (
    "经专家评审，该案例应用成效显著、模式可复制可推广，认定为{year}年度省级人工智能应用标杆案例。",
    "案例技术路线成熟、量化成效突出，具备在全省同类场景推广的条件，同意认定。",
)
DECLINE_REASONS = (
    "试点运行时间较短，成效数据尚不充分，建议持续运行一个周期后再次推荐。",
    "案例推广价值论证不足，与已认定案例同质化程度较高，本年度暂不认定。",
)
BACKGROUNDS = (
    "{owner}在日常业务中长期依赖人工处理，效率低、标准不一。围绕“{title}”，{owner}通过省平台发布应用场景，"
    "面向全省人工智能企业征集解决方案。{purpose}",
)
SOLUTIONS = (
    "经公开征集和综合评审，{supplier}的方案入围并签订合作协议。方案以{tech}为核心，完成数据治理、模型训练、"
    "系统集成和现场部署，并建立效果评估与持续迭代机制。",
)


@dataclass
class DemoCase:
    case: BenchmarkCase
    story: object  # tracking.demo.Story
    nominated: dt.datetime
    decided: dt.datetime | None
    designated: bool


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _writeup(story, rng: random.Random) -> dict:
    scenario = story.scenario
    cooperation = story.cooperation
    owner = scenario.owner.short_name or scenario.owner.name
    results = "；".join(
        f"{name}由{_number(before)}{unit}变为{_number(after)}{unit}" for name, before, after, unit in story.metrics
    )
    return {
        "title": scenario.title[:100],
        "background": BACKGROUNDS[0].format(owner=owner, title=scenario.title, purpose=scenario.purpose)[:4000],
        "solution": SOLUTIONS[0].format(
            supplier=cooperation.supplier.name, tech=rng.choice(("行业大模型", "计算机视觉", "智能调度算法"))
        ),
        "results": f"试点验收数据显示：{results}。项目已在{owner}全面推广应用，并吸引省内同类单位前来考察交流。",
        "video_url": "",
        "figures": [
            {"label": name[:40], "value": f"{_number(before)}→{_number(after)}{unit}"[:40]}
            for name, before, after, unit in story.metrics
        ],
    }


def _nomination_time(story, rng: random.Random) -> dt.datetime:
    """A few weeks after the pilot; a nomination late in December waits for the next year's round."""
    day = story.piloted.astimezone(TZ).date() + dt.timedelta(days=rng.randint(10, 35))
    if day.month == 12 and day.day > 12:
        day = dt.date(day.year + 1, 1, rng.randint(12, 25))
    return max(_at(day, rng), story.piloted + dt.timedelta(hours=2))


def _quota_key(story) -> str:
    return PROVINCIAL if is_provincial_cooperation(story.cooperation) else story.scenario.region_id


def seed(ctx, clock, stories) -> list[DemoCase]:
    rng = ctx.rng("cases")
    piloted = sorted((s for s in stories if s.fate == "piloted"), key=lambda s: s.piloted)
    plans = []
    for story in piloted:
        nominated = _nomination_time(story, rng)
        if nominated < ctx.now - dt.timedelta(days=1):
            plans.append((story, nominated))
    # Every city gets a quota each year; a city that nominates more than the default gets what it needs.
    need = Counter((n.astimezone(TZ).year, _quota_key(s)) for s, n in plans)
    for year in YEARS:
        when = _at(QUOTAS_SET[year], rng)
        for region in sorted(ctx.cities) + ([PROVINCIAL] if PROVINCIAL else []):
            default = PROVINCIAL_QUOTA if region == PROVINCIAL else QUOTA.get(region, DEFAULT_QUOTA)
            number = max(default, need[(year, region)])
            with clock.at(when):
                quota = services.quota_set(actor=ctx.office, year=year, region=region, number=number)
            clock.stamp(quota, updated_at=when)
            ctx.counts["benchmark quotas"] += 1

    out: list[DemoCase] = []
    in_2026 = [p for p in plans if p[1].astimezone(TZ).year == 2026]
    declined = in_2026[0][0] if len(in_2026) > 2 else None
    pending = in_2026[-1][0] if len(in_2026) > 1 else None
    designated_2026 = 0
    for story, nominated in plans:
        nominator = ctx.office if is_provincial_cooperation(story.cooperation) else ctx.cities[story.scenario.region_id]
        year = nominated.astimezone(TZ).year
        if year == 2026 and story is not declined and story is not pending:
            if designated_2026 >= DESIGNATED_MAX_2026:
                continue  # piloted, not (yet) nominated
            designated_2026 += 1
        with clock.at(nominated):
            case = services.case_nominate(
                actor=nominator, cooperation_id=story.cooperation.pk, data=_writeup(story, rng), now=nominated
            )
        ctx.counts["benchmark nominations"] += 1
        decided = None
        if story is not pending:
            # Decided within the nomination's year (the quota and the dashboard count by year).
            end = dt.datetime(year, 12, 30, 17, tzinfo=TZ)
            decided = min(nominated + dt.timedelta(days=rng.randint(7, 25), hours=rng.randint(0, 5)), end)
            decided = min(decided, ctx.now - dt.timedelta(hours=2))
            with clock.at(decided):
                if story is declined:
                    services.case_decline(
                        actor=ctx.office, case_id=case.pk, reason=rng.choice(DECLINE_REASONS), now=decided
                    )
                else:
                    services.case_designate(
                        actor=ctx.office,
                        case_id=case.pk,
                        reason=rng.choice(DESIGNATION_REASONS).format(year=year),
                        now=decided,
                    )
                    ctx.counts["benchmark cases"] += 1
                    story.last = decided
            clock.stamp(story.cooperation, updated_at=decided)
        clock.stamp(case, updated_at=decided or nominated)
        out.append(DemoCase(case, story, nominated, decided, decided is not None and story is not declined))
    return out
