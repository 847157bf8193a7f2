"""The dashboard in headless Chromium under the strict CSP: charts draw from the static script, the tables
carry the same figures, and the console stays free of errors. Screenshots in test-artifacts/dashboard/."""

import pytest

from scenariohub.core.tests.browser import shot
from scenariohub.dashboard.tests.helpers import bj, designated, released

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_dashboard_draws_its_charts_without_csp_errors(new_page, settings):
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
    page = new_page()
    page.goto("/dashboard/public/?year=2025")
    page.wait_for_selector(".js-chart canvas")
    assert page.locator(".js-chart canvas").count() == page.locator(".js-chart").count() == 3
    assert page.locator("#target-published .actual").inner_text() == "12"
    assert page.locator("#breakdown-region caption").count() == 1
    shot(page, "dashboard/public-2025")
    assert page.console_errors == []
