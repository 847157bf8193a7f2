"""The platform's figures behind each criterion (criteria.py says them in words), per region, for a year.

Years are calendar years in Beijing time (the project's TIME_ZONE), as on the targets dashboard. Each
function returns {region code: Decimal} and counts from history, so a scenario withdrawn after its release
still counts for its release year. One query per component; the ranking of 21 regions costs a fixed number
of queries whatever the data.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from scenariohub.cases.models import BenchmarkCase, CaseStatus
from scenariohub.events.models import Channel, EventStatus, ReleaseEvent
from scenariohub.promotion.models import Adoption
from scenariohub.publicity.models import NewsItem
from scenariohub.scenarios.models import Scenario
from scenariohub.support.models import ApplicationStatus, SupportApplication
from scenariohub.tracking.models import Cooperation, CooperationStatus
from scenariohub.zones import criteria as c


def _counts(qs: QuerySet, region_field: str) -> dict[str, Decimal]:
    rows = qs.values(region_field).annotate(n=Count("pk", distinct=True)).values_list(region_field, "n")
    return {region: Decimal(n) for region, n in rows if region}


def _sums(qs: QuerySet, region_field: str, amount_field: str) -> dict[str, Decimal]:
    rows = qs.values(region_field).annotate(total=Sum(amount_field)).values_list(region_field, "total")
    return {region: Decimal(total or 0) for region, total in rows if region}


def scenarios_released(year: int) -> dict[str, Decimal]:
    return _counts(Scenario.objects.filter(published_year=year), "region_id")


def conferences_hosted(year: int) -> dict[str, Decimal]:
    qs = ReleaseEvent.objects.filter(channel=Channel.CONFERENCE, status=EventStatus.HELD, date__year=year)
    return _counts(qs, "host_region_id")


def news_items(year: int) -> dict[str, Decimal]:
    return _counts(NewsItem.objects.filter(published=True, published_at__year=year), "region_id")


YUAN_PER_WAN = Decimal(10_000)


def support_granted(year: int) -> dict[str, Decimal]:
    qs = SupportApplication.objects.filter(status=ApplicationStatus.GRANTED, decided_at__year=year)
    return _counts(qs, "region_id")


def agreement_amount(year: int) -> dict[str, Decimal]:
    """In 10k yuan (agreements are recorded in yuan); a terminated cooperation bought nothing and is left out."""
    qs = Cooperation.objects.filter(signed_on__year=year).exclude(status=CooperationStatus.TERMINATED)
    return {
        r: (v / YUAN_PER_WAN).quantize(Decimal("0.01"))
        for r, v in _sums(qs, "scenario__region_id", "amount").items()
    }


def adoption_amount(year: int) -> dict[str, Decimal]:
    return _sums(Adoption.objects.filter(adopted_on__year=year, amount__isnull=False), "region_id", "amount")


def cases_designated(year: int) -> dict[str, Decimal]:
    return _counts(BenchmarkCase.objects.filter(status=CaseStatus.DESIGNATED, year=year), "region_id")


SOURCES: dict[str, Callable[[int], dict[str, Decimal]]] = {
    c.SUPPORT_GRANTED: support_granted,
    c.AGREEMENT_AMOUNT: agreement_amount,
    c.ADOPTION_AMOUNT: adoption_amount,
    c.SCENARIOS_RELEASED: scenarios_released,
    c.CONFERENCES_HOSTED: conferences_hosted,
    c.NEWS_ITEMS: news_items,
    c.CASES_DESIGNATED: cases_designated,
}


def platform_facts(year: int) -> dict[str, dict[str, Decimal]]:
    """{component code: {region: value}} for every platform component of the criteria."""
    return {code: SOURCES[code](year) for code in c.PLATFORM_COMPONENTS}
