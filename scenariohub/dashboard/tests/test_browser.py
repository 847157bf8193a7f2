"""The dashboard in headless Chromium under the strict CSP: charts draw from the static script, the tables
carry the same figures, and the console stays free of errors. Screenshots in test-artifacts/dashboard/."""

import os
from pathlib import Path

import pytest

from scenariohub.dashboard.tests.helpers import bj, designated, released

sync_api = pytest.importorskip("playwright.sync_api")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "dashboard"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def test_public_dashboard_draws_its_charts_without_csp_errors(live_server, settings):
    # The flush after this transactional test empties the reference tables; the root conftest reloads them.
    settings.DEBUG = False
    for i in range(12):
        s = released(
            bj(2025, 1 + i, 10),
            region_id=("510100", "510700")[i % 2],
            kind=("government", "industrial")[i % 2],
        )
        if i % 4 == 0:
            designated(s, bj(2025, 12, 1 + i))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(
                base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
            )
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto("/dashboard/public/?year=2025")
            page.wait_for_selector(".js-chart canvas")
            assert page.locator(".js-chart canvas").count() == page.locator(".js-chart").count() == 3
            assert page.locator("#target-published .actual").inner_text() == "12"
            assert page.locator("#breakdown-region caption").count() == 1
            page.screenshot(path=str(ARTIFACTS / "public-2025.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
