"""Browser journeys: the office weighs the year, enters a missing figure, selects a zone with its reason and
decides the year (the page then shows the frozen snapshot, also to the public); a provider applies for an
innovation voucher on its cooperation and the responsible department grants it. Screenshots in
test-artifacts/zones/."""

import datetime as dt
from decimal import Decimal

import pytest

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import member
from scenariohub.conftest import as_actor
from scenariohub.core.tests.browser import log_in, shot
from scenariohub.scenarios.tests.factories import ScenarioFactory
from scenariohub.support import services as support_services
from scenariohub.support.models import SupportApplication
from scenariohub.support.tests.factories import cooperation
from scenariohub.zones.models import ZoneInput, ZoneScore, ZoneSelection, ZoneYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2026


def test_office_weighs_selects_and_decides(reference_data, new_page, office, provider, supplier):
    cooperation(
        provider.organisation,
        supplier.organisation,
        region="510100",
        signed_on=dt.date(YEAR, 3, 1),
        amount=Decimal("2000000"),
    )
    ScenarioFactory(owner=provider.organisation, region_id="510100", status="published", published_year=YEAR)
    page = new_page()
    log_in(page, office)
    page.goto(f"/zones/{YEAR}/")
    assert "合作协议金额" in page.content() and "由链长办录入" in page.content()
    page.get_by_role("link", name="设置权重").click()
    page.get_by_label("政策落实").fill("10")
    page.get_by_label("产品采购数量").fill("40")
    page.get_by_label("应用场景集中度").fill("20")
    page.get_by_label("宣传推广力度").fill("15")
    page.get_by_label("标杆案例示范引领").fill("15")
    page.get_by_role("button", name="保存权重").click()
    page.wait_for_url(f"**/zones/{YEAR}/")
    assert "权重已保存" in page.content()
    assert ZoneYear.objects.get(year=YEAR).weights["procurement"] == 40

    page.get_by_role("link", name="录入数据").click()
    page.get_by_label("成都市 · 出台政策文件数").fill("3")
    page.get_by_label("数据来源").fill("成都市1月报送材料")
    shot(page, "zones/01-inputs")
    page.get_by_role("button", name="保存录入数据").click()
    page.wait_for_url(f"**/zones/{YEAR}/")
    assert ZoneInput.objects.get().value == 3

    page.locator("#id_region").select_option("510100")
    page.locator("#id_level").select_option("provincial")
    page.locator("#id_reason").fill("采购量和场景数量均居全省首位")
    page.get_by_role("button", name="记录遴选结果").click()
    page.wait_for_url(f"**/zones/{YEAR}/")
    assert ZoneSelection.objects.get().region_id == "510100"
    assert page.locator("#region-510100 td").first.inner_text().strip() == "1"
    shot(page, "zones/02-ranking")

    page.get_by_role("link", name="作出年度决定").click()
    page.get_by_label("决定说明").fill("经链长办会议研究决定")
    page.get_by_label("我已知悉：本年度得分将被固定，今后不再变动。").check()
    page.get_by_role("button", name="作出决定并固定得分").click()
    page.wait_for_url(f"**/zones/{YEAR}/")
    assert page.locator("#frozen-note").is_visible()
    assert ZoneScore.objects.filter(zone_year__year=YEAR).count() == 21
    shot(page, "zones/03-decided")
    assert page.console_errors == []

    public = new_page()
    public.goto(f"/zones/{YEAR}/")
    assert "采购量和场景数量均居全省首位" in public.content()
    assert public.console_errors == []


def test_voucher_applied_for_and_granted(reference_data, new_page, office, provider, supplier):
    keji = member(org_type=Role.DEPARTMENT, region=None, name="四川省科学技术厅", username="keji")
    support_services.measure_department_set(
        actor=as_actor(office), measure="innovation_voucher", department_id=keji.organisation_id
    )
    coop = cooperation(provider.organisation, supplier.organisation)
    page = new_page()
    log_in(page, provider)
    page.goto(f"/support/applications/new/?cooperation={coop.pk}")
    assert page.locator("#eligibility").is_visible()
    page.get_by_label("支持措施").select_option("innovation_voucher")
    page.get_by_label("申请用途").fill("用于产线质检系统的研发投入")
    page.get_by_label("申请金额（万元）").fill("20")
    shot(page, "zones/04-voucher-form")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/support/applications/*/")
    application = SupportApplication.objects.get()
    assert page.console_errors == []

    dept = new_page()
    log_in(dept, keji)
    dept.goto(f"/support/applications/{application.pk}/")
    dept.get_by_label("审批结果").select_option("granted")
    dept.get_by_label("批准金额（万元）").fill("15")
    dept.get_by_role("button", name="提交审批结果").click()
    dept.wait_for_url(f"**/support/applications/{application.pk}/")
    assert dept.locator("#amount-granted").inner_text() == "15.00"
    shot(dept, "zones/05-voucher-granted")
    application.refresh_from_db()
    assert (application.status, application.amount_granted) == ("granted", Decimal("15.00"))
    dept.goto(f"/support/summary/?year={application.year}")
    assert dept.locator("#summary-innovation_voucher").is_visible()
    assert dept.console_errors == []
