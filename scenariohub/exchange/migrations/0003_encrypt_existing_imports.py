from django.db import migrations

from scenariohub.core.fields import decrypt_existing, encrypt_existing
from scenariohub.core.storage import EncryptedFileSystemStorage


def _stored_files(apps):
    batch = apps.get_model("exchange", "ImportBatch")
    storage = EncryptedFileSystemStorage()
    names = batch.objects.exclude(file="").values_list("file", flat=True)
    return storage, [name for name in names.iterator() if storage.exists(name)]


def encrypt_files(apps, schema_editor):
    storage, names = _stored_files(apps)
    for name in names:
        storage.encrypt_in_place(name)


def decrypt_files(apps, schema_editor):
    storage, names = _stored_files(apps)
    for name in names:
        storage.decrypt_in_place(name)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_encrypt_import_rows_and_files"),
    ]

    # Imports staged before encryption hold plain JSON rows and plain workbooks: encrypt both now under
    # SCENARIOHUB_DATA_KEY (idempotent); the reverse writes plaintext back so 0002 can return to jsonb.
    operations = [
        migrations.RunPython(
            encrypt_existing("exchange", "importrow", ("data",)),
            decrypt_existing("exchange", "importrow", ("data",)),
            elidable=False,
        ),
        migrations.RunPython(encrypt_files, decrypt_files, elidable=False),
    ]
