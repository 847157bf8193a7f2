"""Support measures (工作方案 四、保障措施) and who is eligible for each: ONE table, read by the service that
accepts an application, the decision (which checks again), the pages, the API and the tests.

An application is linked to a cooperation (tracking) or to a benchmark case (cases). Eligibility follows
from the status of what it is linked to and from the applicant's part in it: the scenario provider
(场景提供方, the cooperation's `owner`) or the product provider (产品提供方, its `supplier`). When a rule
refuses, the applicant reads the rule's own reason (in Chinese through the catalogue).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scenariohub.cases.models import CaseStatus
from scenariohub.tracking.models import CooperationStatus


class Measure(models.TextChoices):
    INNOVATION_VOUCHER = "innovation_voucher", _("Innovation voucher")
    COMPUTE_SUBSIDY = "compute_subsidy", _("Compute subsidy")
    GUIDANCE_FUND = "guidance_fund", _("Guidance fund")
    BOND_PROJECT = "bond_project", _("Bond project")
    ST_DEMO_PROJECT = "st_demo_project", _("Provincial S&T demonstration project")
    NATIONAL_PILOT = "national_pilot", _("National AI application pilot recommendation")
    NATIONAL_CASE = "national_case", _("National typical AI case recommendation")
    FIRST_SET = "first_set", _("First set of major technical equipment (首台套)")
    FIRST_BATCH = "first_batch", _("First batch of new materials (首批次)")
    FIRST_VERSION = "first_version", _("First version of software (首版次)")


class Link(models.TextChoices):
    COOPERATION = "cooperation", pgettext_lazy("support link", "Cooperation")
    CASE = "case", _("Benchmark case")


class Party(models.TextChoices):
    OWNER = "owner", _("Scenario provider")
    SUPPLIER = "supplier", _("Product provider")


SIGNED = (
    CooperationStatus.AGREED,
    CooperationStatus.IMPLEMENTING,
    CooperationStatus.PILOTED,
    CooperationStatus.BENCHMARK,
)
UNDER_WAY = (CooperationStatus.IMPLEMENTING, CooperationStatus.PILOTED, CooperationStatus.BENCHMARK)
PROVEN = (CooperationStatus.PILOTED, CooperationStatus.BENCHMARK)
BOTH = (Party.OWNER, Party.SUPPLIER)


@dataclass(frozen=True)
class Rule:
    measure: str
    link: str
    statuses: tuple[str, ...]  # statuses of the linked cooperation or case that make it eligible
    parties: tuple[str, ...]  # who of the linked cooperation may apply
    money: bool  # an amount is requested and granted (else a recommendation or a policy recognition)
    department: str  # the plan's responsible unit; the office configures which organisation decides
    plan_text: str
    status_reason: Promise  # why an application is refused when the link's status does not qualify


RULES: tuple[Rule, ...] = (
    Rule(
        Measure.INNOVATION_VOUCHER,
        Link.COOPERATION,
        SIGNED,
        BOTH,
        True,
        "科技厅",
        "将促成示范应用的场景提供方、产品提供方企业均纳入科技创新券重点支持范围",
        _("Innovation vouchers need a signed cooperation (agreed, implementing, piloted or benchmark)."),
    ),
    Rule(
        Measure.COMPUTE_SUBSIDY,
        Link.COOPERATION,
        UNDER_WAY,
        BOTH,
        True,
        "科技厅",
        "优先提供引导基金支持、算力补贴支持等，降低企业运营成本",
        _(
            "Compute subsidies need the cooperation to be implementing or later (implementing, piloted or benchmark)."
        ),
    ),
    Rule(
        Measure.GUIDANCE_FUND,
        Link.COOPERATION,
        UNDER_WAY,
        BOTH,
        True,
        "科技厅",
        "优先提供引导基金支持、算力补贴支持等，降低企业运营成本",
        _(
            "Guidance fund support needs the cooperation to be implementing or later (implementing, piloted or benchmark)."
        ),
    ),
    Rule(
        Measure.BOND_PROJECT,
        Link.COOPERATION,
        SIGNED,
        BOTH,
        True,
        "省发展改革委",
        "鼓励符合条件的人工智能企业和应用场景提供方合作申报超长期特别国债、地方政府专项债券",
        _("Bond projects need a signed cooperation between the AI company and the scenario provider."),
    ),
    Rule(
        Measure.ST_DEMO_PROJECT,
        Link.COOPERATION,
        UNDER_WAY,
        BOTH,
        True,
        "科技厅",
        "在省级科技计划项目中设立人工智能行业示范应用项目给予支持",
        _("Provincial S&T demonstration projects need the cooperation to be implementing or later."),
    ),
    Rule(
        Measure.NATIONAL_PILOT,
        Link.COOPERATION,
        UNDER_WAY,
        BOTH,
        False,
        "省发展改革委",
        "优先推荐成功开展商业合作的应用场景申报国家人工智能应用试点",
        _(
            "A national pilot recommendation needs a cooperation under way (implementing, piloted or benchmark)."
        ),
    ),
    Rule(
        Measure.NATIONAL_CASE,
        Link.CASE,
        (CaseStatus.DESIGNATED,),
        BOTH,
        False,
        "省发展改革委",
        "优先推荐成功开展商业合作的应用场景申报国家人工智能典型应用案例",
        _("A national typical-case recommendation needs a benchmark case designated by the office."),
    ),
    Rule(
        Measure.FIRST_SET,
        Link.COOPERATION,
        PROVEN,
        (Party.SUPPLIER,),
        False,
        "经济和信息化厅",
        "对纳入示范应用的产品优先享受首台（套）重点技术装备……等政策",
        _(
            "First-set, first-batch and first-version policies need a product proven in a pilot (piloted or benchmark)."
        ),
    ),
    Rule(
        Measure.FIRST_BATCH,
        Link.COOPERATION,
        PROVEN,
        (Party.SUPPLIER,),
        False,
        "经济和信息化厅",
        "对纳入示范应用的产品优先享受……首批次新材料……等政策",
        _(
            "First-set, first-batch and first-version policies need a product proven in a pilot (piloted or benchmark)."
        ),
    ),
    Rule(
        Measure.FIRST_VERSION,
        Link.COOPERATION,
        PROVEN,
        (Party.SUPPLIER,),
        False,
        "经济和信息化厅",
        "对纳入示范应用的产品优先享受……首版次软件等政策",
        _(
            "First-set, first-batch and first-version policies need a product proven in a pilot (piloted or benchmark)."
        ),
    ),
)
RULES_BY_MEASURE = {r.measure: r for r in RULES}

PARTY_REASONS = {
    BOTH: _("Only the scenario provider or the product provider of the cooperation may apply."),
    (Party.SUPPLIER,): _("Only the product provider of the cooperation may apply for this policy."),
}
LINK_REASONS = {
    Link.COOPERATION: _("This measure is applied for on a cooperation, not on a benchmark case."),
    Link.CASE: _("This measure is applied for on a designated benchmark case, not on a cooperation."),
}


def refusals(*, measure: str, link: str, status: str, parties: frozenset[str] | set[str]) -> list[str]:
    """Why an applicant is not eligible (empty when eligible), from plain values: what the application is
    linked to, that link's status, and the applicant's parts in it (owner and/or supplier)."""
    rule = RULES_BY_MEASURE[measure]
    if link != rule.link:
        return [str(LINK_REASONS[rule.link])]
    reasons = []
    if status not in rule.statuses:
        reasons.append(str(rule.status_reason))
    if not set(parties) & set(rule.parties):
        reasons.append(str(PARTY_REASONS[rule.parties]))
    return reasons
