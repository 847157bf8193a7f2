"""Personal data at rest: SM4-GCM ciphertext in the database, plaintext only in Python, lookups refused."""

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from scenariohub.core import crypto
from scenariohub.core.checks import check_sm4_available
from scenariohub.core.fields import decrypt_existing, encrypt_existing
from scenariohub.scenarios.models import Scenario
from scenariohub.scenarios.tests.factories import ScenarioFactory


def _raw(table: str, column: str, pk: int) -> str:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(column)} FROM {qn(table)} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _raw_set(table: str, column: str, pk: int, value: str) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", [value, pk])  # noqa: S608


def test_sm4_gcm_is_available_and_the_check_passes():
    assert crypto.sm4_gcm_available()
    assert check_sm4_available() == []


def test_round_trip_with_a_fresh_nonce_each_time():
    a, b = crypto.encrypt("13811111111"), crypto.encrypt("13811111111")
    assert a != b and a.startswith("sm4gcm:") and "13811111111" not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == "13811111111"
    assert crypto.decrypt(crypto.encrypt("王伟@例子.中国")) == "王伟@例子.中国"


def test_an_altered_ciphertext_does_not_decrypt():
    token = crypto.encrypt("13811111111")
    prefix, kid, body = token.split(":", 2)
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    for bad in (
        f"{prefix}:{kid}:{flipped}",
        f"{prefix}:{kid}:",
        f"{prefix}:{kid}:!!!",
        "sm4gcm:nokey",
        "plain",
    ):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(bad)


def test_another_key_cannot_read_and_a_previous_key_still_can(settings):
    old = crypto.encrypt("13822222222")
    settings.SCENARIOHUB_DATA_KEY = "a-brand-new-key-of-more-than-thirty-two-characters"
    with pytest.raises(crypto.DecryptionError, match="key id"):
        crypto.decrypt(old)
    previous = crypto.development_key(settings.SECRET_KEY)
    settings.SCENARIOHUB_DATA_KEY_PREVIOUS = [previous]
    assert crypto.decrypt(old) == "13822222222"
    assert crypto.encrypt("x").split(":")[1] != old.split(":")[1]  # new values under the new key


@pytest.mark.django_db
def test_the_database_holds_ciphertext_and_the_model_plaintext():
    scenario = ScenarioFactory(contact_phone="13833333333", contact_email="wang@example.com")
    phone, email = (
        _raw("scenarios_scenario", "contact_phone", scenario.pk),
        _raw("scenarios_scenario", "contact_email", scenario.pk),
    )
    assert crypto.is_encrypted(phone) and crypto.is_encrypted(email)
    assert "13833333333" not in phone and "wang" not in email
    reloaded = Scenario.objects.get(pk=scenario.pk)
    assert (reloaded.contact_phone, reloaded.contact_email) == ("13833333333", "wang@example.com")
    assert list(Scenario.objects.filter(pk=scenario.pk).values_list("contact_phone", flat=True)) == [
        "13833333333"
    ]


@pytest.mark.django_db
def test_empty_stays_empty_and_lookups_are_refused():
    scenario = ScenarioFactory(contact_email="")
    assert _raw("scenarios_scenario", "contact_email", scenario.pk) == ""
    assert Scenario.objects.filter(contact_email__isnull=False, pk=scenario.pk).exists()
    for lookup in (
        "contact_phone",
        "contact_phone__icontains",
        "contact_email__iendswith",
        "contact_email__in",
    ):
        with pytest.raises(FieldError):
            list(Scenario.objects.filter(**{lookup: "x"}))


@pytest.mark.django_db
def test_data_migration_functions_encrypt_then_restore_plaintext():
    from django.apps import apps

    scenario = ScenarioFactory()
    _raw_set("scenarios_scenario", "contact_phone", scenario.pk, "13844444444")
    _raw_set("scenarios_scenario", "contact_email", scenario.pk, "li@example.com")
    assert Scenario.objects.get(pk=scenario.pk).contact_phone == "13844444444"  # legacy plaintext reads as is
    fields = ("contact_phone", "contact_email")
    editor = SimpleNamespace(connection=connection)  # the functions only use the editor's connection
    encrypt_existing("scenarios", "scenario", fields)(apps, editor)
    once = _raw("scenarios_scenario", "contact_phone", scenario.pk)
    encrypt_existing("scenarios", "scenario", fields)(apps, editor)  # idempotent: not encrypted twice
    assert crypto.is_encrypted(once) and _raw("scenarios_scenario", "contact_phone", scenario.pk) == once
    assert Scenario.objects.get(pk=scenario.pk).contact_email == "li@example.com"
    decrypt_existing("scenarios", "scenario", fields)(apps, editor)
    assert _raw("scenarios_scenario", "contact_phone", scenario.pk) == "13844444444"
    assert _raw("scenarios_scenario", "contact_email", scenario.pk) == "li@example.com"


@pytest.mark.django_db(transaction=True)
def test_the_migrations_encrypt_existing_rows_and_reverse_cleanly():
    scenario = ScenarioFactory()
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("scenarios")
    try:
        executor.migrate([("scenarios", "0002_add_catalogue_indexes")])
        assert _raw("scenarios_scenario", "contact_phone", scenario.pk) == "13800000000"
        _raw_set("scenarios_scenario", "contact_email", scenario.pk, "old@example.com")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaf)
        assert crypto.is_encrypted(_raw("scenarios_scenario", "contact_email", scenario.pk))
        assert Scenario.objects.get(pk=scenario.pk).contact_email == "old@example.com"
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaf)


def _settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SCENARIOHUB_", "SECRET_KEY", "DEBUG"))}
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", "import scenariohub.settings as s; print(len(s.SCENARIOHUB_DATA_KEY))"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_data_key():
    secret = "p" * 60
    missing = _settings_in_subprocess(SCENARIOHUB_ENV="production", SECRET_KEY=secret, DEBUG="0")
    assert missing.returncode != 0 and "SCENARIOHUB_DATA_KEY must be set" in missing.stderr
    short = _settings_in_subprocess(
        SCENARIOHUB_ENV="production", SECRET_KEY=secret, DEBUG="0", SCENARIOHUB_DATA_KEY="short"
    )
    assert short.returncode != 0 and "32+" in short.stderr
    same = _settings_in_subprocess(
        SCENARIOHUB_ENV="production", SECRET_KEY=secret, DEBUG="0", SCENARIOHUB_DATA_KEY=secret
    )
    assert same.returncode != 0
    good = _settings_in_subprocess(
        SCENARIOHUB_ENV="production", SECRET_KEY=secret, DEBUG="0", SCENARIOHUB_DATA_KEY="k" * 40
    )
    # Other production requirements (cache, hosts) may still stop it; the data key is not among them.
    assert "SCENARIOHUB_DATA_KEY" not in good.stderr, good.stderr
    dev = _settings_in_subprocess(SCENARIOHUB_ENV="development")
    assert dev.returncode == 0 and dev.stdout.strip() == "64", dev.stderr
