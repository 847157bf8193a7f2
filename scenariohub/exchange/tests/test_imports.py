"""The import workflow end to end: upload, preview, confirm; all rows or none; who may do what."""

import pytest
from django.urls import reverse

from scenariohub.conftest import CHENGDU, as_actor, client_for
from scenariohub.core.errors import Conflict, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.exchange import services
from scenariohub.exchange.models import ImportBatch, ImportStatus
from scenariohub.exchange.tests.helpers import good_row, upload, workbook_bytes
from scenariohub.scenarios.models import Scenario, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Tasks are queued on commit; the test transaction never commits, so run them as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post_file(client, content: bytes, run_tasks, name="场景.xlsx"):
    with run_tasks():
        return client.post(reverse("exchange:import-create"), {"file": upload(content, name)})


def test_mixed_file_writes_nothing_and_lists_each_bad_row(provider, run_tasks):
    client = client_for(provider)
    content = workbook_bytes(
        [good_row(1), good_row(2, region="火星市"), good_row(3), good_row(4, budget_min="abc")]
    )
    response = post_file(client, content, run_tasks)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "exchange:import-detail", args=[batch.pk]
    )
    assert batch.status == ImportStatus.INVALID and batch.problem_count == 2 and batch.rows_total == 4
    assert Scenario.objects.count() == 0 and batch.rows.count() == 0

    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    problems = page.context["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(3, "region"), (5, "budget_min")]
    assert all(p["where"] in html and p["message"] in html for p in problems)
    assert "can_confirm" in page.context and page.context["can_confirm"] is False
    with run_tasks():
        client.post(reverse("exchange:import-confirm", args=[batch.pk]))
    assert Scenario.objects.count() == 0


def test_clean_file_writes_all_rows_as_drafts_of_the_uploader(provider, run_tasks):
    client = client_for(provider)
    post_file(client, workbook_bytes([good_row(i, region="绵阳市") for i in range(1, 6)]), run_tasks)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY and batch.problem_count == 0
    page = client.get(reverse("exchange:import-detail", args=[batch.pk]))
    assert page.context["can_confirm"] and len(page.context["preview"]) == 5

    with run_tasks():
        response = client.post(reverse("exchange:import-confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.rows_committed == 5
    drafts = Scenario.objects.order_by("pk")
    assert drafts.count() == 5
    assert {(s.owner_id, s.status, s.region_id, s.created_by_id) for s in drafts} == {
        (provider.organisation_id, Status.DRAFT, "510700", provider.user_id)
    }
    assert batch.scenario_ids == list(drafts.values_list("pk", flat=True))
    # Audited like the form: one scenario.create per row, plus the import's own records.
    assert AuditLog.objects.filter(action="scenario.create").count() == 5
    assert set(
        AuditLog.objects.filter(object_type="exchange.importbatch").values_list("action", flat=True)
    ) == {"exchange.import_upload", "exchange.import_confirm", "exchange.import_commit"}
    # Found again in the list of imports.
    listing = client.get(reverse("exchange:import-list"))
    assert batch in listing.context["page"].object_list


def test_a_row_refused_at_commit_rolls_back_every_row(provider, run_tasks):
    actor = as_actor(provider)
    with run_tasks():
        batch = services.import_upload(
            actor=actor, uploaded=upload(workbook_bytes([good_row(i) for i in range(1, 4)]))
        )
    # The data changed between the check and the commit (here: tampered), and the service refuses row 3.
    row = batch.rows.get(row_number=3)
    row.data = {**row.data, "field": "forest-fire"}
    row.save()
    with run_tasks():
        services.import_confirm(actor=actor, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert Scenario.objects.count() == 0
    refused = [p for p in batch.problems if p["code"] == "rejected_at_commit"]
    assert [(p["row"], p["column"]) for p in refused] == [(3, "field")]


def test_a_city_import_gets_its_region(chengdu_city, run_tasks):
    client = client_for(chengdu_city)
    post_file(
        client,
        workbook_bytes([good_row(1, region="绵阳市"), good_row(2, region="凉山彝族自治州")]),
        run_tasks,
    )
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY
    assert [p["code"] for p in batch.problems] == ["region_ignored"]
    with run_tasks():
        client.post(reverse("exchange:import-confirm", args=[batch.pk]))
    assert set(Scenario.objects.values_list("region_id", flat=True)) == {CHENGDU}


def test_anonymous_and_suppliers_cannot_import(anon_client, supplier, provider, run_tasks):
    url = reverse("exchange:import-create")
    assert anon_client.get(url).status_code == 302
    assert anon_client.post(url, {"file": upload(workbook_bytes([good_row(1)]))}).status_code == 302
    assert client_for(supplier).get(url).status_code == 403
    assert client_for(supplier).post(url, {"file": upload(workbook_bytes([good_row(1)]))}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.import_upload(actor=as_actor(supplier), uploaded=upload(workbook_bytes([good_row(1)])))
    assert ImportBatch.objects.count() == 0
    assert anon_client.get(reverse("exchange:import-list")).status_code == 302


def test_only_the_uploader_confirms_and_only_once(provider, other_provider, office, run_tasks):
    with run_tasks():
        batch = services.import_upload(
            actor=as_actor(provider), uploaded=upload(workbook_bytes([good_row(1)]))
        )
    # Another organisation does not see it; the office sees it but may not confirm it.
    assert (
        client_for(other_provider).get(reverse("exchange:import-detail", args=[batch.pk])).status_code == 404
    )
    assert client_for(office).get(reverse("exchange:import-detail", args=[batch.pk])).status_code == 200
    assert client_for(office).post(reverse("exchange:import-confirm", args=[batch.pk])).status_code == 403
    assert client_for(provider).get(reverse("exchange:import-confirm", args=[batch.pk])).status_code == 405
    with run_tasks():
        services.import_confirm(actor=as_actor(provider), batch_id=batch.pk)
    with pytest.raises(Conflict):
        services.import_confirm(actor=as_actor(provider), batch_id=batch.pk)
    assert Scenario.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"title,region\n\xe6\xa0\x87\xe9\xa2\x98,510100\n", "场景.xlsx"),  # a CSV named .xlsx
        (b"%PDF-1.7 not a workbook", "场景.xlsx"),
        (b"", "场景.xlsx"),
    ],
)
def test_a_non_excel_file_gets_a_clear_error(provider, run_tasks, content, name):
    with pytest.raises(ValidationFailed):
        services.import_upload(actor=as_actor(provider), uploaded=upload(content, name))
    response = post_file(client_for(provider), content, run_tasks, name=name) if content else None
    if response is not None:
        assert response.status_code == 200 and response.context["form"].errors["file"]
    assert ImportBatch.objects.count() == 0


def test_a_malformed_workbook_is_recorded_with_a_clear_problem(provider, run_tasks):
    import io
    import zipfile

    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<<< not xml")
    post_file(client_for(provider), broken.getvalue(), run_tasks)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.INVALID
    assert [p["code"] for p in batch.problems] == ["unreadable"]


def test_progress_is_polled_while_running_then_the_page_reloads(provider, run_tasks):
    client = client_for(provider)
    with run_tasks():
        batch = services.import_upload(
            actor=as_actor(provider), uploaded=upload(workbook_bytes([good_row(1)]))
        )
    url = reverse("exchange:import-progress", args=[batch.pk])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING)
    running = client.get(url, HTTP_HX_REQUEST="true")
    assert running.status_code == 200 and 'hx-trigger="every 1s"' in running.content.decode()
    assert "<html" not in running.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTED)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Refresh") == "true"


def test_the_template_has_the_export_columns_and_the_valid_values(anon_client):
    import io

    import openpyxl

    from scenariohub.exchange.columns import headers

    response = anon_client.get(reverse("exchange:import-template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == headers()
    values = [row for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    codes = {row[1] for row in values}
    assert {"510100", "manufacturing", "machine-vision", "government", "pilot"} <= codes
    assert {"成都市", "机器视觉与检测", "政府管理类"} <= {row[2] for row in values}


def test_the_commit_uses_a_bulk_service_when_the_scenarios_app_offers_one(provider, run_tasks, monkeypatch):
    from scenariohub.scenarios import services as scenario_services

    calls = []

    def create_many(*, actor, rows):
        calls.append(len(rows))
        raise ValidationFailed("refused", details={"1.field": ["不属于该行业"]})

    monkeypatch.setattr(scenario_services, "scenario_create_many", create_many, raising=False)
    actor = as_actor(provider)
    with run_tasks():
        batch = services.import_upload(
            actor=actor, uploaded=upload(workbook_bytes([good_row(1), good_row(2)]))
        )
    with run_tasks():
        services.import_confirm(actor=actor, batch_id=batch.pk)
    batch.refresh_from_db()
    assert calls == [2] and batch.status == ImportStatus.INVALID
    assert [(p["row"], p["column"]) for p in batch.problems if p["code"] == "rejected_at_commit"] == [
        (3, "field")
    ]
    assert Scenario.objects.count() == 0
