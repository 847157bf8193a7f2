"""The commit's cost does not grow with the rows in queries, and nothing is weakened for it: each imported
scenario gets its `scenario.create` record, sealed into a chain that `audit_verify` still accepts."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scenariohub.conftest import as_actor
from scenariohub.core.models import AuditLog
from scenariohub.exchange import services
from scenariohub.exchange.models import ImportBatch, ImportStatus
from scenariohub.exchange.tests.helpers import good_row, upload, workbook_bytes
from scenariohub.scenarios.models import Scenario

pytestmark = pytest.mark.django_db


def confirmed_batch(actor, rows: int, django_capture_on_commit_callbacks) -> ImportBatch:
    """A checked and confirmed batch whose commit has not run yet (the commit task is left queued)."""
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_upload(
            actor=actor, uploaded=upload(workbook_bytes([good_row(i) for i in range(1, rows + 1)]))
        )
    services.import_confirm(actor=actor, batch_id=batch.pk)  # on-commit callbacks not run: not committed
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTING
    return batch


def commit_counting(batch_id: int) -> tuple[ImportBatch, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        batch = services.import_commit(batch_id=batch_id)
    return batch, [q["sql"] for q in queries.captured_queries]


def test_commit_queries_do_not_grow_with_the_rows(provider, django_capture_on_commit_callbacks):
    actor = as_actor(provider)
    small, small_sql = commit_counting(confirmed_batch(actor, 3, django_capture_on_commit_callbacks).pk)
    large, large_sql = commit_counting(confirmed_batch(actor, 60, django_capture_on_commit_callbacks).pk)
    assert small.status == large.status == ImportStatus.COMMITTED
    assert len(large.scenario_ids) == 60
    # 57 more rows cost at most the INSERT batches they fill (SQLite caps the parameters of one statement).
    assert len(large_sql) - len(small_sql) <= 2, "\n".join(q[:120] for q in large_sql)
    # The chain head is locked once for the 60 scenario records and once for the batch's own record.
    assert sum("core_auditchainhead" in q and "FOR UPDATE" in q.upper() for q in large_sql) <= 2 or (
        connection.vendor == "sqlite"  # SQLite has no FOR UPDATE; its single writer serialises appends
    )


def test_every_imported_scenario_has_its_record_and_the_chain_verifies(
    provider, django_capture_on_commit_callbacks
):
    actor = as_actor(provider)
    batch, _sql = commit_counting(confirmed_batch(actor, 25, django_capture_on_commit_callbacks).pk)
    created = set(Scenario.objects.filter(pk__in=batch.scenario_ids).values_list("pk", flat=True))
    assert len(created) == 25
    records = AuditLog.objects.changes().filter(action="scenario.create")
    assert sorted(int(r.object_id) for r in records) == sorted(created)
    assert {(r.actor_id, r.organisation_id, r.object_type, r.outcome) for r in records} == {
        (provider.user_id, provider.organisation_id, "scenarios.scenario", "success")
    }
    by_id = {int(r.object_id): r.data["title"] for r in records}
    assert all(by_id[s.pk] == s.title for s in Scenario.objects.filter(pk__in=created))
    assert AuditLog.objects.changes().filter(action="exchange.import_commit", object_id=str(batch.pk)).exists()
    out = io.StringIO()
    call_command("audit_verify", stdout=out, stderr=io.StringIO())  # raises CommandError on a broken link
    assert f"chain intact, {AuditLog.objects.count()} records" in out.getvalue(), out.getvalue()
