"""Browser journey: a supplier finds a scenario, applies, and the owner compares and shortlists."""

import os

import pytest
from django.conf import settings
from django.test import Client

from scenariohub.matching.models import Application
from scenariohub.matching.tests.factories import SupplierProfileFactory, released_scenario

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = settings.BASE_DIR.parent / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian's Chromium is not installed")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield instance
        instance.close()


def _page_as(browser, live_server, membership):
    client = Client()
    client.force_login(membership.user)
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    return context.new_page()


def test_supplier_applies_and_owner_shortlists(browser, live_server, provider, supplier):
    ARTIFACTS.mkdir(exist_ok=True)
    SupplierProfileFactory(organisation=supplier.organisation)
    scenario = released_scenario(provider.organisation, title="电池极片缺陷视觉检测")

    page = _page_as(browser, live_server, supplier)
    page.goto(f"{live_server.url}/matching/scenarios/{scenario.pk}/")
    page.screenshot(path=str(ARTIFACTS / "matching-scenario-page.png"), full_page=True)
    page.get_by_role("link", name="我要申报").click()
    page.get_by_label("方案说明").fill("采用线阵相机与边缘推理盒，六周完成部署。")
    page.screenshot(path=str(ARTIFACTS / "matching-apply-form.png"), full_page=True)
    page.get_by_role("button", name="提交申报").click()
    page.wait_for_url("**/matching/applications/*/")
    assert "申报已提交" in page.content()
    application = Application.objects.get()

    owner = _page_as(browser, live_server, provider)
    owner.goto(f"{live_server.url}/matching/scenarios/{scenario.pk}/applications/")
    assert supplier.organisation.name in owner.content()
    owner.screenshot(path=str(ARTIFACTS / "matching-comparison.png"), full_page=True)
    owner.get_by_role("link", name=supplier.organisation.name).click()
    owner.get_by_role("button", name="入围", exact=True).click()
    owner.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == "shortlisted"
    owner.screenshot(path=str(ARTIFACTS / "matching-application-shortlisted.png"), full_page=True)
