"""The path people walk every day, in headless Chromium: a provider drafts and submits a scenario, the
Chengdu city lead department approves it, the office publishes it, and a visitor finds it through a filter
and a Chinese keyword. Screenshots go to test-artifacts/journey/ (git-ignored)."""

import pytest

from scenariohub.core.tests.browser import HAVE_CHROMIUM, log_in, log_out, shot
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

TITLE = "凉山州光伏电站无人机智能巡检"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"),
    # The live server reads committed data, so this test commits; the flush after it empties every table.
    pytest.mark.django_db(transaction=True),
]


def test_scenario_from_draft_to_catalogue(reference_data, new_page, provider, chengdu_city, office, other_provider, tmp_path):
    ScenarioFactory(owner=other_provider.organisation, status=Status.PUBLISHED, title="绵阳光伏组件缺陷检测")
    ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, title="成都产线设备预测性维护")

    # 1. The provider drafts the scenario; the field list follows the chosen sector (HTMX).
    page = new_page()
    log_in(page, provider)
    shot(page, "journey/01-provider-workspace")
    page.get_by_role("link", name="新建场景").first.click()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("行业").select_option("manufacturing")
    # The unfiltered list already holds every field, so wait for the swap itself: an option of another
    # sector disappears (expect() retries until the HTMX response has replaced the list).
    expect(page.locator('#id_field option[value="forest-fire"]')).to_have_count(0)
    expect(page.locator('#id_field option[value="energy-chemical"]')).to_have_count(1)
    page.get_by_label("领域").select_option("energy-chemical")
    page.get_by_label("场景用途").fill("利用无人机对山地光伏电站组件进行巡检，自动识别热斑、隐裂和遮挡，减少人工登山巡检。")
    page.get_by_label("技术要求").fill("热斑识别准确率不低于95%，单次巡检覆盖20兆瓦，支持离线部署。")
    page.get_by_label("合作方式").select_option("pilot")
    page.get_by_label("申报截止日期").fill("2099-12-31")
    page.get_by_label("联系人").fill("王磊")
    page.get_by_label("联系电话").fill("13800001111")
    shot(page, "journey/02-provider-new-scenario")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/edit/")
    assert "草稿已保存" in page.content()
    scenario = Scenario.objects.get(title=TITLE)
    assert scenario.status == Status.DRAFT and scenario.field_id == "energy-chemical"

    # An attachment, then submit.
    pdf = tmp_path / "巡检需求说明.pdf"
    pdf.write_bytes(b"%PDF-1.7\n% journey\n")
    page.get_by_label("文件").set_input_files(str(pdf))
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state()
    assert "巡检需求说明.pdf" in page.content()
    shot(page, "journey/03-provider-edit-with-attachment")
    page.locator("aside").get_by_role("button", name="提交审核").click()
    page.wait_for_url(f"**/scenarios/{scenario.pk}/")
    shot(page, "journey/04-provider-submitted")
    scenario.refresh_from_db()
    assert scenario.status == Status.SUBMITTED
    log_out(page)

    # 2. The Chengdu city lead department approves it from its review queue.
    log_in(page, chengdu_city)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审核队列").click()
    row = page.locator("tr", has_text=TITLE)
    shot(page, "journey/05-city-review-queue")
    row.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state()
    assert "审核通过" in page.locator(".messages").inner_text()
    scenario.refresh_from_db()
    assert scenario.status == Status.APPROVED
    log_out(page)

    # 3. The office publishes it.
    log_in(page, office)
    page.goto("/workspace/review/")
    page.locator("tr", has_text=TITLE).get_by_role("button", name="发布").click()
    page.wait_for_load_state()
    shot(page, "journey/06-office-published")
    scenario.refresh_from_db()
    assert scenario.status == Status.PUBLISHED and scenario.published_at is not None
    log_out(page)

    # 4. A visitor finds it with a region filter and a Chinese keyword; only the results are swapped.
    visitor = new_page()
    visitor.goto("/scenarios/")
    assert "共 3 个场景" in visitor.content()
    with visitor.expect_response(lambda r: "region=510100" in r.url and r.request.headers.get("hx-request") == "true"):
        visitor.get_by_label("地区").select_option("510100")
    expect(visitor.locator(".result-count")).to_contain_text("共 2 个场景")
    visitor.get_by_label("关键词").fill("光伏")
    with visitor.expect_response(lambda r: "q=" in r.url):
        visitor.get_by_label("关键词").press("Enter")
    expect(visitor.locator(".result-count")).to_contain_text("共 1 个场景")
    assert "region=510100" in visitor.url and "q=%E5%85%89%E4%BC%8F" in visitor.url and "kind=" not in visitor.url
    assert "绵阳光伏组件缺陷检测" not in visitor.locator("#results").inner_text()
    shot(visitor, "journey/07-visitor-filtered")
    visitor.get_by_role("link", name=TITLE).click()
    visitor.wait_for_url(f"**/scenarios/{scenario.pk}/")
    assert "已发布" in visitor.content() and "巡检需求说明.pdf" in visitor.content()
    shot(visitor, "journey/08-visitor-detail")

    mobile = new_page(width=390)
    mobile.goto("/scenarios/?region=510100&q=%E5%85%89%E4%BC%8F")
    assert TITLE in mobile.content()
    shot(mobile, "journey/09-visitor-mobile")

    assert page.console_errors == [] and visitor.console_errors == [] and mobile.console_errors == []
