"""`scenariohub seed_demo`: fill the database with a realistic, reproducible demo province."""

from django.core.management.base import BaseCommand, CommandError

from scenariohub.core.errors import DomainError
from scenariohub.scenarios import demo


class Command(BaseCommand):
    help = (
        "Create the demo province: the office, 21 city lead departments, provincial departments, providers, "
        f"suppliers, one login per organisation (password {demo.DEMO_PASSWORD}) and scenarios in every state, "
        "moved through the real lifecycle with historic dates. Deterministic for a given --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scenarios", type=int, default=340, metavar="N", help="how many scenarios (default 340)"
        )
        parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if any scenario exists (for make run)"
        )
        parser.add_argument("--reset", action="store_true", help="delete the demo data first")

    def handle(self, *args, scenarios: int, seed: int, if_empty: bool, reset: bool, **options):
        if scenarios < 0:
            raise CommandError("--scenarios must not be negative.")
        if if_empty and demo.demo_exists():
            self.stdout.write("Scenarios exist already; demo data not loaded (--if-empty).")
            return
        try:
            if reset:
                deleted = demo.demo_reset()
                self.stdout.write(
                    "Deleted demo data: " + ", ".join(f"{n} {what}" for what, n in deleted.items())
                )
            elif demo.demo_exists():
                raise CommandError(
                    "The database has scenarios already. Use --reset to replace the demo data, "
                    "or --if-empty to skip seeding when there is data."
                )
            result = demo.demo_seed(scenarios=scenarios, seed=seed, progress=self._progress)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS("Demo data loaded: " + result.summary()))

    def _progress(self, done: int, total: int) -> None:
        # One line rewritten in place on a terminal; a line every 50 in a log.
        if self.stdout.isatty():
            self.stdout.write(f"\r  scenarios {done}/{total}", ending="\n" if done == total else "")
            self.stdout.flush()
        elif done % 50 == 0 or done == total:
            self.stdout.write(f"  scenarios {done}/{total}")
