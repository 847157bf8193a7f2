"""Demo data, delivery stage: what happened after publication on the scenarios nobody has applied to yet.

Registered in `scenarios.demo.STAGES` after matching. About 30 early-published scenarios are taken through
the real services: suppliers apply, the owner shortlists one and records the agreement, the cooperation
goes on (milestones, progress reports, city follow-ups), most start, about half pass the pilot, a few fail.
The other apps' stages follow on these cooperations (`cases`, `promotion`, `publicity`, `support`, `zones`).

Every call runs at its historic time (`now=`/`today=` where a service takes one, `recorded_at` for the
audit chain); rows a service stamps with the real clock are backdated by `Clock.apply` afterwards, so the
same seed gives the same province whatever the real date.

E-mail: the services notify in-app and queue each notification's e-mail copy with `on_commit`
(`matching.tasks.notification_send_emails`, which sends only notifications whose `emailed_at` is empty).
`Clock.apply` backdates this stage's notifications and sets `emailed_at` to the same historic time (the
copy "left" then), so when the seeding transaction commits the queued task finds nothing to send and
`make run` prints no mails, whatever EMAIL_BACKEND is.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.core.errors import DomainError
from scenariohub.matching.demo import Clock
from scenariohub.matching.models import Application, Solution
from scenariohub.matching.services.applications import application_create, application_step
from scenariohub.scenarios.demo import TZ, DemoContext, _at
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.tracking import services
from scenariohub.tracking.models import Cooperation, Milestone, RiskLevel

COOPERATIONS = 30
LATEST_PUBLICATION = dt.datetime(2026, 3, 31, 23, 59, tzinfo=TZ)

PROPOSALS = (
    "我公司基于自研{tech}，结合{short}现有业务系统和数据基础，提出“数据治理—模型训练—场景部署—运营优化”"
    "四步实施方案：首期完成数据接入与标注，二期在典型环节部署模型并与现有流程对接，三期建立效果评估与"
    "持续迭代机制。方案支持本地化部署，满足数据不出域要求。",
    "针对“{title}”的需求，我方拟采用{tech}为核心能力，配套边缘计算终端与可视化管理平台，"
    "在试点区域先行部署，验证准确率与稳定性后逐步推广。项目组具备同类场景落地经验，可提供驻场服务。",
    "本方案以{tech}为底座，提供从需求梳理、数据准备、模型适配到上线运维的全流程服务，"
    "承诺关键指标可量化、可验收，并开放接口便于后续与省市平台对接。",
)
TECHS = (
    "行业大模型",
    "计算机视觉缺陷检测算法",
    "多模态知识问答平台",
    "时序预测与优化调度模型",
    "智能感知与视频分析系统",
    "知识图谱与智能辅助决策平台",
)
TEAMS = (
    "项目经理1名（PMP认证），算法工程师4名，数据工程师2名，实施与运维工程师3名。",
    "核心团队12人，其中博士2名、高级工程师5名，均参与过省内同类项目交付。",
    "联合高校实验室组建专项团队，算法研发6人、现场实施4人、质量保障2人。",
)
SCHEDULES = (
    "第1个月需求调研与数据准备；第2—4个月模型训练与系统开发；第5—6个月试点运行与验收。",
    "签约后2周内进场，3个月内完成首期部署，6个月内完成试点评估。",
    "分三期实施：方案深化（1个月）、开发部署（3个月）、试运行与优化（2个月）。",
)
DECLINE_REASONS = (
    "方案与场景需求匹配度不足，经综合评审未入围。",
    "报价超出预算区间，且实施周期较长，未入围。",
    "同类场景落地案例不足，本轮未予入围。",
)
SHORTLIST_REASONS = (
    "技术方案完整、落地经验丰富，经评审入围。",
    "综合评分第一，进入合作洽谈。",
)
SCOPES = (
    "乙方负责“{title}”的方案设计、系统开发、部署实施与试点运行，甲方提供场地、数据与业务配合；"
    "双方共同制定验收指标，知识产权按合同约定归属。",
    "合作内容包括数据治理、模型训练与部署、与现有系统集成、人员培训及一年运维服务。",
)
MILESTONES = (
    "需求调研与实施方案确认",
    "数据采集与标注完成",
    "模型训练与系统联调",
    "试点区域上线运行",
    "试运行评估与优化",
)
REPORTS = (
    "已完成现场调研和数据接入，梳理业务流程{n}项，形成数据标准初稿。",
    "模型完成第一轮训练，测试集准确率达到预期，正在与现有业务系统进行接口联调。",
    "试点区域已部署上线，日均调用量稳定增长，收集一线人员意见{n}条并已逐项优化。",
    "系统进入试运行阶段，关键指标持续向好，正在准备验收材料。",
)
FOLLOWUPS = {
    RiskLevel.NONE: (
        "市经信局现场调研，项目按计划推进，建设单位配合良好。",
        "已了解项目进展，请继续按月报送进度。",
    ),
    RiskLevel.LOW: ("数据接入进度略慢于计划，请双方加强对接，确保下一节点按期完成。",),
    RiskLevel.MEDIUM: ("关键里程碑存在延期风险，请建设单位说明原因并报送整改计划。",),
    RiskLevel.HIGH: ("项目实施进度明显滞后，供需双方对验收指标存在分歧，需重点协调。",),
}
RESOLUTIONS = ("经协调，双方已确认调整后的实施计划，风险解除。", "整改计划已落实，进度恢复正常。")
TERMINATION_REASONS = (
    "供应商核心技术团队变动，无法按合同继续实施，经双方协商一致终止合作。",
    "试点数据条件发生重大变化，原方案无法达成验收指标，经协调终止合作。",
)
PILOT_REPORTS = (
    "试点运行{months}个月，系统运行稳定，各项指标达到合同约定的验收标准，专家组一致同意通过验收。",
    "经第三方测评与用户评价，试点成效明显，同意通过试点验收并建议在全市范围推广。",
)
# (name, before, after, unit): typical measured results of a pilot.
METRIC_SETS = (
    (("识别准确率", 86, 97.5, "%"), ("人工复核工作量", 120, 35, "小时/月"), ("平均处理时长", 45, 8, "分钟")),
    (
        ("故障停机次数", 14, 5, "次/月"),
        ("设备综合效率", 71, 84, "%"),
        ("单位能耗", 1.32, 1.15, "吨标煤/万元"),
    ),
    (("群众办件平均时长", 5.5, 1.5, "天"), ("一次办结率", 78, 95, "%"), ("人工咨询量", 3200, 1400, "件/月")),
    (("巡检覆盖率", 60, 98, "%"), ("隐患发现时间", 72, 6, "小时"), ("巡检人力投入", 40, 12, "人")),
    (("良品率", 92, 98.5, "%"), ("检测节拍", 12, 3, "秒/件"), ("漏检率", 3.2, 0.4, "%")),
)


@dataclass
class Story:
    """One cooperation of the demo and the times of its steps (for the later stages)."""

    cooperation: Cooperation
    scenario: Scenario
    signed: dt.datetime
    fate: str  # agreed | implementing | piloted | terminated
    started: dt.datetime | None = None
    piloted: dt.datetime | None = None
    last: dt.datetime | None = None
    metrics: tuple = ()
    extra: dict = field(default_factory=dict)


def _day(when: dt.datetime) -> dt.date:
    return when.astimezone(TZ).date()


def _later(rng: random.Random, after: dt.datetime, low: int, high: int, cap: dt.datetime) -> dt.datetime:
    """An office-hours time `low`–`high` days after `after`, never after `cap` (nor before `after`)."""
    when = _at(_day(after) + dt.timedelta(days=rng.randint(low, high)), rng)
    when = min(when, cap)
    return max(when, after + dt.timedelta(minutes=20))


def _fill(text: str, rng: random.Random, scenario: Scenario, **extra) -> str:
    return text.format(
        title=scenario.title,
        short=scenario.owner.short_name or scenario.owner.name,
        tech=extra.get("tech") or rng.choice(TECHS),
        n=rng.randint(6, 30),
        months=extra.get("months", rng.randint(3, 6)),
    )


# ------------------------------------------------------------------------------------------ cooperations


def _candidates(ctx: DemoContext) -> list[tuple[Scenario, dt.datetime]]:
    """Published scenarios of the demo with no application, published early enough for the story, whose
    deadline leaves at least a week to apply."""
    out = []
    scenarios = (
        Scenario.objects.filter(pk__in=list(ctx.history), status=Status.PUBLISHED, applications__isnull=True)
        .select_related("owner")
        .order_by("pk")
    )
    for scenario in scenarios:
        published = next(s.when for s in reversed(ctx.history[scenario.pk]) if s.target == Status.PUBLISHED)
        if published > LATEST_PUBLICATION:
            continue
        if scenario.deadline and scenario.deadline < _day(published) + dt.timedelta(days=8):
            continue
        out.append((scenario, published))
    return out


def _fates(n: int, rng: random.Random) -> list[str]:
    """For `n` cooperations sorted by publication: about half piloted (the earliest), two thirds started,
    one or two terminated."""
    piloted = n // 2
    terminated = 2 if n >= 12 else 1 if n >= 4 else 0
    implementing = max(0, round(n * 2 / 3) - piloted - 1)
    early = (
        ["piloted"] * piloted + ["implementing"] * (implementing // 2) + ["terminated"] * (terminated // 2)
    )
    late = ["implementing"] * (implementing - implementing // 2) + ["terminated"] * (
        terminated - terminated // 2
    )
    late += ["agreed"] * max(0, n - len(early) - len(late))
    rng.shuffle(early)
    rng.shuffle(late)
    return (early + late)[:n]


def _suppliers(ctx: DemoContext) -> list[Actor]:
    return sorted(
        (a for a in ctx.actors.values() if a.role == Role.SUPPLIER), key=lambda a: a.organisation.name
    )


def _apply(
    ctx, clock, rng, scenario, published, suppliers
) -> tuple[Application, list[Application], dt.datetime]:
    """Two or three suppliers apply before the deadline; the owner shortlists one and declines the others."""
    end = published + dt.timedelta(days=30)
    if scenario.deadline:
        end = min(end, dt.datetime.combine(scenario.deadline, dt.time(17), tzinfo=TZ))
    applicants = rng.sample(suppliers, rng.randint(2, 3))
    applications, when = [], published
    span = max((end - published).days - 1, 2)
    for supplier in applicants:
        when = _later(rng, when, 1, max(1, span // len(applicants)), end)
        solution = (
            Solution.objects.filter(supplier_id=supplier.organisation_id, published=True)
            .order_by("pk")
            .first()
        )
        tech = rng.choice(TECHS)
        data = {
            "proposal": _fill(rng.choice(PROPOSALS), rng, scenario, tech=tech),
            "team": rng.choice(TEAMS),
            "schedule": rng.choice(SCHEDULES),
            "solution": solution.pk if solution else "",
        }
        with clock.at(when):
            application = application_create(actor=supplier, scenario_id=scenario.pk, data=data, now=when)
        clock.stamp(application, created_at=when, updated_at=when)
        applications.append(application)
    owner = ctx.actors[scenario.owner.name]
    decided = _later(rng, when, 3, 12, ctx.now - dt.timedelta(days=200))
    chosen, others = applications[0], applications[1:]
    for application in applications:
        shortlist = application is chosen
        with clock.at(decided):
            application_step(
                actor=owner,
                application_id=application.pk,
                action="shortlist" if shortlist else "decline",
                reason=rng.choice(SHORTLIST_REASONS if shortlist else DECLINE_REASONS),
                now=decided,
            )
        clock.stamp(application, updated_at=decided)
        decided += dt.timedelta(minutes=rng.randint(5, 40))
    return chosen, others, decided


def _milestones(clock, rng, story: Story, owner: Actor, end: dt.datetime) -> list[tuple[Milestone, dt.date]]:
    """Four or five milestones spread over the planned duration (or, for a pilot, before its acceptance)."""
    count = rng.randint(4, 5)
    start = _day(story.signed)
    span = (_day(end) - start).days if story.fate == "piloted" else story.cooperation.duration_months * 30
    out = []
    with clock.at(story.signed + dt.timedelta(minutes=30)):
        for i in range(count):
            planned = start + dt.timedelta(days=max(7, round(span * (i + 1) / (count + 0.3))))
            milestone = services.milestone_add(
                actor=owner,
                cooperation_id=story.cooperation.pk,
                data={"title": MILESTONES[i], "planned_on": planned.isoformat()},
            )
            clock.stamp(
                milestone,
                created_at=story.signed + dt.timedelta(minutes=30),
                updated_at=story.signed + dt.timedelta(minutes=30),
            )
            out.append((milestone, planned))
    return out


def _cooperation(ctx, clock, rng, scenario, published, fate, suppliers, overdue: bool) -> Story:
    owner = ctx.actors[scenario.owner.name]
    city = ctx.cities.get(scenario.region_id)
    chosen, _others, decided = _apply(ctx, clock, rng, scenario, published, suppliers)
    # Agreements that are still only agreed were signed recently; the others soon after the shortlist.
    if fate == "agreed":
        signed = max(
            _later(rng, decided, 7, 20, ctx.now),
            _at(_day(ctx.now) - dt.timedelta(days=rng.randint(25, 80)), rng),
        )
    else:
        signed = _later(rng, decided, 7, 25, ctx.now - dt.timedelta(days=150))
    budget = scenario.budget_max or scenario.budget_min or Decimal(rng.randint(80, 600))
    amount = (Decimal(budget) * Decimal(rng.choice(["0.75", "0.8", "0.9", "0.95"])) * 10000).quantize(
        Decimal("1")
    )
    data = {
        "parties": f"甲方：{scenario.owner.name}；乙方：{chosen.supplier.name}",
        "scope": _fill(rng.choice(SCOPES), rng, scenario),
        "signed_on": _day(signed).isoformat(),
        "amount": str(min(amount, Decimal(99_999_999))),
        "duration_months": rng.choice([6, 8, 10, 12]),
    }
    with clock.at(signed):
        cooperation = services.cooperation_create(
            actor=owner, application_id=chosen.pk, data=data, now=signed
        )
    story = Story(cooperation=cooperation, scenario=scenario, signed=signed, fate=fate, last=signed)
    ctx.counts["applications"] += Application.objects.filter(scenario=scenario).count()

    if fate in ("implementing", "piloted") or (fate == "terminated" and rng.random() < 0.5):
        story.started = _later(rng, signed, 5, 20, ctx.now - dt.timedelta(days=120))
        with clock.at(story.started):
            services.cooperation_start(
                actor=owner, cooperation_id=cooperation.pk, started_on=_day(story.started), now=story.started
            )
    if fate == "piloted":
        story.piloted = _later(rng, story.started, 90, 170, ctx.now - dt.timedelta(days=20))
    end = story.piloted or ctx.now
    milestones = _milestones(clock, rng, story, owner, end)

    if fate == "terminated":
        story.extra["terminated"] = _later(
            rng, story.started or signed, 40, 120, ctx.now - dt.timedelta(days=10)
        )
        end = story.extra["terminated"]

    # Milestones planned before the story's end are done on (or about) their day — except, for one or two
    # cooperations still under way, the last one that was due: it is overdue for `flag_overdue_milestones`.
    due = [(m, p) for m, p in milestones if p < _day(end)]
    if overdue and due:
        due = due[:-1]
        story.extra["overdue"] = True
    events: list[tuple[dt.datetime, str, object]] = []
    for milestone, planned in due:
        done = min(planned + dt.timedelta(days=rng.randint(-3, 6)), _day(end) - dt.timedelta(days=1))
        done = max(done, _day(signed))
        events.append((max(_at(done, rng), signed + dt.timedelta(hours=1)), "milestone", (milestone, done)))
    # Progress reports about every six weeks of work, follow-ups by the city now and then.
    work_start = story.started or signed
    t, percent = work_start, 0
    while True:
        t = _later(rng, t, 35, 55, end - dt.timedelta(days=2))
        if t >= end - dt.timedelta(days=2) or percent >= 95:
            break
        percent = min(95, percent + rng.randint(15, 30))
        events.append((t, "report", percent))
    for _ in range(rng.randint(1, 2)):
        when = _later(rng, signed, 10, max(11, (end - signed).days - 5), end - dt.timedelta(days=1))
        risk = (
            RiskLevel.MEDIUM
            if story.extra.get("overdue") or fate == "terminated"
            else rng.choice([RiskLevel.NONE, RiskLevel.NONE, RiskLevel.LOW])
        )
        events.append((when, "followup", risk))
    events.sort(key=lambda e: e[0])
    for when, kind, payload in events:
        with clock.at(when):
            if kind == "milestone":
                milestone, done = payload
                services.milestone_complete(actor=owner, milestone_id=milestone.pk, done_on=done, now=when)
                clock.stamp(milestone, updated_at=when)
            elif kind == "report":
                report = services.progress_report_create(
                    actor=owner,
                    cooperation_id=cooperation.pk,
                    data={
                        "reported_on": _day(when).isoformat(),
                        "percent_complete": payload,
                        "text": _fill(REPORTS[min(len(REPORTS) - 1, payload // 30)], rng, scenario),
                    },
                    now=when,
                )
                clock.stamp(report, created_at=when)
                ctx.counts["progress reports"] += 1
            else:
                follower = city if city and city.organisation_id != scenario.owner_id else ctx.office
                followup = services.followup_create(
                    actor=follower,
                    cooperation_id=cooperation.pk,
                    data={"comment": rng.choice(FOLLOWUPS[payload]), "risk_level": payload},
                    now=when,
                )
                ctx.counts["follow-ups"] += 1
                if payload == RiskLevel.LOW or (payload == RiskLevel.MEDIUM and fate != "implementing"):
                    resolved = _later(rng, when, 5, 20, end - dt.timedelta(minutes=30))
                    if resolved < end:
                        story.extra.setdefault("resolutions", []).append((followup, follower, resolved))
        story.last = max(story.last, when)
    for followup, follower, resolved in story.extra.pop("resolutions", []):
        with clock.at(resolved):
            services.followup_resolve(
                actor=follower, followup_id=followup.pk, resolution=rng.choice(RESOLUTIONS), now=resolved
            )
        story.last = max(story.last, resolved)

    if fate == "piloted":
        metrics = rng.choice(METRIC_SETS)
        story.metrics = metrics
        months = max(1, (story.piloted - story.started).days // 30)
        with clock.at(story.piloted):
            acceptance = services.pilot_accept(
                actor=owner,
                cooperation_id=cooperation.pk,
                data={
                    "accepted_on": _day(story.piloted).isoformat(),
                    "report": _fill(rng.choice(PILOT_REPORTS), rng, scenario, months=months),
                    "metrics": [
                        {"name": n, "before": str(b), "after": str(a), "unit": u} for n, b, a, u in metrics
                    ],
                },
                now=story.piloted,
            )
        clock.stamp(acceptance, created_at=story.piloted)
        story.last = story.piloted
        ctx.counts["pilots accepted"] += 1
    elif fate == "terminated":
        when = story.extra["terminated"]
        terminator = city or ctx.office
        with clock.at(when):
            services.cooperation_terminate(
                actor=terminator,
                cooperation_id=cooperation.pk,
                reason=rng.choice(TERMINATION_REASONS),
                now=when,
            )
        story.last = when
        ctx.counts["terminated"] += 1
    clock.stamp(cooperation, created_at=signed, updated_at=story.last)
    return story


def cooperations_seed(ctx: DemoContext, clock: Clock) -> list[Story]:
    rng = ctx.rng("delivery")
    candidates = _candidates(ctx)
    chosen = sorted(rng.sample(candidates, min(COOPERATIONS, len(candidates))), key=lambda c: c[1])
    fates = _fates(len(chosen), rng)
    suppliers = _suppliers(ctx)
    implementing = [i for i, f in enumerate(fates) if f == "implementing"]
    overdue = set(implementing[-2:])
    stories = []
    for i, ((scenario, published), fate) in enumerate(zip(chosen, fates, strict=True)):
        try:
            stories.append(
                _cooperation(
                    ctx,
                    clock,
                    random.Random(f"{ctx.seed}:delivery:{i}"),
                    scenario,
                    published,
                    fate,
                    suppliers,
                    i in overdue,
                )
            )
        except DomainError as exc:
            details = getattr(exc, "details", None) or ""
            raise DomainError(f"demo cooperation on {scenario.title!r}: {exc.message} {details}") from exc
        ctx.counts["cooperations"] += 1
    return stories


# ------------------------------------------------------------------------------------------------ stage


def seed(ctx: DemoContext) -> None:
    """The delivery stage of the demo (see the module's docstring)."""
    from scenariohub.cases import demo as cases_demo
    from scenariohub.promotion import demo as promotion_demo
    from scenariohub.publicity import demo as publicity_demo
    from scenariohub.support import demo as support_demo
    from scenariohub.zones import demo as zones_demo

    clock = Clock()
    stories = cooperations_seed(ctx, clock)
    cases = cases_demo.seed(ctx, clock, stories)
    products = promotion_demo.seed(ctx, clock, stories, cases)
    support_demo.seed(ctx, clock, stories, cases)
    publicity_demo.seed(ctx, clock, stories, cases, products)
    # The zone scores read the platform's rows by their dates: backdate first, then decide the years.
    clock.apply()
    zones_demo.seed(ctx, clock)
    clock.apply()


def reset(*, users, organisation_ids) -> dict[str, int]:
    """Delete what this stage made, before `demo_reset` deletes the scenarios and organisations (the
    cooperations, cases, products, adoptions and support applications hold them with PROTECT)."""
    from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota
    from scenariohub.promotion.models import Adoption, PromotedProduct
    from scenariohub.publicity.models import NewsItem
    from scenariohub.support.models import SupportApplication
    from scenariohub.zones.models import ZoneYear

    cooperations = Cooperation.objects.filter(owner_id__in=organisation_ids)
    out = {
        "support applications": SupportApplication.objects.filter(applicant_id__in=organisation_ids).delete()[
            0
        ],
        "adoptions": Adoption.objects.filter(organisation_id__in=organisation_ids).delete()[0],
        "promoted products": PromotedProduct.objects.filter(
            solution__supplier_id__in=organisation_ids
        ).delete()[0],
        "benchmark cases": BenchmarkCase.objects.filter(cooperation__in=cooperations).delete()[0],
    }
    out["cooperations"] = cooperations.delete()[0]
    out["quotas"] = BenchmarkQuota.objects.filter(set_by__in=users).delete()[0]
    out["news"] = NewsItem.objects.filter(created_by__in=users).delete()[0]
    out["zone years"] = ZoneYear.objects.filter(weights_updated_by__in=users).delete()[0]
    return out
