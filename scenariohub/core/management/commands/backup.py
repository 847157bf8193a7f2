"""`scenariohub backup [--output DIR]`: the database and the uploaded files in one verified archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scenariohub.core.backup import BackupError, backup_create, backup_verify


class Command(BaseCommand):
    help = (
        "Write a backup archive (database via SQLite's online backup API or pg_dump, every file under "
        "MEDIA_ROOT, and a manifest with the migration state, rows per table and checksums). "
        "Safe while the site runs. --verify ARCHIVE checks an existing archive's checksums instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", metavar="DIR", help="directory for the archive (default: SCENARIOHUB_VAR_DIR/backups)"
        )
        parser.add_argument(
            "--verify", metavar="ARCHIVE", help="only check an archive's checksums; write nothing"
        )

    def handle(self, *args, output: str | None, verify: str | None, **options):
        try:
            if verify:
                manifest = backup_verify(Path(verify))
                self.stdout.write(
                    f"backup: {verify} is intact ({len(manifest['files'])} members, "
                    f"taken {manifest['created_at']} from {manifest['database']['vendor']})"
                )
                return
            result = backup_create(output_dir=Path(output) if output else Path(settings.VAR_DIR) / "backups")
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"backup: {result.path} ({len(manifest['row_counts'])} tables, "
            f"{sum(manifest['row_counts'].values())} rows, {manifest['media']['files']} files) in {result.seconds:.1f} s"
        )
