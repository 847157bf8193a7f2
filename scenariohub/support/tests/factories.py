"""Rows of other apps that support and zone tests start from, written through the ORM as those apps
store them (a scenario, its shortlisted application and the cooperation; a benchmark case; an adoption).
The support and zones services under test are never bypassed."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from scenariohub.cases.models import BenchmarkCase, CaseStatus
from scenariohub.matching.models import Application
from scenariohub.matching.models import ApplicationStatus as MatchingStatus
from scenariohub.matching.tests.factories import SolutionFactory
from scenariohub.promotion.models import Adoption, PromotedProduct
from scenariohub.scenarios.tests.factories import ScenarioFactory
from scenariohub.tracking.models import Cooperation, CooperationStatus

SCENARIO_STATUS = {
    CooperationStatus.AGREED: "agreed",
    CooperationStatus.IMPLEMENTING: "implementing",
    CooperationStatus.PILOTED: "piloted",
    CooperationStatus.BENCHMARK: "benchmark",
    CooperationStatus.TERMINATED: "closed",
}


def cooperation(
    owner,
    supplier,
    *,
    status=CooperationStatus.AGREED,
    region=None,
    signed_on=dt.date(2026, 3, 1),
    amount=Decimal("1000000"),
) -> Cooperation:
    """`owner` and `supplier` are Organisations; `amount` in yuan, as tracking records it."""
    scenario = ScenarioFactory(
        owner=owner, region_id=region or owner.region_id, status=SCENARIO_STATUS[status]
    )
    application = Application.objects.create(
        scenario=scenario,
        supplier=supplier,
        proposal="基于机器视觉的缺陷检测方案。",
        status=MatchingStatus.SHORTLISTED,
    )
    extra = {}
    if status == CooperationStatus.TERMINATED:
        extra = {"terminated_at": timezone.now(), "termination_reason": "双方协商终止"}
    return Cooperation.objects.create(
        scenario=scenario,
        application=application,
        owner=owner,
        supplier=supplier,
        parties="甲方、乙方",
        signed_on=signed_on,
        amount=amount,
        duration_months=12,
        scope="产线质检改造",
        status=status,
        started_on=signed_on
        if status not in (CooperationStatus.AGREED, CooperationStatus.TERMINATED)
        else None,
        **extra,
    )


def benchmark_case(coop: Cooperation, *, status=CaseStatus.DESIGNATED, year=2026) -> BenchmarkCase:
    decided = {} if status == CaseStatus.NOMINATED else {"decided_at": timezone.now()}
    if status == CaseStatus.DECLINED:
        decided["decision_reason"] = "材料不完整"
    return BenchmarkCase.objects.create(
        cooperation=coop,
        year=year,
        region_id=coop.scenario.region_id,
        title=f"{coop.scenario.title}标杆案例",
        background="背景",
        solution="方案",
        results="检测效率提升35%",
        status=status,
        nominated_at=timezone.now(),
        **decided,
    )


def adoption(supplier, adopter, *, region, amount, adopted_on=dt.date(2026, 5, 1)) -> Adoption:
    product = PromotedProduct.objects.filter(solution__supplier=supplier).first()
    if product is None:
        product = PromotedProduct.objects.create(
            solution=SolutionFactory(supplier=supplier), summary="已在试点中验证。", entered_at=timezone.now()
        )
    return Adoption.objects.create(
        product=product, organisation=adopter, region_id=region, adopted_on=adopted_on, amount=amount
    )
