"""The restore drill: back up a database with data and uploaded files, restore it into an empty database
(a second SQLite file, or a second PostgreSQL database), check every table's row count and walk the site
on the restored copy with the Django test client. Plus the archive's defences: checksums, refusal of a
database that holds data, members the manifest does not list.

Transactional: pg_dump reads committed rows from its own connection, and SQLite's backup API copies what
the connection has committed.
"""

import hashlib
import io
import json
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import Client
from django.urls import reverse

from scenariohub.accounts.tests.factories import TEST_PASSWORD
from scenariohub.conftest import as_actor
from scenariohub.core import backup
from scenariohub.core.tests.files import TINY_PNG
from scenariohub.scenarios import services
from scenariohub.scenarios.models import Scenario, ScenarioAttachment, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db(transaction=True)

PNG = TINY_PNG + bytes(range(256)) * 8  # a real PNG (libmagic reads uploads), made a few kB long


@pytest.fixture
def published(provider, chengdu_city, office):
    """A published scenario with an attachment, a draft of the same owner, and their audit trail."""
    scenario = ScenarioFactory(owner=provider.organisation, title="成都市智能巡检示范场景")
    attachment = services.scenario_attachment_add(
        actor=as_actor(provider),
        scenario_id=scenario.pk,
        uploaded=SimpleUploadedFile("方案.png", PNG, "image/png"),
    )
    services.scenario_submit(actor=as_actor(provider), scenario_id=scenario.pk)
    services.scenario_approve(actor=as_actor(chengdu_city), scenario_id=scenario.pk)
    services.scenario_publish(actor=as_actor(office), scenario_id=scenario.pk)
    ScenarioFactory(owner=provider.organisation, title="尚未提交的草稿场景")
    return scenario, attachment


@contextmanager
def second_database(tmp_path: Path):
    """Point the default connection (of this thread: the test client's too) at a new, empty database."""
    original = connections["default"]
    settings_dict = dict(original.settings_dict)
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        settings_dict["NAME"] = f"{original.settings_dict['NAME']}_restored"
        with original.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    restored = original.__class__(settings_dict, "default")
    connections["default"] = restored
    try:
        yield restored
    finally:
        restored.close()
        connections["default"] = original
        if original.vendor != "sqlite":
            with original.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')


def _backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    archives = sorted((tmp_path / "backups").glob("scenariohub-backup-*.tar"))
    assert len(archives) == 1 and str(archives[0]) in out.getvalue()
    return archives[0]


def test_restore_drill_into_an_empty_database(published, provider, tmp_path, settings):
    scenario, attachment = published
    counts_before = backup.table_counts()
    assert counts_before["scenarios_scenario"] == 2 and counts_before["scenarios_scenarioattachment"] == 1
    archive = _backup(tmp_path)

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["row_counts"] == counts_before
    assert manifest["media"]["files"] == 1
    assert ["scenarios", "0001_initial"] in manifest["migrations"]
    assert manifest["files"]["media/" + attachment.file.name]["sha256"] == hashlib.sha256(PNG).hexdigest()

    settings.MEDIA_ROOT = tmp_path / "media-restored"
    with second_database(tmp_path):
        assert backup.table_counts() == {}  # nothing there: not even migrated
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
        assert "match the manifest" in out.getvalue()
        assert backup.table_counts() == counts_before
        assert Scenario.objects.get(pk=scenario.pk).status == Status.PUBLISHED
        assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == PNG

        # The smoke journey, on the restored copy: log in, catalogue, the scenario page, the attachment.
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": provider.user.username, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302, "the restored password hash must let the user in"
        assert client.get(reverse("scenarios:workspace")).status_code == 200
        catalogue = client.get(reverse("scenarios:catalogue"))
        assert catalogue.status_code == 200 and "成都市智能巡检示范场景" in catalogue.content.decode()
        page = client.get(reverse("scenarios:detail", args=[scenario.pk]))
        assert page.status_code == 200 and "成都市智能巡检示范场景" in page.content.decode()
        download = Client().get(reverse("scenarios:attachment-download", args=[scenario.pk, attachment.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PNG
        assert ScenarioAttachment.objects.filter(pk=attachment.pk).exists()

        # A second restore into what is now a database with data is refused, unless forced.
        with pytest.raises(CommandError, match="holds data"):
            call_command("restore", str(archive), stdout=io.StringIO())
        call_command("restore", str(archive), "--force", stdout=io.StringIO())
        assert backup.table_counts() == counts_before


def test_verify_reports_a_damaged_archive_and_restore_refuses_it(published, tmp_path, settings):
    archive = _backup(tmp_path)
    out = io.StringIO()
    call_command("backup", verify=str(archive), stdout=out)
    assert "intact" in out.getvalue()

    # Flip bytes inside the database member (tar keeps members uncompressed, so the offset is stable).
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("database."))
    data = bytearray(archive.read_bytes())
    spot = member.offset_data + member.size // 2
    data[spot : spot + 4] = bytes(b ^ 0xFF for b in data[spot : spot + 4])
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="Checksum mismatch for database"):
        call_command("backup", verify=str(damaged), stdout=io.StringIO())
    settings.MEDIA_ROOT = tmp_path / "media-restored"
    with second_database(tmp_path):
        with pytest.raises(CommandError, match="Checksum mismatch"):
            call_command("restore", str(damaged), stdout=io.StringIO())
        assert backup.table_counts() == {}, "nothing is touched when the archive is damaged"


def test_restore_refuses_unlisted_or_escaping_members(published, tmp_path):
    archive = _backup(tmp_path)
    for name in ("media/extra.pdf", "../outside.txt"):
        tampered = tmp_path / "tampered.tar"
        tampered.write_bytes(archive.read_bytes())
        with tarfile.open(tampered, "a") as tar:
            info = tarfile.TarInfo(name)
            info.size = 3
            tar.addfile(info, io.BytesIO(b"bad"))
        with pytest.raises(backup.BackupError, match="Unexpected member"):
            backup.backup_verify(tampered)


def test_restore_refuses_a_database_with_data_and_leaves_it_alone(published, tmp_path):
    archive = _backup(tmp_path)
    Scenario.objects.filter(status=Status.DRAFT).delete()
    before = backup.table_counts()
    with pytest.raises(CommandError, match="holds data"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert backup.table_counts() == before


def test_not_an_archive(tmp_path):
    bogus = tmp_path / "bogus.tar"
    bogus.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="not a readable tar archive"):
        call_command("restore", str(bogus), stdout=io.StringIO())
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing.tar"), stdout=io.StringIO())
