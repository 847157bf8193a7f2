"""With DEBUG off a failure shows a generic Chinese page (the API: its one JSON error), never a traceback;
log lines carry the request id and no secrets; security headers on every response."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from scenariohub.core.logs import REDACTED, RedactSecretsFilter, redact
from scenariohub.scenarios import selectors as scenario_selectors

pytestmark = pytest.mark.django_db


class _Capture(logging.Handler):
    """A handler with the filters the console handler has in settings.LOGGING (request id, redaction)."""

    def __init__(self):
        super().__init__()
        console = next(h for h in logging.getLogger().handlers if h.filters)
        self.filters = list(console.filters)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s [%(request_id)s] %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    handler = _Capture()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.lines
    root.removeHandler(handler)


def _no_traceback(text: str) -> None:
    for needle in ("Traceback", "PlannedFailure", "hunter2", 'File "', "site-packages", "Error at"):
        assert needle not in text, needle


@pytest.mark.urls("scenariohub.core.tests.urls_faults")
def test_a_failing_page_shows_the_generic_chinese_page(settings, log_lines):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/test-fault/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务暂时不可用" in text and "系统出现了错误" in text
    _no_traceback(text)
    request_id = response["X-Request-ID"]
    error_lines = [line for line in log_lines if "Internal Server Error" in line]
    assert error_lines and f"[{request_id}]" in error_lines[0]
    assert all("hunter2" not in line for line in log_lines)


def test_the_500_template_renders_without_any_context():
    from django.template import loader

    html = loader.get_template("500.html").render()  # as django.views.defaults.server_error does
    assert "服务暂时不可用" in html and "{%" not in html


def test_a_failing_api_call_gives_the_generic_json_error(settings, monkeypatch, log_lines):
    settings.DEBUG = False

    def broken(**kwargs):  # fault injection: the selector fails as a bug would
        raise RuntimeError("database said: password=hunter2-secret")

    monkeypatch.setattr(scenario_selectors, "scenario_list_visible", broken)
    response = Client(raise_request_exception=False).get("/api/v1/scenarios")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server_error" and set(body) == {"code", "message"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    _no_traceback(response.content.decode())
    request_id = response["X-Request-ID"]
    api_lines = [line for line in log_lines if "API error" in line]
    assert api_lines and f"[{request_id}]" in api_lines[0]
    assert all("hunter2" not in line for line in log_lines) and any(REDACTED in line for line in log_lines)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("login failed for wang password=Hunter2!x", "Hunter2!x"),
        ("{'username': 'wang', 'password': 'Hunter2!x'}", "Hunter2!x"),
        ('{"new_password1": "Hunter2!x"}', "Hunter2!x"),
        ("HTTP_AUTHORIZATION: Bearer Zm9vYmFyYmF6cXV4cXV1eA", "Zm9vYmFyYmF6cXV4cXV1eA"),
        ("GET /api/v1/me?token=abcdef123456", "abcdef123456"),
        ("Cookie: csrftoken=AbC123dEf; sessionid=xyz987abc", "xyz987abc"),
        ("SCENARIOHUB_DATA_KEY=kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", "kkkkkkkkkkkkkkkk"),
        ("SECRET_KEY: s3cr3t-value", "s3cr3t-value"),
        ("connecting to postgres://app:Sup3rS3cret@db:5432/scen", "Sup3rS3cret"),
        ("otp_token=123456 accepted", "123456"),
    ],
)
def test_redaction(text, secret):
    assert secret not in redact(text) and REDACTED in redact(text)


def test_redaction_leaves_ordinary_text_alone():
    text = "tokenizer ready; password policy: 10 characters; 138****1111 scenario 42"
    assert redact(text) == text


def test_the_filter_redacts_arguments_and_tracebacks():
    try:
        raise ValueError("bad login password=Hunter2!x")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "user %s token=%s", ("wang", "tok123456"), sys.exc_info()
        )
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == f"user wang token={REDACTED}"
    assert "Hunter2" not in record.exc_text and "ValueError" in record.exc_text


@pytest.mark.parametrize("path", ["home", "api"])
def test_security_headers_on_pages_and_api(client, path):
    response = client.get(reverse("home") if path == "home" else "/api/v1/reference")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in response["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response  # development: plain HTTP, no HSTS


def test_hsts_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
