"""The imports API: upload → preview problems → confirm → read back."""

import pytest

from scenariohub.conftest import client_for
from scenariohub.exchange.models import ImportBatch, ImportStatus
from scenariohub.exchange.tests.helpers import good_row, upload, workbook_bytes
from scenariohub.scenarios.models import Scenario

pytestmark = pytest.mark.django_db


def test_upload_preview_confirm(provider, django_capture_on_commit_callbacks):
    client = client_for(provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports", {"file": upload(workbook_bytes([good_row(1), good_row(2)]))}
        )
    assert response.status_code == 201, response.content
    # Checked once the upload's transaction commits (at once in production; here when the block ends).
    body = client.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert body["status"] == "ready" and body["rows_total"] == 2 and body["problems"] == []
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"/api/v1/imports/{body['id']}/confirm")
    assert confirmed.status_code == 200
    out = client.get(f"/api/v1/imports/{body['id']}").json()
    assert out["status"] == "committed" and len(out["scenario_ids"]) == 2
    assert sorted(out["scenario_ids"]) == sorted(Scenario.objects.values_list("pk", flat=True))
    assert client.post(f"/api/v1/imports/{body['id']}/confirm").json()["code"] == "already_confirmed"
    listing = client.get("/api/v1/imports").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]


def test_problems_come_back_by_row_and_column(provider, django_capture_on_commit_callbacks):
    client = client_for(provider)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/imports",
            {"file": upload(workbook_bytes([good_row(1), good_row(2, field="forest-fire")]))},
        ).json()
    body = client.get(f"/api/v1/imports/{created['id']}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["status"] == "invalid" and body["problem_count"] == 1
    problem = body["problems"][0]
    assert (problem["row"], problem["column"], problem["letter"], problem["code"]) == (
        3,
        "field",
        "G",
        "field_not_in_sector",
    )
    response = client.post(f"/api/v1/imports/{body['id']}/confirm")
    assert response.status_code == 409 and response.json()["code"] == "not_ready"
    assert Scenario.objects.count() == 0


def test_bad_files_anonymous_and_suppliers(anon_client, provider, supplier, other_provider):
    assert (
        anon_client.post("/api/v1/imports", {"file": upload(workbook_bytes([good_row(1)]))}).status_code
        == 401
    )
    assert (
        client_for(supplier)
        .post("/api/v1/imports", {"file": upload(workbook_bytes([good_row(1)]))})
        .status_code
        == 403
    )
    bad = client_for(provider).post("/api/v1/imports", {"file": upload(b"%PDF-1.4 x")})
    assert bad.status_code == 422 and bad.json()["code"] == "file_type_not_allowed"
    assert client_for(provider).post("/api/v1/imports", {}).status_code == 422
    assert ImportBatch.objects.count() == 0
    assert client_for(provider).get("/api/v1/imports/999999999999999999999").status_code in (404, 422)


def test_others_cannot_read_or_confirm(provider, other_provider, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = (
            client_for(provider)
            .post("/api/v1/imports", {"file": upload(workbook_bytes([good_row(1)]))})
            .json()
        )
    assert client_for(other_provider).get(f"/api/v1/imports/{body['id']}").status_code == 404
    assert client_for(office).get(f"/api/v1/imports/{body['id']}").status_code == 200
    assert client_for(office).post(f"/api/v1/imports/{body['id']}/confirm").status_code == 403
    assert ImportBatch.objects.get().status == ImportStatus.READY
