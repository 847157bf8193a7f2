# Split from the generated migration: one concern each.

from django.db import migrations, models


class Migration(migrations.Migration):
    """The hash chain: each record's MAC and its predecessor's, and the head row appends lock."""

    dependencies = [
        ("core", "0002_audit_record_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("last_id", models.BigIntegerField(blank=True, null=True)),
                ("last_hash", models.CharField(max_length=64)),
                ("anchor_id", models.BigIntegerField(blank=True, null=True)),
                ("anchor_hash", models.CharField(max_length=64)),
                ("mac_alg", models.CharField(max_length=16)),
                ("mac", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain head",
            },
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash_alg",
            field=models.CharField(blank=True, max_length=16, verbose_name="hash algorithm"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="previous hash"),
        ),
    ]
