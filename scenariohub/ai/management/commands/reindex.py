"""Bring the AI engine's stored vectors up to date with the database (safe to re-run)."""

import time

from django.core.management.base import BaseCommand, CommandError

from scenariohub.ai import services

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Embed released scenarios and published solutions whose text changed (all with --force) and forget "
        "those no longer public. Prints a progress bar and one summary line per kind."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=services.KINDS, help="only this kind (default: all)")
        parser.add_argument("--batch", type=int, default=200, help="documents read and embedded per batch")
        parser.add_argument("--force", action="store_true", help="re-embed unchanged texts too")

    def handle(self, *args, kind=None, batch=200, force=False, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        for name in [kind] if kind else services.KINDS:
            report = services.reindex(kind=name, batch=batch, force=force, progress=self._progress(name))
            self.stdout.write("")
            self.stdout.write(
                f"reindex {report.kind}: {report.candidates} public, {report.embedded} embedded, "
                f"{report.unchanged} unchanged, {report.removed} removed (embedder {report.embedder}, "
                f"{report.seconds:.1f} s)"
            )

    def _progress(self, kind: str):
        started = time.perf_counter()
        tty = self.stdout.isatty()

        def show(done: int, total: int) -> None:
            share = done / total if total else 1.0
            filled = round(BAR_WIDTH * share)
            rate = done / max(time.perf_counter() - started, 1e-6)
            line = f"{kind:<9} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {share:4.0%} {rate:,.0f}/s"
            # On a terminal the bar redraws in place; in a log every batch is one line.
            self.stdout.write(("\r" + line) if tty else line, ending="" if tty else "\n")
            self.stdout.flush()

        return show
