"""Model fields whose values are encrypted at rest with SM4-GCM (see ``core.crypto``).

In Python the value is the plaintext; in the database it is ``sm4gcm:…`` text. ``max_length`` and the
validators apply to the plaintext (forms and services are unchanged); the column is TEXT because the
ciphertext is longer. Empty strings and NULL stay as they are (nothing personal to hide).

Because every value has its own random nonce, the database cannot compare them: lookups other than
``isnull`` are refused with a FieldError, so nobody writes a filter, search or ordering that silently
never matches (or, worse, is later "fixed" by storing plaintext). Search and filter on other columns.

Rows written before a field became encrypted hold plaintext; they are read as they are and encrypted on
the next save. Each app's data migration does that at once with ``encrypt_existing``/``decrypt_existing``.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from scenariohub.core import crypto

ALLOWED_LOOKUPS = frozenset({"isnull"})


class EncryptedMixin:
    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection):
        # A TextField's column type, whatever the parent class (CharField would give varchar(max_length)).
        return models.TextField().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "" or not crypto.is_encrypted(value):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in ALLOWED_LOOKUPS:
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField (max_length checked on the plaintext) stored SM4-encrypted."""


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    """An EmailField (validated as an address) stored SM4-encrypted."""


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON document (dicts, lists, strings, numbers) stored as one SM4-encrypted text.

    For staged data that mixes personal and other values (an imported row): the whole document is
    encrypted, so it can be neither queried by key nor indexed. Legacy rows holding plain JSON (the column
    was a JSONField) are read as they are until the data migration or ``rotate_data_key`` encrypts them.
    """

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if crypto.is_encrypted(value):
            value = crypto.decrypt(value)
        return json.loads(value)

    def to_python(self, value):
        if isinstance(value, str) and not crypto.is_encrypted(value):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder, ensure_ascii=False)


def encrypted_fields():
    """Every concrete encrypted column of every installed model: ``(model, field)``, found by field class."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for field in meta.local_concrete_fields:
            if isinstance(field, EncryptedMixin):
                found.append((model, field))
    return found


# Raw SQL on purpose: the historical model's field would encrypt on write and decrypt on read, and the
# reverse step must write plaintext through a field that still encrypts. Names come from model meta.
def _raw_rows(schema_editor, model, column: str):
    qn = schema_editor.connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {qn(column)} FROM {table} WHERE {qn(column)} <> ''")  # noqa: S608
        return list(cursor.fetchall())


def _raw_update(schema_editor, model, column: str, updates: list[tuple[str, int]]) -> None:
    if not updates:
        return
    qn = schema_editor.connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {qn(column)} = %s WHERE {pk} = %s", updates)  # noqa: S608


def encrypt_existing(app_label: str, model_name: str, fields: tuple[str, ...]):
    """A RunPython forward function: encrypt the plaintext still in these columns (idempotent)."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for name in fields:
            column = model._meta.get_field(name).column
            rows = _raw_rows(schema_editor, model, column)
            updates = [
                (crypto.encrypt(value), pk) for pk, value in rows if value and not crypto.is_encrypted(value)
            ]
            _raw_update(schema_editor, model, column, updates)

    return forward


def decrypt_existing(app_label: str, model_name: str, fields: tuple[str, ...]):
    """The reverse: write the plaintext back, so the column can return to varchar."""

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for name in fields:
            column = model._meta.get_field(name).column
            rows = _raw_rows(schema_editor, model, column)
            updates = [(crypto.decrypt(value), pk) for pk, value in rows if crypto.is_encrypted(value)]
            _raw_update(schema_editor, model, column, updates)

    return backward
