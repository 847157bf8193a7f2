"""Demo data, support measures (called by `scenariohub.tracking.demo.seed`): eligible parties of the demo's
cooperations and benchmark cases apply for several of the ten measures; the office grants some (never more
than requested), refuses some with a reason and leaves the rest in its queue."""

import datetime as dt
from decimal import Decimal

from scenariohub.support import services
from scenariohub.support.models import ApplicationStatus
from scenariohub.support.rules import RULES_BY_MEASURE, Measure, Party
from scenariohub.support.services import APPLICANT_ROLES
from scenariohub.tracking.models import CooperationStatus

SUMMARIES = {
    Measure.INNOVATION_VOUCHER: "依托“{title}”合作项目申请科技创新券，用于模型训练算力与第三方测试服务采购。",
    Measure.COMPUTE_SUBSIDY: "项目实施期间租用智算中心算力约{n}万卡时，申请算力补贴以降低研发成本。",
    Measure.ST_DEMO_PROJECT: "以“{title}”为依托申报省级科技计划人工智能行业示范应用项目。",
    Measure.GUIDANCE_FUND: "项目进入规模化推广阶段，申请省级引导基金支持扩大产能与市场推广。",
    Measure.NATIONAL_PILOT: "项目已实现商业合作并稳定运行，申请推荐申报国家人工智能应用试点。",
    Measure.NATIONAL_CASE: "该案例已认定为省级标杆案例，申请推荐申报国家人工智能典型应用案例。",
    Measure.FIRST_VERSION: "产品在试点中验证成效，申请纳入首版次软件政策支持。",
}
REFUSALS = (
    "申报材料中费用测算依据不足，本批次不予支持，可补充材料后下一批次再行申报。",
    "本年度该项资金额度已用完，未能安排支持。",
    "同一项目已获同类资金支持，不重复支持。",
)
# measure -> the cooperation statuses whose stories it is asked on, and who asks
PLAN = (
    (Measure.INNOVATION_VOUCHER, (CooperationStatus.AGREED, CooperationStatus.IMPLEMENTING), Party.OWNER, 3),
    (Measure.COMPUTE_SUBSIDY, (CooperationStatus.IMPLEMENTING, CooperationStatus.PILOTED), Party.SUPPLIER, 3),
    (Measure.ST_DEMO_PROJECT, (CooperationStatus.PILOTED, CooperationStatus.BENCHMARK), Party.OWNER, 2),
    (Measure.NATIONAL_PILOT, (CooperationStatus.BENCHMARK, CooperationStatus.PILOTED), Party.SUPPLIER, 2),
    (Measure.FIRST_VERSION, (CooperationStatus.BENCHMARK,), Party.SUPPLIER, 2),
)


def _qualified_at(story, measure: str) -> dt.datetime:
    """When the story's cooperation reached the status the measure needs."""
    if measure == Measure.INNOVATION_VOUCHER:
        return story.signed
    if measure in (Measure.COMPUTE_SUBSIDY, Measure.GUIDANCE_FUND):
        return story.started
    return story.piloted or story.started


def _submit_and_decide(ctx, clock, rng, *, measure, actor, after, outcome, cooperation=None, case=None):
    rule = RULES_BY_MEASURE[measure]
    span = max(2, (ctx.now - after).days - 3)
    if outcome == ApplicationStatus.SUBMITTED:
        submitted = max(after + dt.timedelta(days=3), ctx.now - dt.timedelta(days=rng.randint(5, 50)))
    else:
        submitted = after + dt.timedelta(days=rng.randint(3, max(3, min(60, span // 2))), hours=rng.randint(0, 6))
    submitted = min(submitted, ctx.now - dt.timedelta(days=2))
    requested = Decimal(rng.choice([20, 30, 50, 80, 100, 150])) if rule.money else None
    title = (cooperation or case.cooperation).scenario.title
    with clock.at(submitted):
        application = services.application_submit(
            actor=actor,
            measure=measure,
            summary=SUMMARIES[measure].format(title=title, n=rng.randint(2, 20)),
            amount_requested=requested,
            cooperation_id=cooperation.pk if cooperation else None,
            case_id=case.pk if case else None,
            now=submitted,
        )
    clock.stamp(application, created_at=submitted, updated_at=submitted)
    ctx.counts["support applications"] += 1
    if outcome == ApplicationStatus.SUBMITTED:
        return application
    decided = min(submitted + dt.timedelta(days=rng.randint(10, 45)), ctx.now - dt.timedelta(hours=3))
    granted = None
    if outcome == ApplicationStatus.GRANTED and requested is not None:
        granted = (requested * Decimal(rng.choice(["1", "0.8", "0.6"]))).quantize(Decimal("0.01"))
    with clock.at(decided):
        services.application_decide(
            actor=ctx.office,
            application_id=application.pk,
            outcome=outcome,
            amount_granted=granted,
            reason="" if outcome == ApplicationStatus.GRANTED else rng.choice(REFUSALS),
            now=decided,
        )
    clock.stamp(application, updated_at=decided)
    return application


def seed(ctx, clock, stories, cases) -> None:
    rng = ctx.rng("support")
    for story in stories:  # the services moved other instances of these rows
        story.cooperation.refresh_from_db(fields=["status"])
    outcomes = [ApplicationStatus.GRANTED, ApplicationStatus.REFUSED, ApplicationStatus.SUBMITTED]
    turn = 0
    for measure, statuses, party, count in PLAN:
        eligible = [s for s in stories if s.cooperation.status in statuses]
        made = 0
        for story in eligible:
            if made >= count:
                break
            organisation = story.cooperation.owner if party == Party.OWNER else story.cooperation.supplier
            if organisation.type not in APPLICANT_ROLES:
                continue
            _submit_and_decide(
                ctx,
                clock,
                rng,
                measure=measure,
                actor=ctx.actors[organisation.name],
                after=_qualified_at(story, measure),
                outcome=outcomes[turn % 3],
                cooperation=story.cooperation,
            )
            turn += 1
            made += 1
    # A designated case is recommended for the national typical-case list (granted) or waits.
    for i, demo_case in enumerate([c for c in cases if c.designated][:2]):
        cooperation = demo_case.story.cooperation
        organisation = cooperation.owner if cooperation.owner.type in APPLICANT_ROLES else cooperation.supplier
        _submit_and_decide(
            ctx,
            clock,
            rng,
            measure=Measure.NATIONAL_CASE,
            actor=ctx.actors[organisation.name],
            after=demo_case.decided,
            outcome=ApplicationStatus.GRANTED if i == 0 else ApplicationStatus.SUBMITTED,
            case=demo_case.case,
        )
