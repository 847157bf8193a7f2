from django.core.management.base import BaseCommand

from scenariohub.matching.models import Frequency
from scenariohub.matching.services import digest_send_all


class Command(BaseCommand):
    help = (
        "Send subscribers the new scenarios that match their subscriptions: immediate subscriptions get "
        "everything not yet sent, daily ones at most one digest per local day. Safe to run twice: a scenario "
        "is never sent twice to the same subscription. Run it every few minutes (e.g. from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Frequency.values, help="Only subscriptions of this frequency.")

    def handle(self, *args, **options):
        summary = digest_send_all(frequency=options.get("frequency"))
        self.stdout.write(
            f"send_digests: {summary.digests} digests with {summary.scenarios} scenarios "
            f"({summary.subscriptions} active subscriptions checked)"
        )
