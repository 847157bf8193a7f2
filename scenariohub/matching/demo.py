"""Demo data, matching stage: suppliers and solutions, annual plans, conferences, applications and talks.

Registered first in `scenarios.demo.STAGES`, after the scenarios exist. Everything goes through the
services of `matching`, `plans` (`plans/demo.py`) and `events` (`events/demo.py`), each call at its
historic time: `now=`/`today=` where the service takes one, `recorded_at` for the audit chain (inside
`Clock.at`); what a service stamps with the real clock (auto_now fields, `verified_at`, `answered_at`,
`held_at`, …) is set back to the historic time by `Clock.apply` at the end, so the same seed gives the
same province whatever the real date.

Which scenarios: the published scenarios still open (status published, in pk order) are split by this
stage's random stream: about 55 % get applications here; the others are left with none, for the
delivery stage (`scenariohub.tracking.demo`), which takes published scenarios without applications.

E-mail: `notify` queues each notification's e-mail copy with `on_commit`, i.e. when the whole seeding
transaction commits, outside this stage, so a mail backend swapped inside the stage would not catch
them. `matching.tasks.notification_send_emails` sends only notifications whose `emailed_at` is empty;
`Clock.apply` gives this stage's notifications their historic time in both `created_at` and `emailed_at`
(the copy "left" then), so the queued task finds nothing to send and `make run` prints no mail.
"""

import contextlib
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Max

from scenariohub.accounts.models import Role
from scenariohub.core.audit import recorded_at
from scenariohub.matching.models import (
    Application,
    Criterion,
    Notification,
    Question,
    ReviewerInvitation,
    Scale,
    Score,
    Solution,
    Subscription,
    SupplierProfile,
    Talk,
    TalkOutcome,
)
from scenariohub.matching.services import applications, review, subscriptions, suppliers
from scenariohub.scenarios import demo_corpus
from scenariohub.scenarios.demo import TZ, DemoContext, _at
from scenariohub.scenarios.models import Scenario, Status

SHARE_WITH_APPLICATIONS = 0.55  # of the open published scenarios; the rest are left to the delivery stage

INTRODUCTIONS = (
    "{name}成立于{year}年，总部位于{city}，专注于{caps}等人工智能技术的研发与行业应用，"
    "拥有自主知识产权{n}项，服务{sectors}等领域客户，可提供从方案设计、模型训练到部署运维的一体化服务。",
    "{name}是一家以{caps}为核心能力的人工智能企业，{year}年落户{city}，组建了百余人的研发与交付团队，"
    "产品已在{sectors}领域落地，致力于以人工智能赋能四川产业转型升级。",
)
QUALIFICATIONS = (
    "国家高新技术企业；ISO 9001质量管理体系认证；信息安全管理体系（ISO 27001）认证；软件著作权{n}项。",
    "四川省“专精特新”中小企业；CMMI 3级；信息系统建设和服务能力等级证书；发明专利{n}项。",
    "国家高新技术企业；数据管理能力成熟度（DCMM）2级；网络安全等级保护三级测评备案；软件著作权{n}项。",
)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "敏", "静", "磊", "洋", "婷", "杰", "娜", "涛", "霞", "勇", "琳", "超", "颖", "斌", "雪")

PROPOSALS = (
    "我司拟以“{solution}”为基础承接“{title}”。方案分三步实施：一是开展现场调研和数据梳理，明确业务流程与"
    "验收指标；二是结合{owner}现有系统完成模型适配与本地化部署，数据不出域；三是开展为期三个月的试运行，"
    "按月报送运行效果并持续优化。我司已在省内同类场景完成交付，可提供驻场实施与一年免费运维。",
    "针对“{title}”提出的需求，我方以{solution}为核心，配套数据治理工具与可视化管理平台，先在试点环节部署，"
    "准确率、响应时间等关键指标达标后再全面推广。方案支持国产化软硬件环境，接口开放，便于与省市平台对接。",
    "本方案围绕“{title}”的业务痛点，采用{solution}，提供需求梳理、数据准备、模型训练、系统集成、人员培训"
    "全流程服务。我们承诺关键指标可量化、可验收，实施期间每两周与{owner}召开一次进度会。",
)
CONSORTIUM_NOTE = "本项目由我司牵头，联合{members}组成联合体申报，分别负责算法研发与现场集成实施。"
TEAMS = (
    "项目负责人1名（高级工程师），算法工程师3名，数据工程师2名，实施与运维工程师2名，均有同类项目经验。",
    "核心团队10人，其中博士2名、硕士5名；项目经理持PMP证书，近三年主持省内人工智能项目4个。",
    "组建专项工作组：方案架构2人、算法研发4人、现场实施3人、质量与安全保障1人。",
)
SCHEDULES = (
    "签约后第1个月完成调研与方案深化；第2—3个月完成开发部署；第4—6个月试运行、优化并组织验收。",
    "2周内进场；1个半月完成数据接入与模型适配；3个月内上线试运行；6个月内完成试点评估。",
    "分三期：方案设计（1个月）、开发与集成（2个月）、试运行与验收（3个月）。",
)
QUESTIONS = (
    ("场景现有数据的规模和格式如何？能否在申报前提供样例数据？",
     "现有业务数据约{n}万条，以结构化表格和图像为主，签署保密协议后可提供脱敏样例。"),
    ("系统是否必须本地化部署？对国产化软硬件有无明确要求？",
     "须本地化部署，数据不得出域；服务器和操作系统优先采用国产化产品。"),
    ("预算是否包含硬件采购？后期运维费用如何考虑？",
     "预算含必要的边缘计算设备，不含机房改造；运维服务请在方案中单列报价。"),
    ("试点范围和验收指标是否已经确定？",
     "首期在{n}个点位试点，验收指标在洽谈中与入围单位共同确定。"),
    ("是否接受联合体申报？",
     "接受联合体申报，请明确牵头单位及各成员分工。"),
)
SHORTLIST_REASONS = (
    "方案针对性强，技术路线清晰，同类场景有落地经验，入围对接洽谈。",
    "评审综合得分靠前，实施计划可行，进入下一轮洽谈。",
    "报价在预算范围内，本地化服务能力较强，入围。",
)
DECLINE_REASONS = (
    "方案与场景需求匹配度不足，未提供可量化的验收指标。",
    "报价明显超出预算区间，且实施周期偏长。",
    "缺少同类场景落地案例，本轮未予入围。",
    "方案未满足数据本地化部署要求。",
)
WITHDRAW_REASONS = (
    "因公司内部资源调整，无法保证项目实施团队，撤回申报。",
    "经进一步了解需求，我方产品暂不满足现场条件，撤回申报。",
)
PLACES = ("{owner}三楼会议室", "{owner}201会议室", "{city}人工智能产业服务中心洽谈室")
MINUTES = {
    TalkOutcome.AGREEMENT_INTENDED: (
        "双方就建设内容、数据接入方式和验收指标达成一致。供应商介绍了同类项目经验并现场演示原型，"
        "需求方确认技术路线可行。会议商定：一周内供应商提交细化实施方案和报价，需求方启动合同审批流程。",
    ),
    TalkOutcome.FOLLOW_UP: (
        "供应商汇报了方案和演示系统，需求方提出需补充数据安全保障措施和分期报价。"
        "双方约定两周内再次洽谈，届时明确试点范围。",
        "双方围绕接口对接和现场部署条件进行交流，对运维响应时限尚有分歧，待供应商内部评估后再议。",
    ),
    TalkOutcome.NO_AGREEMENT: (
        "经充分沟通，供应商方案在识别精度和部署成本上与需求方预期差距较大，双方同意暂不推进合作。",
    ),
}
SCORE_COMMENTS = ("方案完整，实施经验较丰富。", "技术路线可行，成本略高。", "团队配置合理，计划偏紧。")
SUBSCRIPTIONS = (
    {"name": "智能制造新场景", "sectors": ["manufacturing"], "frequency": "immediate"},
    {"name": "机器视觉相关", "fields": ["machine-vision"], "frequency": "daily"},
    {"name": "关键词：质检", "keywords": "质检 缺陷检测", "frequency": "daily"},
)


class Clock:
    """Runs service calls at their historic time and remembers what to set back afterwards."""

    def __init__(self) -> None:
        self.rows: dict = defaultdict(dict)  # model -> pk -> {field: value}
        self.first_notification = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
        self.marks: list[tuple[int, dt.datetime]] = []  # (highest notification id after a call, its time)
        self.now: dt.datetime | None = None

    @contextlib.contextmanager
    def at(self, when: dt.datetime) -> Iterator[None]:
        self.now = when
        with recorded_at(when):
            yield
        self.marks.append((Notification.objects.aggregate(m=Max("pk"))["m"] or 0, when))

    def stamp(self, obj, **fields) -> None:
        self.rows[type(obj)].setdefault(obj.pk, {}).update(fields)

    def stamp_all(self, queryset, **fields) -> None:
        for pk in queryset.values_list("pk", flat=True):
            self.rows[queryset.model].setdefault(pk, {}).update(fields)

    def apply(self) -> None:
        for model, rows in self.rows.items():
            by_values: dict = defaultdict(list)
            for pk, fields in rows.items():
                by_values[tuple(sorted(fields.items()))].append(pk)
            for fields, pks in by_values.items():
                model.objects.filter(pk__in=pks).update(**dict(fields))
        self.rows.clear()
        low = self.first_notification
        for high, when in self.marks:
            if high > low:
                Notification.objects.filter(pk__gt=low, pk__lte=high).update(created_at=when, emailed_at=when)
                low = high
        self.first_notification, self.marks = low, []


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


# ------------------------------------------------------------------------------------------ suppliers


def suppliers_seed(ctx: DemoContext, clock: Clock) -> dict[int, list[Solution]]:
    """A profile and 2–4 published solutions per demo supplier; the office verifies about half of them."""
    rng = ctx.rng("suppliers")
    rows = ctx.organisations["suppliers"]
    sols = defaultdict(list)
    for s in demo_corpus.generate_solutions(rows, seed=ctx.seed):
        sols[s["supplier"]].append(s)
    names = demo_corpus.field_names()
    sector_names = {code: demo_corpus.sector_label(code) for code in {f for r in rows for f in r["sectors"]}}
    out: dict[int, list[Solution]] = {}
    base = dt.datetime(2025, 1, 8, 9, 0, tzinfo=TZ)
    for i, row in enumerate(rows):
        actor = ctx.actors[row["name"]]
        joined = _at((base + dt.timedelta(days=rng.randint(0, 50))).date(), rng)
        caps = "、".join(row["capabilities"][:3])
        city = actor.organisation.region.name_zh if actor.organisation.region_id else "成都市"
        intro = rng.choice(INTRODUCTIONS).format(
            name=row["name"], year=rng.randint(2012, 2021), city=city, caps=caps, n=rng.randint(12, 160),
            sectors="、".join(sector_names[c] for c in row["sectors"]),
        )
        with clock.at(joined):
            profile = suppliers.supplier_profile_save(actor=actor, data={
                "credit_code": row.get("credit_code") or "",
                "contact_name": _name(rng), "contact_phone": _phone(rng),
                "contact_email": f"{actor.user.username}@{actor.user.email.rpartition('@')[2]}",
                "scale": row["scale"] if row.get("scale") in Scale.values else Scale.SMALL,
                "qualifications": rng.choice(QUALIFICATIONS).format(n=rng.randint(8, 90)),
                "introduction": intro,
                "sectors": row["sectors"], "fields": [f for f in row["fields"] if f in names],
            })
        clock.stamp(profile, created_at=joined, updated_at=joined)
        ctx.counts["supplier profiles"] += 1
        last = joined
        for s in sols[row["name"]]:
            last = last + dt.timedelta(days=rng.randint(0, 6), minutes=rng.randint(20, 300))
            with clock.at(last):
                solution = suppliers.solution_create(actor=actor, data={
                    "title": s["title"], "description": s["description"], "sector": s["sector"],
                    "fields": s["fields"], "capabilities": "、".join(s["capabilities"]), "maturity": s["maturity"],
                    "deployment_modes": s["deployment"], "published": True,
                })
            clock.stamp(solution, created_at=last, updated_at=last)
            out.setdefault(actor.organisation_id, []).append(solution)
            ctx.counts["solutions"] += 1
        if i % 2 == 0 and actor.organisation.credit_code:  # every other supplier, the first one included
            verified = _at((last + dt.timedelta(days=rng.randint(3, 20))).date(), rng)
            with clock.at(verified):
                profile = suppliers.supplier_verify(actor=ctx.office, organisation_id=actor.organisation_id)
            clock.stamp(profile, verified_at=verified, updated_at=verified)
            ctx.counts["verified suppliers"] += 1
    first = next(a for a in ctx.actors.values() if a.role == Role.SUPPLIER and a.user.username == "supplier")
    for j, data in enumerate(SUBSCRIPTIONS):
        when = _at(dt.date(2025, 3, 3) + dt.timedelta(days=j * 9), rng)
        with clock.at(when):
            sub = subscriptions.subscription_create(actor=first, data=data)
        clock.stamp(sub, created_at=when, updated_at=when)
        ctx.counts["subscriptions"] += 1
    return out


# ------------------------------------------------------------------------------------------ applications


def _published_at(ctx: DemoContext, scenario_id: int) -> dt.datetime:
    return next(s.when for s in reversed(ctx.history[scenario_id]) if s.target == Status.PUBLISHED)


def _fit(scenario: Scenario, profiles: dict[int, set], sectors: dict[int, set]) -> list[int]:
    by_field = [o for o, fields in profiles.items() if scenario.field_id in fields]
    by_sector = [o for o, secs in sectors.items() if scenario.sector_id in secs and o not in by_field]
    return by_field + by_sector


def _spread(start: dt.datetime, end: dt.datetime, n: int, rng: random.Random) -> list[dt.datetime]:
    span = (end - start).total_seconds()
    return sorted(_at((start + dt.timedelta(seconds=span * rng.uniform(0.05, 0.9))).date(), rng) for _ in range(n))


def _later(when: dt.datetime, rng: random.Random, low: int, high: int) -> dt.datetime:
    return max(_at((when + dt.timedelta(days=rng.randint(low, high))).date(), rng), when + dt.timedelta(hours=1))


def applications_seed(ctx: DemoContext, clock: Clock, solutions: dict[int, list[Solution]]) -> None:
    rng = ctx.rng("applications")
    sup_actors = {a.organisation_id: a for a in ctx.actors.values() if a.role == Role.SUPPLIER}
    fields, sectors = defaultdict(set), defaultdict(set)
    for p in SupplierProfile.objects.filter(organisation_id__in=sup_actors).prefetch_related("fields", "sectors"):
        fields[p.organisation_id] = {f.pk for f in p.fields.all()}
        sectors[p.organisation_id] = {s.pk for s in p.sectors.all()}
    open_published = list(
        Scenario.objects.filter(pk__in=list(ctx.history), status=Status.PUBLISHED).select_related("owner")
        .order_by("pk")
    )
    chosen = [s for s in open_published if rng.random() < SHARE_WITH_APPLICATIONS]
    ctx.counts["scenarios left without applications"] += len(open_published) - len(chosen)
    withdrawals = 2
    for scenario in chosen:
        published = _published_at(ctx, scenario.pk)
        end = ctx.now - dt.timedelta(hours=2)
        if scenario.deadline:
            end = min(end, dt.datetime.combine(scenario.deadline, dt.time(17), tzinfo=TZ))
        if end - published < dt.timedelta(days=3):
            continue
        owner = ctx.actors[scenario.owner.name]
        candidates = _fit(scenario, fields, sectors) or sorted(sup_actors)
        applicants = rng.sample(candidates[:8], min(len(candidates[:8]), rng.choice((1, 1, 2, 2, 3, 4))))
        times = _spread(published + dt.timedelta(days=1), end, len(applicants), rng)
        apps = []
        for org_id, when in zip(applicants, times, strict=True):
            actor = sup_actors[org_id]
            own = solutions.get(org_id, [])
            solution = next((s for s in own if s.sector_id == scenario.sector_id), own[0] if own else None)
            members = []
            if rng.random() < 0.15:
                members = [rng.choice([o for o in sup_actors if o not in (org_id,)])]
            proposal = rng.choice(PROPOSALS).format(
                solution=solution.title if solution else "自研人工智能平台", title=scenario.title,
                owner=scenario.owner.short_name or scenario.owner.name,
            )
            if members:
                proposal += CONSORTIUM_NOTE.format(members=sup_actors[members[0]].organisation.name)
            with clock.at(when):
                app = applications.application_create(actor=actor, scenario_id=scenario.pk, now=when, data={
                    "proposal": proposal, "team": rng.choice(TEAMS), "schedule": rng.choice(SCHEDULES),
                    "members": members, "solution": solution.pk if solution else None,
                })
            clock.stamp(app, created_at=when, updated_at=when)
            apps.append((app, when))
            ctx.counts["applications"] += 1
            if members:
                ctx.counts["consortium applications"] += 1
        if len(apps) == 0:
            continue
        # The first application moved the scenario to matching at that time.
        clock.stamp(scenario, updated_at=apps[0][1])
        _questions(ctx, clock, rng, scenario, owner, applicants, sup_actors, published, end)
        last_app = apps[-1][1]
        decide = _later(last_app, rng, 3, 15)
        if decide >= ctx.now - dt.timedelta(hours=3) or rng.random() < 0.2:
            # Still open for decision: perhaps one applicant withdraws.
            if withdrawals and len(apps) >= 2:
                app, when = apps[-1]
                step = _later(when, rng, 1, 4)
                if step < ctx.now:
                    with clock.at(step):
                        applications.application_step(actor=sup_actors[app.supplier_id], application_id=app.pk,
                                                      action="withdraw", reason=rng.choice(WITHDRAW_REASONS), now=step)
                    withdrawals -= 1
                    ctx.counts["withdrawn applications"] += 1
            continue
        if len(apps) >= 2 and rng.random() < 0.45:
            _review(ctx, clock, rng, scenario, owner, apps, last_app, decide)
        ranked = list(apps)
        rng.shuffle(ranked)
        shortlisted = ranked[: 1 if len(ranked) < 4 else 2]
        for i, (app, _when) in enumerate(ranked):
            when = decide + dt.timedelta(minutes=15 * i)
            keep = (app, _when) in shortlisted
            with clock.at(when):
                applications.application_step(
                    actor=owner, application_id=app.pk, action="shortlist" if keep else "decline",
                    reason=rng.choice(SHORTLIST_REASONS if keep else DECLINE_REASONS), now=when,
                )
            ctx.counts["shortlisted applications" if keep else "declined applications"] += 1
            if keep:
                _talk(ctx, clock, rng, scenario, owner, app, when)


def _questions(ctx, clock, rng, scenario, owner, applicants, sup_actors, published, end) -> None:
    if rng.random() > 0.4:
        return
    for k, (question, answer) in enumerate(rng.sample(QUESTIONS, rng.randint(1, 2))):
        asker = sup_actors[rng.choice(applicants)]
        asked = _at((published + (end - published) * rng.uniform(0.02, 0.3)).date(), rng)
        asked = max(asked, published + dt.timedelta(hours=2)) + dt.timedelta(minutes=k)
        with clock.at(asked):
            q = review.question_ask(actor=asker, scenario_id=scenario.pk, text=question)
        clock.stamp(q, created_at=asked)
        ctx.counts["questions"] += 1
        answered = _later(asked, rng, 1, 5)
        if answered < ctx.now and rng.random() < 0.75:
            with clock.at(answered):
                review.question_answer(actor=owner, question_id=q.pk, answer=answer.format(n=rng.randint(3, 40)))
            clock.stamp(q, answered_at=answered)
            ctx.counts["answers"] += 1


def _review(ctx, clock, rng, scenario, owner, apps, last_app, decide) -> None:
    """The owner invites the city lead department (or the office) to score before deciding."""
    reviewer = ctx.cities.get(scenario.region_id) or ctx.office
    if reviewer.organisation_id == owner.organisation_id:
        reviewer = ctx.office
    invited = last_app + (decide - last_app) / 4
    with clock.at(invited):
        invitation = review.reviewer_invite(actor=owner, scenario_id=scenario.pk, membership_id=reviewer.membership.pk)
    clock.stamp(invitation, created_at=invited)
    ctx.counts["reviewer invitations"] += 1
    criteria = list(Criterion.objects.filter(scenario=scenario).values_list("pk", flat=True))
    scored = last_app + (decide - last_app) / 2
    for app, _when in apps:
        with clock.at(scored):
            rows = review.score_save(actor=reviewer, application_id=app.pk,
                                     values={c: rng.randint(5, 10) for c in criteria},
                                     comment=rng.choice(SCORE_COMMENTS))
        clock.stamp_all(Score.objects.filter(pk__in=[r.pk for r in rows]), updated_at=scored)
        ctx.counts["scored applications"] += 1


def _talk(ctx, clock, rng, scenario, owner, app, shortlisted) -> None:
    scheduled = _at((shortlisted + dt.timedelta(days=rng.randint(4, 12))).date(), rng, 9, 16)
    city = scenario.region.name_zh if scenario.region_id else "成都市"
    data = {"scheduled_at": scheduled, "participants_note": "市经信局产业处列席"}
    if rng.random() < 0.35:
        data["online_link"] = f"https://meet.demo.scenariohub.invalid/r/{rng.randrange(10**8):08d}"
    else:
        data["place"] = rng.choice(PLACES).format(owner=scenario.owner.short_name or scenario.owner.name, city=city)
    planned_at = shortlisted + dt.timedelta(hours=1)
    with clock.at(planned_at):
        talk = review.talk_schedule(actor=owner, application_id=app.pk, data=data)
    clock.stamp(talk, created_at=planned_at, updated_at=planned_at)
    ctx.counts["talks"] += 1
    recorded = scheduled + dt.timedelta(hours=rng.randint(3, 30))
    if recorded < ctx.now:
        outcome = rng.choices(list(MINUTES), weights=(45, 40, 15))[0]
        with clock.at(recorded):
            review.talk_record(actor=owner, talk_id=talk.pk,
                               data={"minutes": rng.choice(MINUTES[outcome]), "outcome": outcome})
        clock.stamp(talk, updated_at=recorded)
        ctx.counts["talks with minutes"] += 1


# ------------------------------------------------------------------------------------------ entry points


def seed(ctx: DemoContext) -> None:
    """The matching stage of the demo (see the module's docstring)."""
    from scenariohub.events import demo as events_demo
    from scenariohub.plans import demo as plans_demo

    clock = Clock()
    solutions = suppliers_seed(ctx, clock)
    events_demo.seed(ctx, clock)
    plans_demo.seed(ctx, clock)
    applications_seed(ctx, clock, solutions)
    clock.apply()


def reset(*, users, organisation_ids) -> dict[str, int]:
    """Delete what this stage made before `demo_reset` deletes scenarios and organisations: events and
    plan versions hold scenarios and organisations with PROTECT; applications hold scenarios."""
    from scenariohub.events import demo as events_demo
    from scenariohub.plans import demo as plans_demo

    return {
        "events": events_demo.reset(users=users),
        "plans": plans_demo.reset(users=users),
        "talks": Talk.objects.filter(application__supplier_id__in=organisation_ids).delete()[0],
        "applications": Application.objects.filter(supplier_id__in=organisation_ids).delete()[0],
        "questions": Question.objects.filter(asker_organisation_id__in=organisation_ids).delete()[0],
        "invitations": ReviewerInvitation.objects.filter(invited_by__in=users).delete()[0],
        "subscriptions": Subscription.objects.filter(organisation_id__in=organisation_ids).delete()[0],
        "solutions": Solution.objects.filter(supplier_id__in=organisation_ids).delete()[0],
    }
