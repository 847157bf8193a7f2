import sys
import time

from django.core.management.base import BaseCommand, CommandError

from scenariohub.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain in id order and report the first broken link (record id, time, what "
        "did not match). Exit status 1 when the chain is broken. Run daily and after every restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--chunk", type=int, default=5000, help="records per progress line (default 5000)"
        )

    def handle(self, *args, database, chunk, **options):
        started = time.monotonic()

        def progress(done, total):
            self.stderr.write(f"audit_verify: {done}/{total} records checked")

        report = verify_chain(
            using=database, progress=progress if options["verbosity"] >= 1 else None, chunk=chunk
        )
        seconds = time.monotonic() - started
        if report.ok:
            span = f"records {report.first_id}…{report.last_id}" if report.checked else "no records"
            self.stdout.write(
                f"audit_verify: chain intact, {report.checked} records ({span}) in {seconds:.1f} s"
            )
            return
        b = report.broken
        where = f"record {b.record_id}" if b.record_id is not None else "chain head"
        when = f" ({b.time})" if b.time else ""
        message = f"audit_verify: BROKEN at {where}{when}: {b.problem}; {report.checked} records checked"
        self.stdout.write(message)
        sys.stdout.flush()
        raise CommandError(message, returncode=1)
