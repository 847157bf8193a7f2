from django.core.management.base import BaseCommand, CommandError

from scenariohub.core.errors import DomainError
from scenariohub.core.services import audit_key_rotate


class Command(BaseCommand):
    help = (
        "Seal the switch to a new AUDIT_HMAC_KEY: one audit record, under the new key, that retires the keys in "
        "AUDIT_HMAC_KEY_PREVIOUS for every later record. Run after every app server has the new key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        try:
            summary = audit_key_rotate(using=database)
        except DomainError as exc:
            raise CommandError(f"audit_rotate_key: refused: {exc.message}") from exc
        self.stdout.write(
            f"audit_rotate_key: record {summary['record_id']} seals key {summary['key_id']} after record "
            f"{summary['last_id']}; retired: {', '.join(summary['retired_key_ids'])}. Keep the retired keys in "
            "AUDIT_HMAC_KEY_PREVIOUS for as long as the records sealed under them."
        )
