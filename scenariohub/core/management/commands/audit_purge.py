import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scenariohub.core.errors import DomainError
from scenariohub.core.services import AUDIT_RETENTION_DAYS, audit_purge


class Command(BaseCommand):
    help = (
        f"Delete audit records older than --before (YYYY-MM-DD, platform time). Refuses a date less than "
        f"{AUDIT_RETENTION_DAYS} days ago and a broken chain; the chain stays verifiable and the purge is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="first day to keep, YYYY-MM-DD")
        parser.add_argument("--database", default="default")

    def handle(self, *args, before, database, **options):
        try:
            day = dt.date.fromisoformat(before)
        except ValueError as exc:
            raise CommandError(f"--before must be a date (YYYY-MM-DD), not {before!r}") from exc
        cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        try:
            summary = audit_purge(before=cutoff, using=database)
        except DomainError as exc:
            raise CommandError(f"audit_purge: refused: {exc.message}") from exc
        self.stdout.write(
            f"audit_purge: {summary['deleted']} records before {day.isoformat()} deleted; "
            f"the chain now starts at record {summary['anchor_id']}"
        )
