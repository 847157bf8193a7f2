"""The path people walk every day, in headless Chromium: a provider drafts and submits a scenario, the
Chengdu city lead department approves it, the office publishes it, and a visitor finds it through a filter
and a Chinese keyword. Screenshots go to test-artifacts/journey/ (git-ignored)."""

import importlib
import os
import re
from pathlib import Path

import pytest
from django.apps import apps

from scenariohub.accounts.tests.factories import TEST_PASSWORD
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "journey"
TITLE = "凉山州光伏电站无人机智能巡检"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
    # The live server reads committed data, so this test commits; the flush after it empties every table.
    pytest.mark.django_db(transaction=True),
]


def _load_reference_data() -> None:
    """Sectors, fields and regions come from a data migration, which a flush does not replay."""
    migration = importlib.import_module("scenariohub.reference.migrations.0002_load_taxonomy")
    migration.load(apps, None)


@pytest.fixture(scope="module", autouse=True)
def _reference_data_for_later_tests(django_db_blocker):
    # Module teardown runs after the flush of the last test here: put the migration's rows back so that
    # transactional tests collected after this module find them.
    yield
    with django_db_blocker.unblock():
        _load_reference_data()


@pytest.fixture
def reference_data(transactional_db):
    from scenariohub.reference.models import Region

    if not Region.objects.exists():  # an earlier transactional test flushed them
        _load_reference_data()


@pytest.fixture
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(width: int = 1280):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.console_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, membership) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(membership.user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url("**/workspace/")


def log_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/$"))


def test_scenario_from_draft_to_catalogue(reference_data, new_page, provider, chengdu_city, office, other_provider, tmp_path):
    ScenarioFactory(owner=other_provider.organisation, status=Status.PUBLISHED, title="绵阳光伏组件缺陷检测")
    ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED, title="成都产线设备预测性维护")

    # 1. The provider drafts the scenario; the field list follows the chosen sector (HTMX).
    page = new_page()
    log_in(page, provider)
    shot(page, "01-provider-workspace")
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
    shot(page, "02-provider-new-scenario")
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
    shot(page, "03-provider-edit-with-attachment")
    page.locator("aside").get_by_role("button", name="提交审核").click()
    page.wait_for_url(f"**/scenarios/{scenario.pk}/")
    shot(page, "04-provider-submitted")
    scenario.refresh_from_db()
    assert scenario.status == Status.SUBMITTED
    log_out(page)

    # 2. The Chengdu city lead department approves it from its review queue.
    log_in(page, chengdu_city)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审核队列").click()
    row = page.locator("tr", has_text=TITLE)
    shot(page, "05-city-review-queue")
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
    shot(page, "06-office-published")
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
    shot(visitor, "07-visitor-filtered")
    visitor.get_by_role("link", name=TITLE).click()
    visitor.wait_for_url(f"**/scenarios/{scenario.pk}/")
    assert "已发布" in visitor.content() and "巡检需求说明.pdf" in visitor.content()
    shot(visitor, "08-visitor-detail")

    mobile = new_page(width=390)
    mobile.goto("/scenarios/?region=510100&q=%E5%85%89%E4%BC%8F")
    assert TITLE in mobile.content()
    shot(mobile, "09-visitor-mobile")

    assert page.console_errors == [] and visitor.console_errors == [] and mobile.console_errors == []
