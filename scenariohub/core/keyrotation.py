"""Re-encrypting personal data under the current ``SCENARIOHUB_DATA_KEY`` (``scenariohub rotate_data_key``).

What is rotated is found, not listed: every concrete column of an encrypted field class
(``core.fields.encrypted_fields``) and every file of a FileField whose storage encrypts
(``core.storage.encrypted_file_fields``). A value is rewritten when its header names another key id than
the current key's (or it is legacy plaintext); values already under the current key are not touched, so
the command is resumable and safe to run twice: an interrupted run leaves each row under the old or the
new key, both readable while the old key is in ``SCENARIOHUB_DATA_KEY_PREVIOUS``, and the next run
carries on with what is left.

Each batch is one transaction and each row is updated only if it still holds the value that was read,
so a row the application saves during the rotation (already under the new key) is left as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, transaction

from scenariohub.core import crypto
from scenariohub.core.fields import encrypted_fields
from scenariohub.core.storage import encrypted_file_fields

DEFAULT_BATCH = 500


@dataclass
class RotationSummary:
    key_id: str
    values_rewritten: int = 0
    files_rewritten: int = 0
    files_missing: int = 0
    failures: list[str] = field(default_factory=list)  # "app.model.field pk=…: reason"
    seconds: float = 0.0

    @property
    def rewritten(self) -> int:
        return self.values_rewritten + self.files_rewritten


def _label(model, f) -> str:
    return f"{model._meta.label_lower}.{f.name}"


def _not_current_sql(connection, model, f) -> tuple[str, str, str, str]:
    qn = connection.ops.quote_name
    return (
        qn(model._meta.db_table),
        qn(model._meta.pk.column),
        qn(f.column),
        f"{crypto.PREFIX}:{crypto.current_key_id()}:%",
    )


def pending_values(model, f, *, using: str = "default") -> int:
    """How many values of this column are not under the current key (other keys, or plaintext)."""
    connection = connections[using]
    table, _pk, column, current = _not_current_sql(connection, model, f)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {column} <> '' AND {column} NOT LIKE %s",  # noqa: S608
            [current],
        )
        return cursor.fetchone()[0]


def _rotate_column(model, f, *, batch_size: int, using: str, summary: RotationSummary, report) -> None:
    connection = connections[using]
    table, pk, column, current = _not_current_sql(connection, model, f)
    label, total, done, last = _label(model, f), pending_values(model, f, using=using), 0, None
    report(f"{label}: {total} to re-encrypt")
    while total:
        after = "" if last is None else f"AND {pk} > %s"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {column} FROM {table} WHERE {column} <> '' AND {column} NOT LIKE %s "  # noqa: S608
                f"{after} ORDER BY {pk} LIMIT %s",
                [current, *([] if last is None else [last]), batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            break
        updates = []
        for key, stored in rows:
            try:
                updates.append((crypto.reencrypt(stored), key, stored))
            except crypto.DecryptionError as exc:
                summary.failures.append(f"{label} pk={key}: {exc}")
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",  # noqa: S608
                updates,
            )
        last, done = rows[-1][0], done + len(rows)
        summary.values_rewritten += len(updates)
        report(f"{label}: {done}/{total}")


def _rotate_files(model, f, *, batch_size: int, summary: RotationSummary, report) -> None:
    label = _label(model, f)
    names = list(
        model._default_manager.exclude(**{f.name: ""})
        .exclude(**{f"{f.name}__isnull": True})
        .order_by()
        .values_list(f.name, flat=True)
        .distinct()
    )
    report(f"{label}: {len(names)} files to check")
    for done, name in enumerate(names, start=1):
        if not f.storage.exists(name):
            summary.files_missing += 1
        else:
            try:
                summary.files_rewritten += f.storage.encrypt_in_place(name)
            except crypto.DecryptionError as exc:
                summary.failures.append(f"{label} {name}: {exc}")
        if done % batch_size == 0 or done == len(names):
            report(f"{label}: {done}/{len(names)} files")


def rotate_data_key(
    *,
    batch_size: int = DEFAULT_BATCH,
    using: str = "default",
    report: Callable[[str], None] = lambda _m: None,
) -> RotationSummary:
    """Rewrite every encrypted value and file not under the current key; see the module's docstring."""
    from scenariohub.core.services import audit_record

    started = time.monotonic()
    summary = RotationSummary(key_id=crypto.current_key_id())
    for model, f in encrypted_fields():
        _rotate_column(model, f, batch_size=batch_size, using=using, summary=summary, report=report)
    for model, f in encrypted_file_fields():
        _rotate_files(model, f, batch_size=batch_size, summary=summary, report=report)
    summary.seconds = time.monotonic() - started
    with transaction.atomic(using=using):
        audit_record(
            actor=None,
            organisation=None,
            action="personal_data.key_rotate" if not summary.failures else "personal_data.key_rotate_failed",
            object_type="core.data_key",
            object_id=summary.key_id,
            data={
                "values": summary.values_rewritten,
                "files": summary.files_rewritten,
                "failures": len(summary.failures),
                "seconds": round(summary.seconds, 1),
            },
        )
    return summary


def values_not_under_current_key(*, using: str = "default") -> dict[str, int]:
    """Per column and file field, what is still under another key (or plaintext); empty when done."""
    left = {}
    for model, f in encrypted_fields():
        if n := pending_values(model, f, using=using):
            left[_label(model, f)] = n
    current = crypto.current_key_id()
    for model, f in encrypted_file_fields():
        names = model._default_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True)
        n = sum(
            1
            for name in names
            if f.storage.exists(name) and crypto.stored_key_id_bytes(f.storage.read_raw(name)) != current
        )
        if n:
            left[_label(model, f)] = n
    return left
