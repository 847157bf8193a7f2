from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scenariohub.core.errors import ValidationFailed
from scenariohub.exchange.services import import_purge


class Command(BaseCommand):
    help = (
        "Remove the workbooks and staged rows (contacts of every row) of imports uploaded more than --days "
        "ago (default SCENARIOHUB_IMPORT_RETENTION_DAYS); the import's record stays. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true", help="count what would go; remove nothing")

    def handle(self, *args, days, dry_run, **options):
        try:
            summary = import_purge(days=days, dry_run=dry_run)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"purge_imports: {verb} {summary['files']} files and {summary['rows']} staged rows of "
            f"{summary['batches']} imports older than {summary['days']} days "
            f"(retention setting: {settings.SCENARIOHUB_IMPORT_RETENTION_DAYS} days)"
        )
