"""AuditMiddleware: one request record per state-changing request (pages and API), one per denied read,
none for reads that succeed; request ids on records, on the response and on log lines."""

import json
import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scenariohub.conftest import client_for
from scenariohub.core import audit
from scenariohub.core.models import AuditLog, Outcome
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory
from scenariohub.scenarios.tests.test_api_scenarios import token_client, valid_body
from scenariohub.scenarios.tests.test_views_workspace import form_data

pytestmark = pytest.mark.django_db

API = "/api/v1"
FIELDS = (
    "created_at",
    "action",
    "object_type",
    "outcome",
    "ip_address",
    "request_id",
    "method",
    "path",
    "hash",
)


def only_request_record(response) -> AuditLog:
    records = list(AuditLog.objects.requests())
    assert len(records) == 1, [(r.action, r.path) for r in records]
    record = records[0]
    assert record.request_id == response["X-Request-ID"] and len(record.request_id) == 32
    for name in FIELDS:
        assert getattr(record, name), name
    return record


def test_a_page_post_writes_one_record_and_the_change_shares_its_request_id(provider):
    response = client_for(provider).post(reverse("scenarios:create"), form_data())
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    record = only_request_record(response)
    assert (record.action, record.method, record.path) == (
        "request.post",
        "POST",
        "/workspace/scenarios/new/",
    )
    assert (record.object_type, record.object_id) == ("scenarios:create", "")
    assert (record.actor_id, record.organisation_id) == (provider.user_id, provider.organisation_id)
    assert record.outcome == Outcome.SUCCESS and record.ip_address == "127.0.0.1"
    assert record.data["status"] == 302
    change = AuditLog.objects.changes().get()
    assert (change.action, change.object_id) == ("scenario.create", str(scenario.pk))
    assert change.request_id == record.request_id and change.ip_address == "127.0.0.1"


def test_an_api_post_with_a_token_names_the_tokens_membership(provider):
    client = token_client(provider)
    response = client.post(f"{API}/scenarios", json.dumps(valid_body()), content_type="application/json")
    assert response.status_code == 201, response.content
    record = only_request_record(response)
    assert (record.object_type, record.path) == (
        "api-v1:scenario-list",
        "/api/v1/scenarios",
    )  # ninja names the path
    assert (record.actor_id, record.organisation_id) == (provider.user_id, provider.organisation_id)
    assert record.outcome == Outcome.SUCCESS and record.data["auth"] == "token"
    assert (
        AuditLog.objects.changes().filter(action="scenario.create", request_id=record.request_id).count() == 1
    )


def test_url_arguments_name_the_object(provider):
    scenario = ScenarioFactory(owner=provider.organisation, status=Status.DRAFT)
    response = client_for(provider).post(reverse("scenarios:edit", args=[scenario.pk]), {})
    record = only_request_record(response)
    assert (record.object_type, record.object_id) == ("scenarios:edit", f"pk={scenario.pk}")


def test_a_forbidden_post_is_recorded_as_denied(supplier):
    response = token_client(supplier).post(
        f"{API}/scenarios", json.dumps(valid_body()), content_type="application/json"
    )
    assert response.status_code == 403
    record = only_request_record(response)
    assert record.outcome == Outcome.DENIED and record.actor_id == supplier.user_id
    assert not AuditLog.objects.changes().filter(request_id=record.request_id).exists()


def test_an_invalid_api_post_is_recorded_as_invalid(provider):
    response = token_client(provider).post(
        f"{API}/scenarios", json.dumps(valid_body(title="")), content_type="application/json"
    )
    assert response.status_code == 422
    assert only_request_record(response).outcome == Outcome.INVALID
    assert not Scenario.objects.exists()


def test_a_page_form_shown_again_with_errors_is_invalid(provider):
    response = client_for(provider).post(reverse("scenarios:create"), form_data(title=""))
    assert response.status_code == 200
    assert only_request_record(response).outcome == Outcome.INVALID


def test_a_csrf_failure_is_recorded_as_denied(provider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider.user)
    response = client.post(reverse("scenarios:create"), form_data())
    assert response.status_code == 403
    record = only_request_record(response)
    assert record.outcome == Outcome.DENIED and record.actor_id == provider.user_id
    assert not Scenario.objects.exists()


def test_anonymous_posts_are_recorded_without_an_actor(anon_client):
    response = anon_client.post(reverse("scenarios:create"), form_data())
    assert response.status_code == 302  # to the login page
    record = only_request_record(response)
    assert record.actor_id is None and record.organisation_id is None


def test_reads_that_succeed_write_nothing(provider, anon_client):
    scenario = ScenarioFactory(owner=provider.organisation, status=Status.PUBLISHED)
    for client in (anon_client, client_for(provider)):
        for url in (
            "/",
            reverse("scenarios:catalogue"),
            reverse("scenarios:detail", args=[scenario.pk]),
            f"{API}/scenarios",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert len(response["X-Request-ID"]) == 32
    assert not AuditLog.objects.exists()


def test_a_denied_read_is_recorded(provider, other_provider):
    draft = ScenarioFactory(owner=provider.organisation, status=Status.DRAFT)  # invisible to others: 404
    response = client_for(other_provider).get(reverse("scenarios:detail", args=[draft.pk]))
    assert response.status_code == 404
    record = only_request_record(response)
    assert (record.action, record.outcome, record.actor_id) == (
        "request.get",
        Outcome.DENIED,
        other_provider.user_id,
    )
    api = token_client(other_provider).get(f"{API}/scenarios/{draft.pk}")
    assert api.status_code == 404
    assert (
        AuditLog.objects.requests().filter(request_id=api["X-Request-ID"], outcome=Outcome.DENIED).count()
        == 1
    )


def test_an_unknown_url_is_not_a_denial(anon_client):
    assert anon_client.get("/no-such-page/").status_code == 404
    assert not AuditLog.objects.exists()


def test_login_and_logout_name_the_person(provider):
    from scenariohub.accounts.tests.factories import TEST_PASSWORD

    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "provider", "password": TEST_PASSWORD})
    assert response.status_code == 302
    login = AuditLog.objects.requests().get(request_id=response["X-Request-ID"])
    assert (login.actor_id, login.organisation_id, login.outcome) == (
        provider.user_id,
        provider.organisation_id,
        Outcome.SUCCESS,
    )
    response = client.post(reverse("accounts:logout"))
    logout = AuditLog.objects.requests().get(request_id=response["X-Request-ID"])
    assert (logout.actor_id, logout.organisation_id) == (provider.user_id, provider.organisation_id)


def test_a_wrong_password_is_not_a_success(provider):
    response = Client().post(
        reverse("accounts:login"), {"username": "provider", "password": "wrong-password-1"}
    )
    record = AuditLog.objects.requests().get(request_id=response["X-Request-ID"])
    assert record.outcome != Outcome.SUCCESS


def test_records_written_by_the_login_code_get_the_request_id_and_ip(provider, rf):
    """What the auth code records (failures, lockouts) need not pass the request: the context fills it in."""
    from scenariohub.core.services import audit_record

    ctx = audit.RequestContext(
        request_id="f" * 32, ip_address="203.0.113.9", method="POST", path="/accounts/login/"
    )
    with audit.request_context(ctx):
        row = audit_record(actor=None, organisation=None, action="auth.login_failed", outcome=Outcome.FAILURE)
    assert (row.request_id, row.ip_address, row.method) == ("f" * 32, "203.0.113.9", "")
    assert ctx.outcomes == [Outcome.FAILURE]


def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(provider, settings):
    settings.SCENARIOHUB_TRUSTED_PROXIES = 1
    response = client_for(provider).post(
        reverse("scenarios:create"), form_data(), headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    )
    assert only_request_record(response).ip_address == "203.0.113.7"
    assert AuditLog.objects.changes().get().ip_address == "203.0.113.7"
    settings.SCENARIOHUB_TRUSTED_PROXIES = 0
    response = client_for(provider).post(
        reverse("scenarios:create"), form_data(), headers={"X-Forwarded-For": "198.51.100.1"}
    )
    assert AuditLog.objects.requests().get(request_id=response["X-Request-ID"]).ip_address == "127.0.0.1"


def test_log_lines_carry_the_request_id(provider, caplog):
    handler_filter = audit.RequestIdLogFilter()
    seen = []

    class Catch(logging.Handler):
        def emit(self, record):
            handler_filter.filter(record)
            seen.append(record.request_id)

    catcher = Catch()
    logger = logging.getLogger("django.request")
    logger.addHandler(catcher)
    try:
        response = Client().get("/no-such-page/")  # Django logs "Not Found" on django.request
    finally:
        logger.removeHandler(catcher)
    assert response["X-Request-ID"] in seen
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "outside", None, None)
    handler_filter.filter(record)
    assert record.request_id == "-"


def test_one_insert_per_request_record(provider):
    """The request record costs the chain-head lock, one INSERT and the head's UPDATE, nothing more."""
    scenario = ScenarioFactory(owner=provider.organisation, status=Status.DRAFT)
    client = client_for(provider)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        client.post(reverse("scenarios:edit", args=[scenario.pk]), {})
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "core_auditlog"')]
    assert len(inserts) == 1


def test_a_nul_in_the_path_is_recorded_as_text(provider):
    """PostgreSQL refuses NUL in text: the record must still be written (escaped), not fail the request."""
    response = token_client(provider).post(f"{API}/scenarios/%00", "{}", content_type="application/json")
    assert response.status_code < 500
    record = only_request_record(response)
    assert record.path == "/api/v1/scenarios/\\x00"
