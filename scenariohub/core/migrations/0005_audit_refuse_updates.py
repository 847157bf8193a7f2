# portability: postgresql-optional (the trigger is created on SQLite and PostgreSQL only; elsewhere the ORM
# guards of AuditLog are what refuses changes, and nothing in the application depends on the trigger)
"""A database-level guard: any UPDATE of an audit record is refused by a trigger, whoever sends it.

Deletes stay possible at this level (retention, `audit_purge`; test flushes) and are caught by the hash
chain instead. A person with the database owner's rights can drop the trigger; the chain still shows what
they changed. Note: on SQLite, rebuilding the table (a future AlterField) drops its triggers; the test
`test_updates_are_refused_by_the_database` notices.
"""

from django.db import migrations

MESSAGE = "audit records cannot be changed"

SQLITE_CREATE = f"""
CREATE TRIGGER IF NOT EXISTS core_auditlog_no_update BEFORE UPDATE ON core_auditlog
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditlog_no_update"

PG_CREATE = [
    f"""
CREATE OR REPLACE FUNCTION core_auditlog_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{MESSAGE}'; END
$$ LANGUAGE plpgsql
""",
    "DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog",
    """
CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog
FOR EACH ROW EXECUTE FUNCTION core_auditlog_refuse_update()
""",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog",
    "DROP FUNCTION IF EXISTS core_auditlog_refuse_update()",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for statement in PG_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        for statement in PG_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_chain_existing_records"),
    ]

    operations = [migrations.RunPython(create, drop)]
