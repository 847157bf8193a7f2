from django.core.management.base import BaseCommand

from scenariohub.matching.services import remind_undecided


class Command(BaseCommand):
    help = (
        "Remind scenario owners whose application deadline has passed while applications still await a "
        "shortlist or decline decision. Each owner user is reminded once per scenario: safe to run twice."
    )

    def handle(self, *args, **options):
        sent = remind_undecided()
        self.stdout.write(f"remind_undecided: {sent} reminders sent")
