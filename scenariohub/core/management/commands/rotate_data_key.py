from django.core.management.base import BaseCommand, CommandError

from scenariohub.core import crypto
from scenariohub.core.keyrotation import DEFAULT_BATCH, rotate_data_key, values_not_under_current_key


class Command(BaseCommand):
    help = (
        "Re-encrypt every SM4-encrypted column and file under the current SCENARIOHUB_DATA_KEY, in batches. "
        "Run with the new key in SCENARIOHUB_DATA_KEY and the old one in SCENARIOHUB_DATA_KEY_PREVIOUS; "
        "resumable and safe to run twice (values already under the current key are left alone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="rows per transaction")
        parser.add_argument(
            "--check",
            action="store_true",
            help="only count what is not under the current key; writes nothing",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, batch_size, check, database, verbosity, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        kid = crypto.current_key_id()
        if check:
            left = values_not_under_current_key(using=database)
            for label, n in left.items():
                self.stdout.write(f"{label}: {n} not under key {kid}")
            self.stdout.write(f"rotate_data_key --check: {sum(left.values())} values not under key {kid}")
            if left:
                raise CommandError("some values are not under the current key; run rotate_data_key")
            return
        report = self.stdout.write if verbosity >= 1 else (lambda _m: None)
        summary = rotate_data_key(batch_size=batch_size, using=database, report=report)
        left = values_not_under_current_key(using=database)
        rate = summary.rewritten / summary.seconds if summary.seconds else 0.0
        self.stdout.write(
            f"rotate_data_key: {summary.values_rewritten} values and {summary.files_rewritten} files "
            f"re-encrypted under key {kid} in {summary.seconds:.2f} s ({rate:.0f}/s); "
            f"{sum(left.values())} left under other keys; {summary.files_missing} files missing"
        )
        for failure in summary.failures:
            self.stderr.write(f"not readable: {failure}")
        if summary.failures:
            raise CommandError(
                f"{len(summary.failures)} values could not be decrypted (is the old key in "
                "SCENARIOHUB_DATA_KEY_PREVIOUS?); they were left as they are"
            )
