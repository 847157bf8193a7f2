"""Rotating SCENARIOHUB_DATA_KEY: every encrypted column and file rewritten under the new key, resumably."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from scenariohub.accounts.models import User
from scenariohub.core import crypto
from scenariohub.core.fields import encrypted_fields
from scenariohub.core.models import AuditLog
from scenariohub.core.storage import encrypted_file_fields
from scenariohub.exchange.models import ImportBatch, ImportRow
from scenariohub.scenarios.models import Scenario
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db

NEW_KEY = "the-new-personal-data-key-of-forty-characters"


def _raw_values() -> dict[tuple[str, object], str]:
    """Every non-empty stored value of every encrypted column, straight from the database."""
    qn = connection.ops.quote_name
    values = {}
    with connection.cursor() as cursor:
        for model, field in encrypted_fields():
            cursor.execute(
                f"SELECT {qn(model._meta.pk.column)}, {qn(field.column)} FROM {qn(model._meta.db_table)} "  # noqa: S608
                f"WHERE {qn(field.column)} <> ''"
            )
            values.update({(f"{model._meta.label_lower}.{field.name}", pk): v for pk, v in cursor.fetchall()})
    return values


def _rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_data_key", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def world(provider, office):
    """Some of each encrypted kind: scenario contacts, users' e-mails, an import's rows and workbook."""
    scenarios = [
        ScenarioFactory(
            owner=provider.organisation, contact_phone=f"1390000000{i}", contact_email=f"p{i}@example.cn"
        )
        for i in range(5)
    ]
    batch = ImportBatch(organisation=provider.organisation, original_name="a.xlsx", size=3)
    batch.file.save("a.xlsx", io.BytesIO(b"workbook bytes"), save=False)
    batch.save()
    row = ImportRow.objects.create(batch=batch, row_number=2, data={"contact_phone": "13911112222"})
    for n, user in enumerate((provider.user, office.user)):
        user.email = f"user{n}@example.cn"
        user.save()
    return {"scenarios": scenarios, "batch": batch, "row": row, "users": [provider.user, office.user]}


def test_the_rotation_finds_every_encrypted_field_by_class():
    labels = {f"{m._meta.label_lower}.{f.name}" for m, f in encrypted_fields()}
    assert {
        "accounts.user.email",
        "scenarios.scenario.contact_phone",
        "scenarios.scenario.contact_email",
        "matching.supplierprofile.contact_phone",
        "plans.planversionitem.contact_phone",
        "exchange.importrow.data",
    } <= labels
    assert [f"{m._meta.label_lower}.{f.name}" for m, f in encrypted_file_fields()] == [
        "exchange.importbatch.file"
    ]


def test_after_rotation_everything_reads_back_and_nothing_with_the_old_key_alone(world, settings):
    old_key, old_kid = settings.SCENARIOHUB_DATA_KEY, crypto.current_key_id()
    before = _raw_values()
    assert len(before) == 13 and {crypto.stored_key_id(v) for v in before.values()} == {old_kid}

    settings.SCENARIOHUB_DATA_KEY, settings.SCENARIOHUB_DATA_KEY_PREVIOUS = NEW_KEY, [old_key]
    new_kid = crypto.current_key_id()
    out = _rotate("--batch-size", "2")
    assert f"{len(before)} values and 1 files re-encrypted under key {new_kid}" in out
    assert "scenarios.scenario.contact_phone: 2/5" in out and "0 left under other keys" in out
    after = _raw_values()
    assert after.keys() == before.keys() and {crypto.stored_key_id(v) for v in after.values()} == {new_kid}
    assert AuditLog.objects.filter(action="personal_data.key_rotate", object_id=new_kid).count() == 1

    settings.SCENARIOHUB_DATA_KEY_PREVIOUS = []  # the new key alone reads everything
    for scenario in world["scenarios"]:
        fresh = Scenario.objects.get(pk=scenario.pk)
        assert (fresh.contact_phone, fresh.contact_email) == (scenario.contact_phone, scenario.contact_email)
    assert {u.email for u in User.objects.filter(pk__in=[u.pk for u in world["users"]])} == {
        u.email for u in world["users"]
    }
    assert ImportRow.objects.get(pk=world["row"].pk).data == {"contact_phone": "13911112222"}
    batch = ImportBatch.objects.get(pk=world["batch"].pk)
    with batch.file.open("rb") as handle:
        assert handle.read() == b"workbook bytes"
    assert "0 values not under key" in _rotate("--check")

    settings.SCENARIOHUB_DATA_KEY = old_key  # the old key alone reads nothing
    for stored in after.values():
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(stored)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(batch.file.storage.read_raw(batch.file.name))


def test_an_interrupted_rotation_resumes_and_a_second_run_changes_nothing(world, settings):
    old_key = settings.SCENARIOHUB_DATA_KEY
    settings.SCENARIOHUB_DATA_KEY, settings.SCENARIOHUB_DATA_KEY_PREVIOUS = NEW_KEY, [old_key]
    # As if a run stopped after one scenario: that row is already under the new key.
    done = world["scenarios"][0]
    Scenario.objects.filter(pk=done.pk).update(contact_phone=done.contact_phone)
    total = len(_raw_values())
    with pytest.raises(CommandError):
        _rotate("--check")  # the rest is still under the old key
    assert f"{total - 1} values and 1 files re-encrypted" in _rotate()
    first = _raw_values()
    assert "0 values and 0 files re-encrypted" in _rotate()
    assert _raw_values() == first  # nothing rewritten the second time


def test_a_value_under_an_unknown_key_is_reported_and_left_the_rest_rotated(world, settings):
    scenario = world["scenarios"][0]
    settings.SCENARIOHUB_DATA_KEY = "a-third-key-nobody-kept-of-forty-characters"
    Scenario.objects.filter(pk=scenario.pk).update(contact_phone="13700000000")
    settings.SCENARIOHUB_DATA_KEY_PREVIOUS = [crypto.development_key(settings.SECRET_KEY)]
    settings.SCENARIOHUB_DATA_KEY = NEW_KEY
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 values could not be decrypted"):
        call_command("rotate_data_key", stdout=io.StringIO(), stderr=err)
    assert f"scenarios.scenario.contact_phone pk={scenario.pk}" in err.getvalue()
    left = {k: v for k, v in _raw_values().items() if crypto.stored_key_id(v) != crypto.current_key_id()}
    assert list(left) == [("scenarios.scenario.contact_phone", scenario.pk)]
    assert AuditLog.objects.filter(action="personal_data.key_rotate_failed").count() == 1


def test_legacy_plaintext_is_encrypted_by_the_rotation(world):
    qn = connection.ops.quote_name
    scenario = world["scenarios"][1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn('scenarios_scenario')} SET {qn('contact_email')} = %s WHERE id = %s",  # noqa: S608
            ["legacy@example.cn", scenario.pk],
        )
    assert "1 values and 0 files re-encrypted" in _rotate()
    stored = _raw_values()[("scenarios.scenario.contact_email", scenario.pk)]
    assert crypto.is_encrypted(stored) and crypto.decrypt(stored) == "legacy@example.cn"
