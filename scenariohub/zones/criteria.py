"""The plan's five criteria for demonstration zones (工作方案 三（五）) and what each is measured from.

“将政策落实有力、产品采购数量较多、应用场景较为集中、宣传推广力度较大、标杆案例示范引领效应明显的地区 … 择优支持建设
省级、创建国家级人工智能场景应用示范区（基地）”。

Each criterion's raw value for a region and a year is the plain sum of its components: figures the platform
holds (counted by `facts.py`) and inputs the office enters where the platform has no data. One table, read by
the scoring, the pages, the API and the tests, so a criterion means the same everywhere.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Criterion(models.TextChoices):
    POLICY = "policy", _("Policy implementation")
    PROCUREMENT = "procurement", _("Product procurement volume")
    CONCENTRATION = "concentration", _("Scenario concentration")
    PUBLICITY = "publicity", _("Publicity effort")
    BENCHMARK = "benchmark", _("Benchmark effect")


class InputKind(models.TextChoices):
    """What the office enters for a region and year because the platform has no such data."""

    POLICY_DOCUMENTS = "policy_documents", _("Policy documents issued")
    PROCUREMENT_OUTSIDE = "procurement_outside", _("Procurement outside the platform (10k yuan)")
    MEDIA_ITEMS = "media_items", _("Media publicity items")


@dataclass(frozen=True)
class Component:
    code: str
    label: Promise
    source: Promise  # which data, in words people read next to the criterion
    office_input: bool = False


@dataclass(frozen=True)
class CriterionDef:
    code: str
    label: Promise
    plan_text: str  # the plan's own wording
    unit: Promise
    components: tuple[Component, ...]

    @property
    def input_kinds(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.components if c.office_input)


# Component codes of platform data (facts.py fills them) and of office inputs (InputKind values).
SUPPORT_GRANTED = "support_granted"
AGREEMENT_AMOUNT = "agreement_amount"
ADOPTION_AMOUNT = "adoption_amount"
SCENARIOS_RELEASED = "scenarios_released"
CONFERENCES_HOSTED = "conferences_hosted"
NEWS_ITEMS = "news_items"
CASES_DESIGNATED = "cases_designated"

CRITERIA: tuple[CriterionDef, ...] = (
    CriterionDef(
        Criterion.POLICY,
        Criterion.POLICY.label,
        "政策落实有力",
        _("items"),
        (
            Component(
                SUPPORT_GRANTED,
                _("Support measures granted"),
                _(
                    "Support applications granted in the year (decision date, Beijing time) whose cooperation "
                    "or benchmark case belongs to a scenario of the region."
                ),
            ),
            Component(
                InputKind.POLICY_DOCUMENTS,
                InputKind.POLICY_DOCUMENTS.label,
                _("Entered by the office: policy documents the city issued in the year."),
                office_input=True,
            ),
        ),
    ),
    CriterionDef(
        Criterion.PROCUREMENT,
        Criterion.PROCUREMENT.label,
        "产品采购数量较多",
        _("10k yuan"),
        (
            Component(
                AGREEMENT_AMOUNT,
                _("Cooperation agreement amounts"),
                _(
                    "Amounts of the cooperation agreements signed in the year for scenarios of the region "
                    "(in 10k yuan; terminated cooperations left out)."
                ),
            ),
            Component(
                ADOPTION_AMOUNT,
                _("Promoted product adoptions"),
                _("Amounts of adoptions of catalogue products recorded in the region in the year."),
            ),
            Component(
                InputKind.PROCUREMENT_OUTSIDE,
                InputKind.PROCUREMENT_OUTSIDE.label,
                _("Entered by the office: AI product procurement in the region the platform did not record."),
                office_input=True,
            ),
        ),
    ),
    CriterionDef(
        Criterion.CONCENTRATION,
        Criterion.CONCENTRATION.label,
        "应用场景较为集中",
        pgettext_lazy("unit", "scenarios"),
        (
            Component(
                SCENARIOS_RELEASED,
                _("Scenarios released"),
                _("Scenarios of the region whose first release falls in the year, whatever their state now."),
            ),
        ),
    ),
    CriterionDef(
        Criterion.PUBLICITY,
        Criterion.PUBLICITY.label,
        "宣传推广力度较大",
        _("items"),
        (
            Component(
                CONFERENCES_HOSTED,
                _("Conferences hosted"),
                _("Provincial release conferences the city hosted that were held in the year."),
            ),
            Component(
                NEWS_ITEMS,
                _("Publicity items on the platform"),
                _("News and publicity items published on the platform in the year about the region."),
            ),
            Component(
                InputKind.MEDIA_ITEMS,
                InputKind.MEDIA_ITEMS.label,
                _(
                    "Entered by the office: media reports, broadcasts and other publicity outside the platform."
                ),
                office_input=True,
            ),
        ),
    ),
    CriterionDef(
        Criterion.BENCHMARK,
        Criterion.BENCHMARK.label,
        "标杆案例示范引领效应明显",
        _("cases"),
        (
            Component(
                CASES_DESIGNATED,
                _("Benchmark cases designated"),
                _("Benchmark cases of the region designated by the office for the year."),
            ),
        ),
    ),
)
CRITERIA_BY_CODE = {c.code: c for c in CRITERIA}
CRITERION_CODES: tuple[str, ...] = tuple(c.code for c in CRITERIA)
PLATFORM_COMPONENTS: tuple[str, ...] = tuple(
    x.code for c in CRITERIA for x in c.components if not x.office_input
)
INPUT_CRITERION = {x.code: c.code for c in CRITERIA for x in c.components if x.office_input}

# Until the office sets a year's weights, every criterion weighs the same.
DEFAULT_WEIGHTS: dict[str, int] = dict.fromkeys(CRITERION_CODES, 20)

NORMALISATION = _(
    "Each criterion is scaled to 0–100 by the year's best region: a region's raw value divided by the highest "
    "raw value of any region that year, times 100 (rounded to 0.01; when no region has any, all score 0). "
    "The total is the sum of each scaled value times its weight / 100, so it is also between 0 and 100. "
    "Regions with the same total share a rank and are listed in the official order of regions."
)
