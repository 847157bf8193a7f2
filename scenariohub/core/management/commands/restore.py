"""`scenariohub restore ARCHIVE [--force]`: put a backup back, into an empty database unless forced."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scenariohub.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive written by `scenariohub backup`: verifies every checksum first, refuses a "
        "database that holds data (or a MEDIA_ROOT with files) unless --force, restores the database and the "
        "uploaded files, then checks the row count of every table against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar archive written by `scenariohub backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data, and files in MEDIA_ROOT"
        )

    def handle(self, *args, archive: str, force: bool, **options):
        try:
            result = backup_restore(archive_path=Path(archive), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"restore: {archive} (taken {manifest['created_at']}): {len(result.counts)} tables, "
            f"{sum(result.counts.values())} rows and {manifest['media']['files']} files match the manifest; "
            f"{result.seconds:.1f} s"
        )
        if result.pending_migrations:
            self.stdout.write(
                f"restore: the code has {len(result.pending_migrations)} migration(s) the backup predates; "
                "run `scenariohub migrate` next."
            )
