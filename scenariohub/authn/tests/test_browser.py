"""In headless Chromium under the strict CSP: the office enrols (QR code and key), logs out, logs in again
with a code, and opens the login-security page. Screenshots in test-artifacts/authn/."""

import pytest

from scenariohub.accounts.tests.factories import TEST_PASSWORD
from scenariohub.authn.models import AccountSecurity
from scenariohub.core.tests.browser import log_in, log_out, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_enrols_then_logs_in_with_a_code(new_page, office):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(office.user.username)
    page.get_by_label("密码").fill("wrong-Password-1")
    page.locator("main").get_by_role("button", name="登录").click()
    assert "请输入一个正确的" in page.locator(".form-errors").inner_text()
    assert AccountSecurity.objects.get(user=office.user).failed_logins == 1

    log_in(page, office)  # first login: enrolment
    shot(page, "authn/01-office-workspace-after-enrolment")
    log_out(page)
    log_in(page, office)  # second login: a code from the enrolled device
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="登录安全").click()
    page.wait_for_url("**/accounts/security/")
    assert "已设置" in page.locator("main").inner_text()
    shot(page, "authn/02-login-security")
    assert page.console_errors == []


def test_the_enrolment_page_draws_its_qr_code_under_the_csp(new_page, office):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(office.user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/two-factor/enrol/**")
    box = page.locator(".qr-code svg").bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    assert len(page.locator("#totp-secret").inner_text().replace(" ", "")) == 32
    shot(page, "authn/00-enrolment")
    assert page.console_errors == []
