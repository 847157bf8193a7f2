from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Refresh the query planner's statistics (ANALYZE). SQLite never gathers them by itself, and without "
        "them it sorts the whole catalogue instead of reading an index; run after loading data and periodically."
    )

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA optimize")
        self.stdout.write(f"analyze_db: statistics refreshed on {connection.vendor}")
