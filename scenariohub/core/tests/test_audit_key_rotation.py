"""Rotating AUDIT_HMAC_KEY: records name their key, older ones keep verifying, a sealing record retires the
old key for everything after it."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from scenariohub.core import audit
from scenariohub.core.models import AuditChainHead, AuditLog
from scenariohub.core.tests.test_audit_chain import raw, verify, write

pytestmark = pytest.mark.django_db

K1 = "the-first-audit-key-of-more-than-32-characters"
K2 = "the-second-audit-key-of-more-than-32-characters"


def rotate() -> str:
    import io

    out = io.StringIO()
    call_command("audit_rotate_key", stdout=out)
    return out.getvalue()


def reseal(rows, *, key: str, key_id: str | None, prev: str) -> str:
    """What someone holding `key` (and write access) can do: rewrite records and re-seal them in a row."""
    for row in rows:
        row.key_id, row.prev_hash = key_id, prev
        row.hash = audit.record_hash(row, key=key.encode())
        raw(
            "UPDATE core_auditlog SET key_id = %s, prev_hash = %s, hash = %s, action = %s WHERE id = %s",
            [row.key_id, row.prev_hash, row.hash, row.action, row.pk],
        )
        prev = row.hash
    return prev


def test_records_name_their_key_and_the_id_is_part_of_the_seal(settings):
    settings.AUDIT_HMAC_KEY = K1
    row = write(1)[0]
    assert row.key_id == audit.key_id(K1.encode()) == AuditLog.objects.get(pk=row.pk).key_id
    assert b'"kid":"' + row.key_id.encode() in audit.canonical_bytes(row)
    row.key_id = audit.key_id(K2.encode())
    assert audit.record_hash(row, key=K1.encode()) != row.hash  # the key id cannot be swapped


def test_records_from_before_key_ids_still_verify_under_a_previous_key(settings):
    settings.AUDIT_HMAC_KEY = K1
    rows = write(3)
    last = reseal(rows, key=K1, key_id=None, prev=audit.GENESIS_HASH)  # as written before this change
    head = AuditChainHead.objects.get()
    head.last_hash = last
    head.mac = audit.head_mac(head)
    head.save()
    assert b'"kid"' not in audit.canonical_bytes(rows[0])
    assert verify()[0] == 0
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_PREVIOUS = K2, [K1]
    write(1)
    assert "audit_rotate_key: record" in rotate()
    code, out = verify()
    assert code == 0 and "chain intact, 5 records" in out


def test_a_rotation_keeps_the_chain_verifiable_and_retires_the_old_key(settings):
    settings.AUDIT_HMAC_KEY = K1
    before = write(3)
    k1, k2 = audit.key_id(K1.encode()), audit.key_id(K2.encode())

    # Step 2: every app server gets the new key, the old one as previous; records written meanwhile.
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_PREVIOUS = K2, [K1]
    assert verify()[0] == 0  # the head is still under K1: accepted while K1 is configured
    write(2)
    out = rotate()
    seal = AuditLog.objects.get(action=audit.KEY_ROTATE_ACTION)
    assert f"record {seal.pk} seals key {k2}" in out and k1 in out
    assert seal.key_id == k2 and seal.data["retired_key_ids"] == [k1]
    assert seal.data["records_by_key"] == {k1: 3, k2: 2} and seal.prev_hash == seal.data["last_hash"]
    write(2)
    code, out = verify()
    assert code == 0 and "chain intact, 8 records" in out
    assert audit.verify_chain().key_ids == {k1: 3, k2: 5}

    # Without the old key, the records it sealed cannot be verified: it stays as long as they do.
    settings.AUDIT_HMAC_KEY_PREVIOUS = []
    code, out = verify()
    assert code == 1 and f"BROKEN at record {before[0].pk}" in out and "neither AUDIT_HMAC_KEY" in out
    settings.AUDIT_HMAC_KEY_PREVIOUS = [K1]

    # An app server still on the old key after the seal: its record is refused by audit_verify.
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_PREVIOUS = K1, [K2]
    stale = write(1)[0]
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_PREVIOUS = K2, [K1]
    code, out = verify()
    assert (
        code == 1
        and f"BROKEN at record {stale.pk}" in out
        and f"retired by the key rotation in record {seal.pk}" in out
    )


def test_the_old_key_alone_cannot_rewrite_what_the_seal_closed(settings):
    settings.AUDIT_HMAC_KEY = K1
    old = write(3)
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_PREVIOUS = K2, [K1]
    rotate()
    seal = AuditLog.objects.get(action=audit.KEY_ROTATE_ACTION)
    assert verify()[0] == 0
    # Someone who obtained K1 (why keys are rotated) edits an old record and re-seals the whole old segment.
    old[1].action = "test.forged"
    reseal(old[1:], key=K1, key_id=audit.key_id(K1.encode()), prev=old[0].hash)
    code, out = verify()
    assert code == 1 and f"BROKEN at record {seal.pk}" in out and "link to record" in out


def test_rotation_is_refused_without_a_previous_key_or_on_a_broken_chain(settings):
    settings.AUDIT_HMAC_KEY = K1
    rows = write(2)
    with translation.override("en"), pytest.raises(CommandError, match="nothing to retire"):
        rotate()
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_PREVIOUS = K2, [K1]
    raw("UPDATE core_auditlog SET action = 'x' WHERE id = %s", [rows[0].pk])
    with translation.override("en"), pytest.raises(CommandError, match=f"broken at record {rows[0].pk};"):
        rotate()
    assert not AuditLog.objects.filter(action=audit.KEY_ROTATE_ACTION).exists()
