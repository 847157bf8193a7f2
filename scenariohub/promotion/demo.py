"""Demo data, promotion (called by `scenariohub.tracking.demo.seed`): the office enters proven solutions
with their evidence, policy flags only where a designated benchmark case allows them, and units in several
regions record adoptions."""

import datetime as dt
from decimal import Decimal

from scenariohub.accounts.models import Role
from scenariohub.matching.models import Maturity, Solution
from scenariohub.matching.services.suppliers import solution_create
from scenariohub.promotion import services
from scenariohub.promotion.selectors import proven_cooperations
from scenariohub.scenarios.demo import TZ, _at

PRODUCTS = 6
SUMMARIES = (
    "{title}已在“{scenario}”中完成试点验收，{metric}，部署周期短、可复制性强，适合在全省同类单位推广。",
    "产品在{owner}落地应用，经试点验收证明成效：{metric}。支持本地化部署，已形成标准化交付方案。",
)
ADOPTION_NOTES = (
    "参照标杆案例经验，在本单位同类业务中部署应用。",
    "经考察交流后引进，首期覆盖两个业务科室。",
    "纳入年度数字化改造项目统一实施。",
)
# A solution for a supplier that has none in its catalogue yet (title, description, capabilities).
SOLUTION_TEXT = (
    "{short}智能应用平台",
    "面向政务与产业场景的人工智能应用平台，提供数据治理、模型训练、推理部署和效果评估的全流程能力，"
    "支持私有化部署与国产化软硬件适配。",
    "多模态识别、知识问答、预测预警、流程自动化",
)


def _solution(ctx, clock, story, when: dt.datetime) -> Solution:
    """The solution the application proposed, else the supplier's first, else one it enters now."""
    cooperation = story.cooperation
    if cooperation.application.solution_id:
        return cooperation.application.solution
    solution = Solution.objects.filter(supplier_id=cooperation.supplier_id).order_by("pk").first()
    if solution:
        return solution
    supplier = ctx.actors[cooperation.supplier.name]
    title, description, capabilities = SOLUTION_TEXT
    with clock.at(when):
        solution = solution_create(
            actor=supplier,
            data={
                "title": title.format(short=cooperation.supplier.short_name or cooperation.supplier.name)[:100],
                "description": description,
                "capabilities": capabilities,
                "sector": story.scenario.sector_id,
                "fields": [story.scenario.field_id],
                "maturity": Maturity.values[-1],
                "deployment_modes": ["on_prem", "cloud"],
                "published": True,
            },
        )
    clock.stamp(solution, created_at=when, updated_at=when)
    ctx.counts["solutions"] += 1
    return solution


def _metric(story) -> str:
    name, before, after, unit = story.metrics[0]
    return f"{name}由{before:g}{unit}变为{after:g}{unit}" if isinstance(before, float) else (
        f"{name}由{before}{unit}变为{after}{unit}"
    )


def seed(ctx, clock, stories, cases) -> list:
    rng = ctx.rng("promotion")
    designated = {c.story.cooperation.pk: c for c in cases if c.designated}
    proven = sorted(
        (s for s in stories if s.fate == "piloted"),
        key=lambda s: (s.cooperation.pk not in designated, s.piloted),
    )
    adopters = sorted(
        (a for a in ctx.actors.values() if a.role in (Role.PROVIDER, Role.DEPARTMENT, Role.CITY)),
        key=lambda a: a.organisation.name,
    )
    regions = sorted(ctx.cities)
    products, suppliers = [], set()
    for story in proven:
        if len(products) >= PRODUCTS or story.cooperation.supplier_id in suppliers:
            continue
        case = designated.get(story.cooperation.pk)
        evidence_at = case.decided if case else story.piloted
        entered = _at(evidence_at.astimezone(TZ).date() + dt.timedelta(days=rng.randint(5, 30)), rng)
        entered = max(min(entered, ctx.now - dt.timedelta(days=3)), evidence_at + dt.timedelta(hours=1))
        solution = _solution(ctx, clock, story, entered - dt.timedelta(hours=1))
        ids = list(
            proven_cooperations(solution=solution).filter(pk=story.cooperation.pk).values_list("pk", flat=True)
        )
        # Policy flags need a demonstration application, i.e. a designated benchmark case as evidence.
        flags = {}
        if case:
            flags = {rng.choice(["first_set", "first_version", "first_batch"]): True, "government_procurement": True}
        data = {
            "summary": rng.choice(SUMMARIES).format(
                title=solution.title,
                scenario=story.scenario.title,
                owner=story.scenario.owner.name,
                metric=_metric(story),
            ),
            "cooperations": ids,
            "listed": True,
            **flags,
        }
        with clock.at(entered):
            product = services.product_create(actor=ctx.office, solution_id=solution.pk, data=data, now=entered)
        clock.stamp(product, updated_at=entered)
        ctx.counts["promoted products"] += 1
        suppliers.add(story.cooperation.supplier_id)
        products.append(product)

        for adopter in rng.sample(adopters, rng.randint(2, 4)):
            if adopter.organisation_id in (story.cooperation.supplier_id, story.cooperation.owner_id):
                continue
            days = max(2, (ctx.now - entered).days - 2)
            adopted = entered.astimezone(TZ).date() + dt.timedelta(days=rng.randint(1, days))
            recorded = max(_at(adopted, rng), entered + dt.timedelta(minutes=30))
            recorded = min(recorded, ctx.now - dt.timedelta(hours=1))
            with clock.at(recorded):
                adoption = services.adoption_create(
                    actor=adopter,
                    product_id=product.pk,
                    data={
                        "region": adopter.region_id or rng.choice(regions),
                        "adopted_on": min(adopted, recorded.astimezone(TZ).date()).isoformat(),
                        "amount": str(Decimal(rng.randint(20, 400))),
                        "note": rng.choice(ADOPTION_NOTES),
                    },
                    today=recorded.astimezone(TZ).date(),
                )
            clock.stamp(adoption, created_at=recorded)
            ctx.counts["adoptions"] += 1
    return products
