"""The second half of the pipeline in headless Chromium (issue 5): the owner records the agreement with a
shortlisted supplier, starts the work and reports progress, records the pilot acceptance; the Chengdu city
lead department nominates it as a benchmark case; the office designates it; a visitor finds it on the
public showcase, opens the case page and downloads the PDF. Screenshots go to test-artifacts/benchmark/."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota, CaseStatus
from scenariohub.conftest import CHENGDU, as_actor
from scenariohub.core.tests.browser import HAVE_CHROMIUM, log_in, log_out, shot
from scenariohub.matching import services as matching
from scenariohub.matching.tests.factories import released_scenario
from scenariohub.scenarios.models import ScenarioTransition, Status
from scenariohub.tracking.models import Cooperation, CooperationStatus

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

TITLE = "成都电子厂视觉质检标杆案例"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"),
    # The live server reads committed data, so this test commits; the flush after it empties every table.
    pytest.mark.django_db(transaction=True),
]


def test_agreement_to_showcase(reference_data, new_page, provider, supplier, chengdu_city, office):
    # A released scenario with a shortlisted application: where the tracking pages take over.
    scenario = released_scenario(provider.organisation, title="成都电子厂产线视觉质检")
    application = matching.application_create(
        actor=as_actor(supplier), scenario_id=scenario.pk, data={"proposal": "基于深度学习的视觉质检方案"}
    )
    matching.application_shortlist(actor=as_actor(provider), application_id=application.pk)
    BenchmarkQuota.objects.create(
        year=timezone.localdate().year, region_id=CHENGDU, number=2, set_by=office.user
    )
    today = timezone.localdate()

    # 1. The owner records the agreement, starts the work and reports progress.
    page = new_page()
    log_in(page, provider)
    page.goto(f"/tracking/new/{application.pk}/")
    page.fill("[name=parties]", "成都智造示范工厂、蜀智科技有限公司")
    page.fill("[name=signed_on]", (today - dt.timedelta(days=40)).isoformat())
    page.fill("[name=amount]", "1500000")
    page.fill("[name=duration_months]", "6")
    page.fill("[name=scope]", "两条产线的外观缺陷视觉检测")
    shot(page, "benchmark/01-agreement")
    page.get_by_role("button", name="登记协议").click()
    page.wait_for_url("**/tracking/*/")
    cooperation = Cooperation.objects.get(scenario=scenario)
    assert cooperation.status == CooperationStatus.AGREED
    page.fill("[name=started_on]", (today - dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="启动实施").click()
    expect(page.get_by_role("link", name="登记试点验收")).to_be_visible()
    page.get_by_role("link", name="填报进展").first.click()
    page.fill("[name=percent_complete]", "60")
    page.fill("[name=text]", "两条产线已部署检测相机，模型完成首轮训练。")
    page.get_by_role("button", name="保存报告").click()
    page.wait_for_url(f"**/tracking/{cooperation.pk}/")
    assert "两条产线已部署检测相机" in page.content()
    shot(page, "benchmark/02-progress-reported")

    # 2. The pilot is accepted with its measured results.
    page.get_by_role("link", name="登记试点验收").click()
    page.fill("[name=accepted_on]", today.isoformat())
    page.fill("[name=report]", "试点验收通过，检测指标全部达标。")
    page.fill("[name=metric_0_name]", "漏检率")
    page.fill("[name=metric_0_before]", "5")
    page.fill("[name=metric_0_after]", "0.8")
    page.fill("[name=metric_0_unit]", "%")
    page.get_by_role("button", name="登记验收").click()
    page.wait_for_url(f"**/tracking/{cooperation.pk}/")
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.PILOTED
    log_out(page)

    # 3. The city lead department of Chengdu nominates it from its nominations page.
    page = new_page()
    log_in(page, chengdu_city)
    page.get_by_role("link", name="标杆案例推荐").click()
    expect(page.get_by_text("已用 0 个，共 2 个", exact=False)).to_be_visible()
    page.get_by_role("link", name="成都电子厂产线视觉质检").click()
    page.get_by_label("案例名称").fill(TITLE)
    page.get_by_label("背景").fill("电子元件外观缺陷长期依赖人工目检，漏检率高、人员流动大。")
    page.get_by_label("解决方案").fill("部署视觉质检平台，边缘侧实时推理，与产线剔除装置联动。")
    page.get_by_label("应用成效").fill("漏检率由 5% 降至 0.8%，每条产线减少质检人员 6 名。")
    page.get_by_label("关键数据").fill("漏检率：下降 84%\n质检人员：每线减少 6 名")
    page.get_by_label("视频链接").fill("https://video.example.cn/benchmark.mp4")
    shot(page, "benchmark/03-nomination")
    page.get_by_role("button", name="推荐").click()
    expect(page.get_by_text("案例已推荐")).to_be_visible()
    case = BenchmarkCase.objects.get(cooperation=cooperation)
    assert case.status == CaseStatus.NOMINATED and case.figures.count() == 2
    log_out(page)

    # 4. The office designates it.
    page = new_page()
    log_in(page, office)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_label("理由（不予认定时必填）").fill("示范效应突出，可在全省电子制造业推广。")
    shot(page, "benchmark/04-office-decision")
    page.get_by_role("button", name="认定为标杆案例").click()
    expect(page.get_by_text("已认定为标杆案例")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.DESIGNATED
    assert ScenarioTransition.objects.filter(scenario=scenario, to_status=Status.BENCHMARK).count() == 1
    office_errors = list(page.console_errors)

    # 5. A visitor finds it on the showcase, opens it and downloads the PDF.
    visitor = new_page()
    visitor.goto("/cases/")
    visitor.get_by_label("地区").select_option(CHENGDU)
    visitor.get_by_role("button", name="筛选").click()
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", name=TITLE)).to_be_visible()
    assert visitor.title().startswith(TITLE)
    assert visitor.locator('meta[property="og:title"]').get_attribute("content") == TITLE
    assert "下降 84%" in visitor.content() and "0.8" in visitor.content()
    shot(visitor, "benchmark/05-public-case")
    visitor.emulate_media(media="print")
    expect(visitor.locator(".site-header")).to_be_hidden()
    expect(visitor.get_by_role("link", name="下载 PDF")).to_be_hidden()
    shot(visitor, "benchmark/06-public-case-print")
    visitor.emulate_media(media="screen")
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="下载 PDF").click()
    pdf = download_info.value.path().read_bytes()
    assert TITLE in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert office_errors == [] and visitor.console_errors == []
