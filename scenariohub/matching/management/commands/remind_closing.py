from django.core.management.base import BaseCommand, CommandError

from scenariohub.matching.services import remind_closing


class Command(BaseCommand):
    help = (
        "Remind applicants that a scenario's application deadline is at most N days away (default 3). "
        "Each person is reminded once per scenario: safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="How many days before the deadline (0–60).")

    def handle(self, *args, **options):
        days = options["days"]
        if not 0 <= days <= 60:
            raise CommandError("--days must be between 0 and 60.")
        sent = remind_closing(days=days)
        self.stdout.write(f"remind_closing: {sent} reminders sent (deadline within {days} days)")
