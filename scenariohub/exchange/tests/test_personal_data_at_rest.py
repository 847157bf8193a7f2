"""Imports at rest: the workbook and the staged rows are SM4-encrypted, never shown unmasked, and purged."""

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from scenariohub.conftest import client_for
from scenariohub.core import crypto
from scenariohub.core.models import AuditLog
from scenariohub.exchange.models import ImportBatch, ImportRow, ImportStatus
from scenariohub.exchange.tests.helpers import good_row, upload, workbook_bytes
from scenariohub.scenarios.models import Scenario

pytestmark = pytest.mark.django_db

PHONE, EMAIL, NAME = "13912345678", "secret.person@example.cn", "保密联系人"


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _row(n=1, **kw):
    return good_row(n, contact_phone=PHONE, contact_email=EMAIL, contact_name=NAME, **kw)


def _uploaded(client, run_tasks, rows) -> tuple[ImportBatch, bytes]:
    content = workbook_bytes(rows)
    with run_tasks():
        client.post(reverse("exchange:import-create"), {"file": upload(content)})
    return ImportBatch.objects.latest("pk"), content


def _raw_data(row_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM exchange_importrow WHERE id = %s", [row_id])
        return cursor.fetchone()[0]


def test_the_workbook_on_disk_is_ciphertext_and_reads_back_whole(provider, run_tasks):
    batch, content = _uploaded(client_for(provider), run_tasks, [_row()])
    with open(batch.file.path, "rb") as handle:
        on_disk = handle.read()
    assert crypto.is_encrypted_bytes(on_disk) and not on_disk.startswith(b"PK")
    assert crypto.stored_key_id_bytes(on_disk) == crypto.current_key_id()
    with pytest.raises(Exception):  # noqa: B017, PT011 - not a workbook any more, whatever openpyxl raises
        load_workbook(io.BytesIO(on_disk))
    with batch.file.open("rb") as handle:
        assert handle.read() == content  # what the check read: the upload, byte for byte
    assert batch.status == ImportStatus.READY


def test_staged_rows_are_ciphertext_and_the_commit_still_writes_the_contacts(provider, run_tasks):
    client = client_for(provider)
    batch, _content = _uploaded(client, run_tasks, [_row(1), _row(2)])
    rows = list(batch.rows.order_by("row_number"))
    for row in rows:
        raw = _raw_data(row.pk)
        assert crypto.is_encrypted(raw)
        assert PHONE not in raw and EMAIL not in raw and NAME not in raw and "光伏" not in raw
    assert rows[0].data["contact_email"] == EMAIL and str(rows[0].data["contact_phone"]) == PHONE
    page = client.get(reverse("exchange:import-detail", args=[batch.pk]))
    assert len(page.context["preview"]) == 2 and rows[0].data["title"] in page.content.decode()

    with run_tasks():
        client.post(reverse("exchange:import-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    scenario = Scenario.objects.get(pk=batch.scenario_ids[0])
    assert (scenario.contact_phone, scenario.contact_email, scenario.contact_name) == (PHONE, EMAIL, NAME)


def test_neither_the_admin_nor_the_api_shows_the_rows_contacts(office, provider, run_tasks):
    batch, _content = _uploaded(client_for(provider), run_tasks, [_row()])
    office.user.is_staff = office.user.is_superuser = True
    office.user.save()
    admin = client_for(office)
    for url in (
        reverse("admin:exchange_importbatch_changelist"),
        reverse("admin:exchange_importbatch_change", args=[batch.pk]),
    ):
        response = admin.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and batch.original_name in html
        assert PHONE not in html and EMAIL not in html and NAME not in html
    for reader in (client_for(provider), client_for(office)):
        body = reader.get(f"/api/v1/imports/{batch.pk}").content.decode()
        assert str(batch.pk) in body and PHONE not in body and EMAIL not in body and NAME not in body


def _age(batch: ImportBatch, days: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_purge_removes_old_workbooks_and_rows_and_keeps_the_record(
    provider, run_tasks, settings, django_capture_on_commit_callbacks
):
    settings.SCENARIOHUB_IMPORT_RETENTION_DAYS = 30
    client = client_for(provider)
    old, _c = _uploaded(client, run_tasks, [_row(1)])
    recent, _c = _uploaded(client, run_tasks, [_row(2)])
    running, _c = _uploaded(client, run_tasks, [_row(3)])
    ImportBatch.objects.filter(pk=running.pk).update(status=ImportStatus.COMMITTING)
    for batch in (old, running):
        _age(batch, 31)
    _age(recent, 29)
    orphan = "imports/" + "0" * 32 + ".xlsx"
    old.file.storage.save(orphan, io.BytesIO(b"left by a rolled-back upload"))
    os.utime(old.file.storage.path(orphan), (0, 0))
    old_path = old.file.path

    call_command("purge_imports", "--dry-run", stdout=io.StringIO())
    assert (
        os.path.exists(old_path) and old.rows.count() == 1 and os.path.exists(old.file.storage.path(orphan))
    )

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_imports", stdout=out)
    assert "removed 2 files and 1 staged rows of 1 imports older than 30 days" in out.getvalue()
    old.refresh_from_db()
    assert not os.path.exists(old_path) and not os.path.exists(old.file.storage.path(orphan))
    assert old.file.name == "" and not ImportRow.objects.filter(batch=old).exists()
    assert old.status == ImportStatus.FAILED and "30" in old.error  # never confirmed: can no longer be
    assert old.original_name and old.rows_total == 1  # the record of the import stays
    for kept in (recent, running):
        kept.refresh_from_db()
        assert os.path.exists(kept.file.path) and kept.rows.count() == 1
    record = AuditLog.objects.get(action="exchange.import_purge")
    assert record.data["batches"] == 1 and record.data["batch_ids"] == [old.pk]

    again = io.StringIO()
    call_command("purge_imports", stdout=again)
    assert "removed 0 files and 0 staged rows of 0 imports" in again.getvalue()
    assert AuditLog.objects.filter(action="exchange.import_purge").count() == 1


def test_purge_refuses_a_retention_under_a_day():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("purge_imports", "--days", "0")


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_staged_rows_and_workbooks_and_reverses(provider, settings, tmp_path):
    from django.core.files.storage import FileSystemStorage

    plain = workbook_bytes([_row()])
    FileSystemStorage(location=settings.MEDIA_ROOT).save("imports/legacy.xlsx", io.BytesIO(plain))
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("exchange")
    try:
        executor.migrate([("exchange", "0001_initial")])
        old_apps = executor.loader.project_state([("exchange", "0001_initial")]).apps
        batch = old_apps.get_model("exchange", "ImportBatch").objects.create(
            organisation_id=provider.organisation_id,
            file="imports/legacy.xlsx",
            original_name="旧.xlsx",
            size=1,
        )
        row = old_apps.get_model("exchange", "ImportRow").objects.create(
            batch_id=batch.pk, row_number=2, data={"contact_phone": PHONE, "contact_name": NAME}
        )
        assert PHONE in _raw_data(row.pk)
        executor = MigrationExecutor(connection)
        executor.migrate(leaf)
        raw = _raw_data(row.pk)
        assert crypto.is_encrypted(raw) and PHONE not in raw
        assert ImportRow.objects.get(pk=row.pk).data == {"contact_phone": PHONE, "contact_name": NAME}
        stored = ImportBatch.objects.get(pk=batch.pk).file
        assert crypto.is_encrypted_bytes(open(stored.path, "rb").read())  # noqa: SIM115
        with stored.open("rb") as handle:
            assert handle.read() == plain

        executor = MigrationExecutor(connection)
        executor.migrate([("exchange", "0001_initial")])
        assert PHONE in _raw_data(row.pk) and open(stored.path, "rb").read() == plain  # noqa: SIM115
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaf)


def test_a_formula_in_a_contact_cell_is_reported_without_repeating_it(provider, run_tasks):
    client = client_for(provider)
    row = good_row(1, contact_phone=f"={PHONE}", contact_email=EMAIL, title="=SUM(1)")
    batch, _content = _uploaded(client, run_tasks, [row])
    assert batch.status == ImportStatus.INVALID
    formulas = {p["column"]: p["params"]["value"] for p in batch.problems if p["code"] == "formula"}
    assert formulas == {"contact_phone": "=…", "title": "=SUM(1)"}  # other columns still show the cell
    page = client.get(reverse("exchange:import-detail", args=[batch.pk])).content.decode()
    assert "=SUM(1)" in page and PHONE not in page
