"""The dashboard's policy-support and demonstration-zone panels: the figures of the support summary and the
zone ranking for the selected year, shown to whom those pages show them, in the .xlsx, in few queries."""

import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from scenariohub.conftest import as_actor, client_for
from scenariohub.dashboard.tests.helpers import bj
from scenariohub.support.models import SupportApplication
from scenariohub.support.tests.factories import cooperation
from scenariohub.tracking.models import CooperationStatus
from scenariohub.zones import services as zone_services

pytestmark = pytest.mark.django_db
YEAR = 2026
CD = "510100"


@pytest.fixture
def support_data(provider, supplier):
    def apply(measure, status, year=YEAR, requested="20", granted=None, **extra):
        # One application per measure and cooperation: each on a cooperation of its own.
        coop = cooperation(
            provider.organisation, supplier.organisation, status=CooperationStatus.PILOTED, region=CD
        )
        return SupportApplication.objects.create(
            measure=measure, applicant=provider.organisation, cooperation=coop, region_id=CD, year=year,
            summary="申请", amount_requested=D(requested), status=status,
            amount_granted=D(granted) if granted else None,
            decided_at=None if status == "submitted" else bj(year, 6, 1), **extra,
        )

    apply("innovation_voucher", "granted", granted="12.5")
    apply("innovation_voucher", "granted", granted="7.5")
    apply("innovation_voucher", "submitted")
    apply("bond_project", "refused", decision_reason="不符合条件")
    apply("compute_subsidy", "granted", year=YEAR - 1, granted="99")  # another year: not counted


def _html(client, url="dashboard:targets"):
    response = client.get(reverse(url), {"year": YEAR})
    assert response.status_code == 200
    return response.content.decode()


def _row(html, row_id):
    found = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert found, row_id
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1))]


def test_office_and_city_see_the_years_support_figures_and_the_live_zone_ranking(
    office, chengdu_city, support_data
):
    for member in (office, chengdu_city):
        html = _html(client_for(member))
        assert 'data-code="support-applications">4<' in html  # the year's four, not last year's
        label, applications, granted, amount = _row(html, "dashboard-support-innovation_voucher")
        assert (label, applications, granted, D(amount)) == ("科技创新券", "3", "2", D(20))
        assert _row(html, "dashboard-support-bond_project")[1:3] == ["1", "0"]
        assert 'href="/support/"' in html and f'href="/support/summary/?year={YEAR}"' in html
        # Zones: the year is open, so the live ranking; 成都 leads on its granted support.
        assert "dashboard-zones" in html and "尚未决定" in html and "名次" in html
        assert _row(html, f"dashboard-zone-{CD}")[:2] == ["1", "成都市"]
        assert 'href="/zones/"' in html and f'href="/zones/{YEAR}/"' in html


def test_the_public_summary_shows_no_support_figures_and_zones_only_once_decided(
    anon_client, office, department, support_data
):
    for client in (anon_client, client_for(office)):
        html = _html(client, "dashboard:public")
        assert "dashboard-support" not in html and "dashboard-zones" not in html
    actor = as_actor(office)
    zone_services.zone_select(actor=actor, year=YEAR, region=CD, level="provincial", reason="综合排名第一")
    zone_services.zone_year_decide(actor=actor, year=YEAR, note="研究决定")
    for client in (anon_client, client_for(office)):
        html = _html(client, "dashboard:public")
        assert "dashboard-support" not in html and "创新券" not in html
        assert "该年度已决定" in html
        assert _row(html, f"dashboard-zone-{CD}") == ["1", "成都市", _row(html, f"dashboard-zone-{CD}")[2], "省级示范区"]


def test_xlsx_has_the_support_and_zone_sheets(office, support_data):
    response = client_for(office).get(reverse("dashboard:targets-xlsx"), {"year": YEAR})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    support = {row[0]: row[1:] for row in book["政策支持"].iter_rows(min_row=2, values_only=True)}
    assert support["科技创新券"] == (3, 2, 20, 60)
    assert support["合计"][:2] == (4, 2)
    zones = list(book["示范区"].iter_rows(values_only=True))
    assert zones[0] == ("尚未决定（实时排名）",) + (None,) * 5
    assert zones[2][:4] == (1, "否", CD, "成都市")


def test_dashboard_queries_stay_bounded(office, support_data, django_assert_max_num_queries):
    from django.core.cache import cache

    client = client_for(office)
    client.get(reverse("dashboard:targets"), {"year": YEAR})  # session, permissions and the like warmed
    cache.clear()
    # Counted afresh (33 on SQLite): the targets' grouped counts, the support summary's two, the open zone
    # year's live ranking (seven platform sources, inputs, selections). A decided year reads its snapshot.
    with django_assert_max_num_queries(34):
        assert client.get(reverse("dashboard:targets"), {"year": YEAR}).status_code == 200
