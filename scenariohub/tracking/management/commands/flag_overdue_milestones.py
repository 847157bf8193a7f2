import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scenariohub.tracking.services import milestones_flag_overdue


class Command(BaseCommand):
    help = (
        "Flag the milestones of agreed or implementing cooperations whose planned date has passed without "
        "being reached, and remind the scenario owner and the city of the region. Run daily. Each milestone "
        "is flagged and reminded once (until its planned date is moved): safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Act as if today were this date (YYYY-MM-DD, local time), to catch up a missed run.",
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options.get("today"):
            try:
                day = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date like 2026-06-30.") from None
            now = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
        flagged = milestones_flag_overdue(now=now)
        self.stdout.write(
            f"flag_overdue_milestones: {flagged} milestones flagged overdue as of {timezone.localdate(now)}"
        )
