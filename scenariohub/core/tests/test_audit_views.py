"""The auditor's audit trail pages (/audit/): who may read, search, pages, export; and the auditor's
separation of duties: they change nothing, and the system administrator cannot change the records."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from scenariohub.accounts.models import ApiToken
from scenariohub.conftest import as_actor, client_for
from scenariohub.core import audit
from scenariohub.core.errors import NotFound, PermissionDenied
from scenariohub.core.models import AuditLog, Outcome
from scenariohub.core.services import audit_record
from scenariohub.scenarios import services as scenario_services
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory
from scenariohub.scenarios.tests.test_views_workspace import form_data

pytestmark = pytest.mark.django_db

LIST = reverse("core:audit-list")
EXPORT = reverse("core:audit-export")


@pytest.fixture
def trail(provider, chengdu_city):
    """A few records of different people, outcomes, addresses and times."""
    rows = {}
    with audit.recorded_at(timezone.now() - dt.timedelta(days=30)):
        rows["old"] = audit_record(
            actor=provider.user,
            organisation=provider.organisation,
            action="scenario.create",
            object_type="scenarios.scenario",
            object_id=7,
            ip_address="198.51.100.4",
            data={"title": '=HYPERLINK("http://evil")'},
        )
    rows["city"] = audit_record(
        actor=chengdu_city.user,
        organisation=chengdu_city.organisation,
        action="scenario.approve",
        object_type="scenarios.scenario",
        object_id=7,
        ip_address="203.0.113.8",
    )
    rows["failed"] = audit_record(
        actor=None,
        organisation=None,
        action="auth.login_failed",
        outcome=Outcome.FAILURE,
        ip_address="203.0.113.9",
    )
    return rows


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {r.pk for r in response.context["page"].object_list}


def test_the_auditor_and_the_office_read_the_trail(auditor, office, trail):
    for reader in (auditor, office):
        response = client_for(reader).get(LIST)
        assert listed(response) == {r.pk for r in trail.values()}
        html = response.content.decode()
        assert "审计日志" in html and "+08:00" in html
    assert not AuditLog.objects.requests().exists()  # reading writes nothing


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "provider"}, {"old"}),
        ({"organisation": "成都市"}, {"city"}),
        ({"action": "scenario."}, {"old", "city"}),
        ({"object": "scenarios.scenario#7"}, {"old", "city"}),
        ({"object": "scenarios.scenario"}, {"old", "city"}),
        ({"outcome": "failure"}, {"failed"}),
        ({"ip": "203.0.113.8"}, {"city"}),
        ({"date_to": (timezone.localdate() - dt.timedelta(days=10)).isoformat()}, {"old"}),
        ({"date_from": timezone.localdate().isoformat()}, {"city", "failed"}),
        ({"action": "scenario.", "date_from": timezone.localdate().isoformat()}, {"city"}),
    ],
)
def test_each_filter_narrows_the_list(auditor, trail, params, expected):
    response = client_for(auditor).get(LIST, params)
    assert listed(response) == {trail[k].pk for k in expected}


def test_filter_by_request_id(auditor, provider):
    response = client_for(provider).post(reverse("scenarios:create"), {"title": ""})
    rid = response["X-Request-ID"]
    found = client_for(auditor).get(LIST, {"request_id": rid})
    assert {r.request_id for r in found.context["page"].object_list} == {rid}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ip": "not-an-ip"}, "ip"),
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"request_id": "xyz"}, "request_id"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_bad_filters_are_shown_as_errors(auditor, trail, params, field):
    response = client_for(auditor).get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["form"].errors and response.context["page"] is None


def test_pages_of_fifty(auditor):
    AuditLog.objects.bulk_create(
        [AuditLog(action="bulk", object_type="t", object_id=str(i)) for i in range(60)]
    )
    client = client_for(auditor)
    first = client.get(LIST, {"action": "bulk"})
    assert len(first.context["page"].object_list) == 50 and 'rel="next"' in first.content.decode()
    second = client.get(LIST, {"action": "bulk", "page": 2})
    assert len(second.context["page"].object_list) == 10


def test_others_are_refused_and_the_refusal_is_recorded(provider, chengdu_city, anon_client):
    for member in (provider, chengdu_city):
        response = client_for(member).get(LIST)
        assert response.status_code == 403
        denied = AuditLog.objects.requests().get(request_id=response["X-Request-ID"])
        assert (denied.outcome, denied.actor_id, denied.object_type) == (
            Outcome.DENIED,
            member.user_id,
            "core:audit-list",
        )
    response = anon_client.get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert anon_client.post(EXPORT).status_code == 302


def test_export_is_an_xlsx_of_the_filtered_list_and_is_recorded(auditor, trail):
    response = client_for(auditor).post(EXPORT, {"action": "scenario."})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("记录号", "时间（UTC+8）", "操作人")
    assert {r[0] for r in rows[1:]} == {trail["old"].pk, trail["city"].pk}
    details = [r[13] for r in rows[1:] if r[0] == trail["old"].pk][0]
    assert details.startswith("{")  # JSON text, not a formula…
    titles = [r for r in rows[1:] if r[0] == trail["old"].pk][0]
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in titles)
    assert [r[1] for r in rows[1:]][0].endswith("+08:00")
    export = AuditLog.objects.changes().get(action="audit.export")
    assert export.actor_id == auditor.user_id and export.data == {
        "filters": {"action": "scenario."},
        "rows": 2,
        "format": "xlsx",
    }
    assert export.request_id == AuditLog.objects.requests().get(action="request.post").request_id


def test_export_defuses_formulas(auditor, provider):
    audit_record(
        actor=provider.user,
        organisation=provider.organisation,
        action="scenario.create",
        object_type="scenarios.scenario",
        object_id="=1+1",
    )
    response = client_for(auditor).post(EXPORT, {})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    object_ids = [row[8] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=1+1" in object_ids


def test_export_refused_to_others_and_bad_input(provider, auditor):
    response = client_for(provider).post(EXPORT, {})
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action="audit.export").exists()
    assert client_for(auditor).get(EXPORT).status_code == 405  # GETs never write
    bad = client_for(auditor).post(EXPORT, {"ip": "nope"})
    assert bad.status_code == 302 and not AuditLog.objects.filter(action="audit.export").exists()


# -------------------------------------------------------------------------------- separation of duties


def test_the_auditor_changes_nothing(auditor, office):
    """An auditor is a member of the office organisation: services must not let that count as acting for the
    office, and every service writes its audit record in its transaction, which refuses an auditor anyway."""
    draft = ScenarioFactory(owner=office.organisation, status=Status.DRAFT, title="原标题")
    actor = as_actor(auditor)
    # Refused by the service (the auditor does not act for the office's scenarios)…
    with pytest.raises((PermissionDenied, NotFound)):
        scenario_services.scenario_update(
            actor=actor, scenario_id=draft.pk, version=draft.version, data={"title": "改"}
        )
    with pytest.raises(PermissionDenied):
        scenario_services.scenario_create(actor=actor, data={"title": "x"})
    from scenariohub.accounts.services import api_token_create

    # …and where a service only asks for a membership, by audit_record's guard, which rolls the change back.
    with pytest.raises(PermissionDenied) as refused:
        api_token_create(actor=actor, name="审计")
    assert refused.value.code == "auditor_read_only"
    draft.refresh_from_db()
    assert draft.title == "原标题" and Scenario.objects.count() == 1 and not ApiToken.objects.exists()
    assert not AuditLog.objects.exists()


def test_the_auditor_is_refused_on_pages_too(auditor, office):
    draft = ScenarioFactory(owner=office.organisation, status=Status.DRAFT, title="原标题")
    client = client_for(auditor)
    response = client.post(
        reverse("scenarios:edit", args=[draft.pk]), form_data(title="审计员改的标题", version=draft.version)
    )
    assert response.status_code in (403, 404)  # the office's draft is not the auditor's to see or change
    draft.refresh_from_db()
    assert draft.title == "原标题"
    record = AuditLog.objects.requests().get()
    assert record.actor_id == auditor.user_id and record.outcome != Outcome.SUCCESS


def test_a_superuser_cannot_change_or_delete_audit_records(trail):
    from scenariohub.accounts.tests.factories import UserFactory
    from scenariohub.authn.tests.helpers import mark_verified

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    mark_verified(client, admin_user)  # the admin site asks for the second factor
    record = trail["city"]
    assert client.get(reverse("admin:core_auditlog_changelist")).status_code == 200  # may read
    page = client.get(reverse("admin:core_auditlog_change", args=[record.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(reverse("admin:core_auditlog_change", args=[record.pk]), {"action": "x"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:core_auditlog_delete", args=[record.pk]), {"post": "yes"}).status_code
        == 403
    )
    bulk = client.post(
        reverse("admin:core_auditlog_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk]},
    )
    assert bulk.status_code in (200, 302)
    assert AuditLog.objects.changes().count() == 3
    record.refresh_from_db()
    assert record.action == "scenario.approve"
