"""Seal the records written before the hash chain existed (demo data, older databases) into it, in id order.

Their fields are sealed as they stand at this migration; from here on any change is detected.
"""

from django.db import migrations


def chain_existing(apps, schema_editor):
    from scenariohub.core import audit

    AuditLog = apps.get_model("core", "AuditLog")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    db = schema_editor.connection.alias
    prev, first_id, last_id = audit.GENESIS_HASH, None, None
    batch = []
    for row in AuditLog.objects.using(db).order_by("id").iterator(chunk_size=2000):
        row.hash_alg = audit.DEFAULT_ALG
        row.prev_hash = prev
        row.hash = audit.record_hash(row)
        prev, last_id = row.hash, row.id
        first_id = row.id if first_id is None else first_id
        batch.append(row)
        if len(batch) >= 1000:
            AuditLog.objects.using(db).bulk_update(batch, ["hash_alg", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditLog.objects.using(db).bulk_update(batch, ["hash_alg", "prev_hash", "hash"])
    head = AuditChainHead(
        pk=1,
        last_id=last_id,
        last_hash=prev,
        anchor_id=first_id,
        anchor_hash=audit.GENESIS_HASH,
        mac_alg=audit.DEFAULT_ALG,
    )
    head.mac = audit.head_mac(head)
    AuditChainHead.objects.using(db).filter(pk=1).delete()
    head.save(using=db, force_insert=True)


def unchain(apps, schema_editor):
    apps.get_model("core", "AuditChainHead").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_hash_chain"),
    ]

    operations = [migrations.RunPython(chain_existing, unchain)]
