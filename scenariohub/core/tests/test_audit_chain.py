"""The audit trail's hash chain: sealing, immutability, audit_verify on tampering, audit_purge's retention."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from scenariohub.accounts.models import Organisation, User
from scenariohub.core import audit
from scenariohub.core.errors import Conflict, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditChainHead, AuditImmutable, AuditLog, Outcome
from scenariohub.core.services import audit_purge, audit_record

pytestmark = pytest.mark.django_db


def write(n, *, actor=None, organisation=None, action="test.write", **kw):
    return [
        audit_record(
            actor=actor, organisation=organisation, action=action, object_type="test.thing", object_id=i, **kw
        )
        for i in range(n)
    ]


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def raw(sql, params=()):
    """What a tamperer with database access does; an UPDATE first needs the trigger out of the way (the
    test's transaction rolls that back)."""
    with connection.cursor() as cursor:
        if sql.startswith("UPDATE core_auditlog "):
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS core_auditlog_no_update")
            else:
                cursor.execute("ALTER TABLE core_auditlog DISABLE TRIGGER core_auditlog_no_update")
        cursor.execute(sql, params)


def test_updates_are_refused_by_the_database():
    from django.db import DatabaseError, transaction

    row = write(1)[0]
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditlog SET action = 'x' WHERE id = %s", [row.pk])
    assert AuditLog.objects.get(pk=row.pk).action == "test.write"


def test_records_are_chained_in_order_and_verify(provider):
    rows = write(
        5,
        actor=provider.user,
        organisation=provider.organisation,
        data={"n": 1.0, "when": dt.date(2026, 1, 2)},
    )
    stored = list(AuditLog.objects.order_by("id"))
    assert [r.pk for r in stored] == [r.pk for r in rows]
    assert stored[0].prev_hash == audit.GENESIS_HASH
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    assert {r.hash_alg for r in stored} == {audit.DEFAULT_ALG}
    assert stored[0].data == {"n": 1, "when": "2026-01-02"}  # stored as JSON gives it back
    head = AuditChainHead.objects.get()
    assert (head.anchor_id, head.last_id, head.last_hash) == (stored[0].pk, stored[-1].pk, stored[-1].hash)
    code, out = verify()
    assert code == 0 and "chain intact, 5 records" in out


def test_hmac_sm3_is_used_and_matches_the_standard_vector():
    # GB/T 32905-2016 example 1: SM3("abc"); the cryptography package computes it, so HMAC-SM3 is available.
    from cryptography.hazmat.primitives import hashes

    h = hashes.Hash(hashes.SM3())
    h.update(b"abc")
    assert h.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert audit.DEFAULT_ALG == audit.ALG_SM3
    assert audit.mac(audit.ALG_SM3, b"x", key=b"k") != audit.mac(audit.ALG_SHA256, b"x", key=b"k")


def test_the_key_matters(settings):
    row = write(1)[0]
    assert audit.record_hash(row) == row.hash
    settings.AUDIT_HMAC_KEY = "another-key-of-at-least-thirty-two-characters"
    assert audit.record_hash(row) != row.hash  # whoever lacks the key cannot re-seal an edited record


def test_bulk_create_is_chained_too():
    rows = AuditLog.objects.bulk_create(
        [AuditLog(action="bulk", object_type="test.thing", object_id=str(i)) for i in range(3)]
    )
    write(1)
    assert all(r.pk for r in rows)
    assert verify()[0] == 0
    assert AuditLog.objects.filter(action="bulk").count() == 3


def test_records_cannot_be_changed_or_deleted_through_the_application(provider):
    row = write(1, actor=provider.user, organisation=provider.organisation)[0]
    row.action = "something.else"
    with pytest.raises(AuditImmutable):
        row.save()
    with pytest.raises(AuditImmutable):
        row.delete()
    with pytest.raises(AuditImmutable):
        AuditLog.objects.filter(pk=row.pk).update(action="x")
    with pytest.raises(AuditImmutable):
        AuditLog.objects.all().delete()
    with pytest.raises(AuditImmutable):
        AuditLog.objects.bulk_update([row], ["action"])
    # Deleting the actor or the organisation leaves the evidence as it was (no SET NULL, no cascade).
    user_id, org_id = provider.user.pk, provider.organisation.pk
    User.objects.filter(pk=user_id).delete()
    Organisation.objects.filter(pk=org_id).delete()
    stored = AuditLog.objects.get(pk=row.pk)
    assert (stored.action, stored.actor_id, stored.organisation_id) == ("test.write", user_id, org_id)
    assert verify()[0] == 0


def test_a_changed_record_is_reported_at_its_id():
    rows = write(6)
    raw("UPDATE core_auditlog SET object_id = %s WHERE id = %s", ["999", rows[3].pk])
    code, out = verify()
    assert code == 1
    assert f"BROKEN at record {rows[3].pk}" in out and "content does not match" in out


def test_a_changed_time_is_reported():
    rows = write(3)
    # The ORM refuses (see above); raw SQL is what a tamperer would use.
    raw(
        "UPDATE core_auditlog SET created_at = %s WHERE id = %s",
        [timezone.now() - dt.timedelta(days=400), rows[1].pk],
    )
    code, out = verify()
    assert code == 1 and f"record {rows[1].pk}" in out


def test_a_deleted_record_is_reported_at_the_next_id():
    rows = write(5)
    raw("DELETE FROM core_auditlog WHERE id = %s", [rows[2].pk])
    code, out = verify()
    assert code == 1
    assert f"BROKEN at record {rows[3].pk}" in out and f"link to record {rows[1].pk} is broken" in out


def test_cut_ends_are_reported():
    rows = write(4)
    raw("DELETE FROM core_auditlog WHERE id = %s", [rows[-1].pk])
    code, out = verify()
    assert code == 1 and "records were removed" in out


def test_a_cut_start_is_reported():
    rows = write(4)
    raw("DELETE FROM core_auditlog WHERE id = %s", [rows[0].pk])
    code, out = verify()
    assert code == 1 and f"starts at record {rows[0].pk}" in out


def test_an_edited_head_is_reported():
    rows = write(3)
    raw("DELETE FROM core_auditlog WHERE id = %s", [rows[-1].pk])
    raw("UPDATE core_auditchainhead SET last_id = %s, last_hash = %s", [rows[1].pk, rows[1].hash])
    code, out = verify()
    assert code == 1 and "head's MAC" in out


def test_a_row_inserted_behind_the_applications_back_is_reported():
    write(2)
    raw(
        "INSERT INTO core_auditlog (created_at, action, object_type, object_id, data, outcome, request_id, method,"
        " path, hash_alg, prev_hash, hash) VALUES (%s, 'x', 'y', '', '{}', 'success', '', '', '', '', '', '')",
        [timezone.now()],
    )
    assert verify()[0] == 0  # beyond the head: not yet part of the chain…
    write(1)  # …but the next record links to the head, past it
    code, out = verify()
    assert code == 1 and "not sealed" in out


def test_verify_reports_progress_on_large_tables():
    write(7)
    out, err = io.StringIO(), io.StringIO()
    call_command("audit_verify", "--chunk", "3", stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [f"audit_verify: {n}/7 records checked" for n in (3, 6, 7)]


def test_outcome_and_request_fields_are_part_of_the_seal():
    row = write(1, outcome=Outcome.FAILURE)[0]
    assert row.outcome == Outcome.FAILURE
    raw("UPDATE core_auditlog SET outcome = 'success' WHERE id = %s", [row.pk])
    assert verify()[0] == 1


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("auth.login_failed", Outcome.FAILURE),
        ("auth.2fa_failed", Outcome.FAILURE),
        ("auth.login_refused", Outcome.DENIED),
        ("auth.lockout", Outcome.DENIED),
        ("auth.login", Outcome.SUCCESS),
        ("scenario.approve", Outcome.SUCCESS),
    ],
)
def test_the_outcome_follows_the_action_unless_given(action, expected):
    assert write(1, action=action)[0].outcome == expected
    assert write(1, action=action, outcome=Outcome.ERROR)[0].outcome == Outcome.ERROR


def test_time_is_shown_with_its_offset():
    with audit.recorded_at(dt.datetime(2026, 3, 1, 1, 2, 3, tzinfo=dt.UTC)):
        row = write(1)[0]
    assert AuditLog.objects.get(pk=row.pk).time_with_offset == "2026-03-01 09:02:03+08:00"


def test_an_auditor_cannot_cause_a_change(auditor):
    with pytest.raises(PermissionDenied):
        audit_record(actor=auditor.user, organisation=auditor.organisation, action="scenario.create")
    # …but signing in, out and exporting the trail are recorded as theirs.
    audit_record(actor=auditor.user, organisation=auditor.organisation, action="audit.export")
    audit_record(actor=auditor.user, organisation=auditor.organisation, action="auth.login")
    assert AuditLog.objects.count() == 2


# ---------------------------------------------------------------------------------------------- purge


def old_and_new(now):
    with audit.recorded_at(now - dt.timedelta(days=400)):
        old = write(3, action="old")
    with audit.recorded_at(now - dt.timedelta(days=10)):
        new = write(2, action="new")
    return old, new


def test_purge_refuses_dates_less_than_184_days_ago():
    now = timezone.now()
    old_and_new(now)
    with pytest.raises(ValidationFailed, match="184"):
        audit_purge(before=now - dt.timedelta(days=183), now=now)
    day = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    with pytest.raises(CommandError, match="184"):
        call_command("audit_purge", "--before", day, stdout=io.StringIO())
    assert AuditLog.objects.count() == 5


def test_purge_removes_the_old_prefix_and_the_chain_still_verifies():
    now = timezone.now()
    old, new = old_and_new(now)
    out = io.StringIO()
    call_command(
        "audit_purge", "--before", (timezone.localdate() - dt.timedelta(days=200)).isoformat(), stdout=out
    )
    assert "3 records" in out.getvalue()
    assert list(AuditLog.objects.order_by("id").values_list("action", flat=True)) == [
        "new",
        "new",
        "audit.purge",
    ]
    purge = AuditLog.objects.get(action="audit.purge")
    assert purge.data["deleted"] == 3 and purge.data["anchor_id"] == new[0].pk
    assert AuditChainHead.objects.get().anchor_hash == new[0].prev_hash == old[-1].hash
    assert verify()[0] == 0
    # The anchor is sealed: removing the first kept record afterwards is still seen.
    raw("DELETE FROM core_auditlog WHERE id = %s", [new[0].pk])
    assert verify()[0] == 1


def test_purge_never_removes_a_young_record_written_before_an_old_one():
    now = timezone.now()
    with audit.recorded_at(now - dt.timedelta(days=400)):
        write(1, action="old")
    with audit.recorded_at(now - dt.timedelta(days=5)):
        write(1, action="young")
    with audit.recorded_at(now - dt.timedelta(days=300)):
        write(1, action="old but after a young one")
    audit_purge(before=now - dt.timedelta(days=200), now=now)
    assert list(AuditLog.objects.order_by("id").values_list("action", flat=True)) == [
        "young",
        "old but after a young one",
        "audit.purge",
    ]
    assert verify()[0] == 0


def test_purge_refuses_a_broken_chain():
    now = timezone.now()
    old, _new = old_and_new(now)
    raw("UPDATE core_auditlog SET action = 'x' WHERE id = %s", [old[1].pk])
    with pytest.raises(Conflict) as refused:
        audit_purge(before=now - dt.timedelta(days=200), now=now)
    assert refused.value.code == "chain_broken" and str(old[1].pk) in refused.value.message
    assert AuditLog.objects.count() == 5


def test_purge_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_purge", "--before", "last year", stdout=io.StringIO())


# ---------------------------------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks across connections")
def test_concurrent_appends_both_chain():
    """Many threads append at once, each in its own transaction: none may link to the same predecessor."""
    write(1)
    barrier = threading.Barrier(6)
    errors = []

    def run(i):
        try:
            from django.db import transaction

            barrier.wait()
            with transaction.atomic():
                audit_record(actor=None, organisation=None, action="race", object_type="t", object_id=i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = list(AuditLog.objects.order_by("id"))
    assert len(rows) == 7
    assert len({r.prev_hash for r in rows}) == 7  # no two records share a predecessor
    assert verify()[0] == 0


def test_production_refuses_to_start_without_an_audit_key():
    import os
    import subprocess
    import sys

    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SCENARIOHUB_", "SECRET_KEY", "DEBUG", "AUDIT_"))
    }
    env = {**base, "SCENARIOHUB_ENV": "production", "SECRET_KEY": "p" * 60, "DEBUG": "0"}
    env["SCENARIOHUB_DATA_KEY"] = "d" * 40

    def start(**extra):
        return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-c", "import scenariohub.settings"],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert "AUDIT_HMAC_KEY must be set" in start().stderr
    assert "AUDIT_HMAC_KEY must be set" in start(AUDIT_HMAC_KEY="short").stderr
    assert "AUDIT_HMAC_KEY" not in start(AUDIT_HMAC_KEY="k" * 40).stderr
