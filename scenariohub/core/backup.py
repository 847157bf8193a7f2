"""Backup and restore of the whole platform: the database and the uploaded files, in one archive.

An archive is a plain tar file:

    manifest.json          when, from which database, the migration state, rows per table, checksums
    database.sqlite3       SQLite: a consistent copy made with SQLite's online backup API
    database.pgdump        PostgreSQL: `pg_dump -Fc` (restored with `pg_restore`)
    media/<path>           every file under MEDIA_ROOT (attachments, import workbooks, covers)

The database is copied first and the files second, so a file uploaded in between is extra (harmless) and
never missing from a row that points at it, unless it was deleted in between. Restore verifies every
checksum before it touches anything, refuses a database that holds data unless forced, and after the
restore compares the row count of every table with the manifest. Operators' procedure: docs/operations.md.
"""

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump/pg_restore only, fixed argument lists, never a shell
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
# Rows that migrations (and post_migrate) put into a freshly migrated database: their presence does not
# make a database "non-empty" for restore's refusal.
SEEDED_BY_MIGRATE = {"contenttypes", "reference", "sessions"}
SEEDED_MODELS = {"auth.permission"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something an operator must see: the message says what is wrong and what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float


@dataclass
class RestoreResult:
    manifest: dict
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    pending_migrations: list[str] = field(default_factory=list)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _connection(using: str):
    connection = connections[using]
    connection.ensure_connection()
    return connection


def table_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per table, for every model table that exists, plus Django's migration history."""
    connection = _connection(using)
    existing = set(connection.introspection.table_names())
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in existing and not model._meta.proxy and table not in counts:
            counts[table] = model._base_manager.using(using).count()
    recorder = MigrationRecorder(connection)
    if recorder.has_table():
        counts[recorder.Migration._meta.db_table] = recorder.migration_qs.count()
    return dict(sorted(counts.items()))


def database_has_data(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when any table holds rows that migrate alone would not have created."""
    connection = _connection(using)
    existing = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.db_table not in existing or meta.proxy:
            continue
        if meta.app_label in SEEDED_BY_MIGRATE or meta.label_lower in SEEDED_MODELS:
            continue
        if model._base_manager.using(using).exists():
            return True
    return False


def migration_state(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    recorder = MigrationRecorder(_connection(using))
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq reads the connection from the environment, so no password appears on a command line."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        value = settings_dict.get(key)
        if value:
            env[var] = str(value)
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    binary = shutil.which(args[0])
    if binary is None:
        raise BackupError(
            f"{args[0]} not found: install the PostgreSQL client programs (Debian: postgresql-client)."
        )
    done = subprocess.run([binary, *args[1:]], env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603  # fixed program, no shell
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[:2000]}")


def _dump_database(using: str, workdir: Path) -> tuple[str, Path]:
    connection = _connection(using)
    if connection.vendor == "sqlite":
        target = workdir / SQLITE_MEMBER
        copy = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot while the application keeps running.
            connection.connection.backup(copy)
        finally:
            copy.close()
        return SQLITE_MEMBER, target
    if connection.vendor == "postgresql":
        target = workdir / PG_MEMBER
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            _pg_env(connection.settings_dict),
        )
        return PG_MEMBER, target
    raise BackupError(f"Backups are implemented for SQLite and PostgreSQL, not {connection.vendor}.")


def backup_create(
    *, output_dir: Path, using: str = DEFAULT_DB_ALIAS, now: dt.datetime | None = None
) -> BackupResult:
    """Write `scenariohub-backup-<UTC time>.tar` into output_dir and return its path and manifest."""
    started = time.monotonic()
    now = now or timezone.now()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    connection = _connection(using)
    media_root = Path(settings.MEDIA_ROOT)
    name = f"scenariohub-backup-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.tar"
    final = output_dir / name
    if final.exists():
        raise BackupError(f"{final} exists already; wait a second or choose another --output.")
    with tempfile.TemporaryDirectory(prefix="scenariohub-backup-", dir=output_dir) as tmp:
        workdir = Path(tmp)
        counts = table_counts(using)
        migrations = migration_state(using)
        member, db_file = _dump_database(using, workdir)
        files = {member: {"sha256": _sha256_file(db_file), "bytes": db_file.stat().st_size}}
        media = _media_files(media_root)
        for path in media:
            rel = path.relative_to(media_root).as_posix()
            files[MEDIA_PREFIX + rel] = {"sha256": _sha256_file(path), "bytes": path.stat().st_size}
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.localtime(now).isoformat(),
            "database": {"vendor": connection.vendor, "member": member},
            "django": django.get_version(),
            "migrations": migrations,
            "row_counts": counts,
            "media": {
                "files": len(media),
                "bytes": sum(files[k]["bytes"] for k in files if k.startswith(MEDIA_PREFIX)),
            },
            "files": files,
        }
        manifest_path = workdir / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = workdir / (name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(manifest_path, arcname=MANIFEST)
            archive.add(db_file, arcname=member)
            for path in media:
                archive.add(
                    path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix(), recursive=False
                )
        # Renamed into place only when complete: a half-written archive never looks like a backup.
        os.replace(partial, final)
    seconds = time.monotonic() - started
    logger.info(
        "backup written to %s (%d tables, %d files) in %.1f s", final, len(counts), len(media), seconds
    )
    return BackupResult(path=final, manifest=manifest, seconds=seconds)


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix() and name != ""


def backup_verify(archive_path: Path) -> dict:
    """Read the manifest and check every member against its checksum; return the manifest.

    Refuses an archive with a member the manifest does not list, one it lists but the archive lacks, a
    link or device, or a name that would escape the restore directory."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file.")
    try:
        with tarfile.open(archive_path, "r:") as archive:
            try:
                raw = archive.extractfile(MANIFEST)
            except KeyError:
                raise BackupError(f"{archive_path} has no {MANIFEST}: not a ScenarioHub backup.") from None
            try:
                manifest = json.loads(raw.read().decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise BackupError(f"The manifest of {archive_path} is not valid JSON.") from exc
            if manifest.get("format") != FORMAT_VERSION or not isinstance(manifest.get("files"), dict):
                raise BackupError(f"{archive_path} has an unknown backup format {manifest.get('format')!r}.")
            expected: dict = manifest["files"]
            seen: set[str] = set()
            for info in archive:
                if info.name == MANIFEST:
                    continue
                if not info.isfile() or not _safe_member_name(info.name) or info.name not in expected:
                    raise BackupError(
                        f"Unexpected member {info.name!r} in {archive_path}; refusing the archive."
                    )
                digest = hashlib.sha256()
                stream = archive.extractfile(info)
                for block in iter(lambda s=stream: s.read(CHUNK), b""):
                    digest.update(block)
                if digest.hexdigest() != expected[info.name]["sha256"]:
                    raise BackupError(
                        f"Checksum mismatch for {info.name} in {archive_path}: the archive is damaged."
                    )
                seen.add(info.name)
    except tarfile.TarError as exc:
        raise BackupError(f"{archive_path} is not a readable tar archive: {exc}") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{archive_path} lacks {len(missing)} listed member(s), e.g. {missing[0]}.")
    return manifest


def _extract(archive: tarfile.TarFile, name: str, target: Path) -> None:
    """One member to target, written beside it and renamed (no partial files, no tar path tricks)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    with archive.extractfile(name) as src, partial.open("wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
    os.replace(partial, target)


def _restore_database(using: str, vendor: str, dump: Path) -> None:
    connection = _connection(using)
    if connection.vendor != vendor:
        raise BackupError(
            f"The backup is of a {vendor} database; this installation uses {connection.vendor}."
        )
    if vendor == "sqlite":
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        # One transaction: a failure leaves the database as it was. --clean drops what the dump recreates.
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            _pg_env(connection.settings_dict),
        )
    # Cached rows (content types, …) describe the database that was there before.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    connection.close()


def _pending_migrations(using: str) -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(_connection(using))
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def backup_restore(
    *, archive_path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Verify the archive, then replace the database and restore the uploaded files from it."""
    started = time.monotonic()
    archive_path = Path(archive_path)
    manifest = backup_verify(archive_path)
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        if database_has_data(using):
            raise BackupError(
                "The database holds data already; restoring would replace it. Restore into an empty database, "
                "or pass --force if replacing it is intended."
            )
        if _media_files(media_root):
            raise BackupError(f"MEDIA_ROOT ({media_root}) holds files already; empty it or pass --force.")
    db = manifest["database"]
    with (
        tarfile.open(archive_path, "r:") as archive,
        tempfile.TemporaryDirectory(prefix="scenariohub-restore-") as tmp,
    ):
        dump = Path(tmp) / db["member"]
        _extract(archive, db["member"], dump)
        _restore_database(using, db["vendor"], dump)
        root = media_root.resolve()
        for name in manifest["files"]:
            if not name.startswith(MEDIA_PREFIX):
                continue
            target = (root / name[len(MEDIA_PREFIX) :]).resolve()
            if not target.is_relative_to(root):  # checked by backup_verify too; never write outside
                raise BackupError(f"Refusing {name}: it points outside MEDIA_ROOT.")
            _extract(archive, name, target)
    counts = table_counts(using)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["row_counts"].items() if counts.get(t) != n}
    if wrong:
        sample = ", ".join(f"{t}: {want} expected, {got} found" for t, (want, got) in list(wrong.items())[:5])
        raise BackupError(f"Restored, but {len(wrong)} table(s) differ from the manifest: {sample}.")
    seconds = time.monotonic() - started
    logger.info("restored %s (%d tables) in %.1f s", archive_path, len(counts), seconds)
    return RestoreResult(
        manifest=manifest, seconds=seconds, counts=counts, pending_migrations=_pending_migrations(using)
    )
