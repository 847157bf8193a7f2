"""Shared Playwright fixtures and helpers for the browser journeys (headless Debian Chromium against
pytest-django's ``live_server``). Registered as a pytest plugin by ``scenariohub/conftest.py``, so every
test can ask for ``browser``, ``new_page`` and ``reference_data``; the helpers are imported:

    from scenariohub.core.tests.browser import log_in, log_out, shot

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_something(reference_data, new_page, office):
        page = new_page()
        log_in(page, office)          # handles the office's two-factor step
        shot(page, "myjourney/01-workspace")
        assert page.console_errors == []

Log in only through ``log_in``: it knows every step of the login (password, then two-factor enrolment
or verification for the roles that need it)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
HAVE_CHROMIUM = Path(CHROMIUM).exists()


def load_reference_data() -> None:
    """Sectors, fields and regions come from a data migration, which a flush does not replay."""
    from django.apps import apps

    importlib.import_module("scenariohub.reference.migrations.0002_load_taxonomy").load(apps, None)


@pytest.fixture
def reference_data(transactional_db):
    """The plan's taxonomy, present even if an earlier transactional test flushed it (the root conftest
    restores it after each such test; this covers a test run on its own after a failed teardown)."""
    from scenariohub.reference.models import Region

    if not Region.objects.exists():
        load_reference_data()


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium for one test. Playwright's sync API runs an event loop in this thread while it
    is open; the test's own ORM calls are still synchronous, so Django's async guard is lifted for it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not HAVE_CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(width=1280)`` opens a page in a fresh browser context (its own cookies) on the live
    server, Chinese locale, 10 s default timeout. ``page.console_errors`` collects console errors and
    uncaught page errors (a CSP violation shows up there): end a journey with ``== []``."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": height}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.console_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    """Full-page screenshot to ``test-artifacts/<name>.png`` (git-ignored); ``name`` may hold a folder,
    e.g. ``"conference/01-new"``."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def log_in(page, membership, password: str | None = None) -> None:
    """Log ``membership``'s user in through the login page and land on the workspace. Where the account
    needs a second factor (the office, admin-site users) it takes that step as a person would: at the
    first login it enrols, reading the key off the page and computing the authenticator's code; later it
    enters the code of the device it enrolled."""
    from scenariohub.accounts.tests.factories import TEST_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(membership.user.username)
    page.get_by_label("密码").fill(password or TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/workspace/" in url or "/accounts/two-factor/" in url)
    if "/accounts/two-factor/enrol/" in page.url:
        _enrol_totp(page)
    elif "/accounts/two-factor/" in page.url:
        _enter_totp(page, membership.user)
    page.wait_for_url("**/workspace/")


def _enrol_totp(page) -> None:
    from base64 import b32decode

    from django_otp.oath import totp

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("验证码").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="开启双因素认证").click()
    page.wait_for_url("**/accounts/two-factor/enrol/**")
    page.locator("#recovery-codes li").first.wait_for()
    page.get_by_role("link", name="我已保存，继续").click()


def _enter_totp(page, user) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from scenariohub.authn.tests.helpers import totp_code

    page.get_by_label("验证码").fill(totp_code(TOTPDevice.objects.get(user=user, confirmed=True)))
    page.get_by_role("button", name="验证").click()


def log_out(page) -> None:
    """Log out with the header's button and land on the home page."""
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/$"))
