"""`manage.py seed_bench [--scale 1.0] [--force]`: the large benchmark data set (issue 10)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from yangpu_portal import benchdata


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with the large benchmark district for `make bench`: at scale 1, "
        "12 streets, 300 organizations, 20,000 members, 400 stations, 2,000 outlets, 50,000 "
        "activities, 300,000 attendance and 200,000 check-in rows, 20,000 reports, and the "
        f"logins {', '.join(benchdata.BENCH_USERS)} (unusable passwords). Bulk inserts in one "
        "transaction; under 5 minutes on PostgreSQL. Refused when DEBUG is off unless --force, "
        "and always refused on a database holding anything but bench data (it writes no audit "
        "records). Safe to run twice: a database already seeded is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every count (0.05 for a quick development set). Default 1.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (a bench database)."
        )

    def handle(self, *args, scale=1.0, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_bench is refused when DEBUG is off: it fills the database with synthetic "
                "people and bypasses the audit trail. Use a throw-away database and pass --force "
                "(make bench does), or set DJANGO_DEBUG=on."
            )
        if not 0 < scale <= 5:
            raise CommandError("--scale must be above 0 and at most 5.")
        found = benchdata.foreign_data()
        if found:
            raise CommandError(
                "seed_bench refused: this database already holds data that is not bench data "
                f"({', '.join(found)}). Point DATABASE_URL at an empty, migrated database."
            )
        if benchdata.is_seeded():
            self.stdout.write("seed_bench: the bench data is already there; nothing written.")
            return
        started = time.monotonic()
        with transaction.atomic():
            counts = benchdata.BenchSeeder(scale).seed()
        if connection.vendor == "postgresql":
            # Fresh bulk-loaded tables have no statistics: the planner would guess.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        from yangpu_portal import pagecache

        pagecache.invalidate()  # bulk inserts: no request, no signal
        summary = ", ".join(f"{label} {count:,}" for label, count in counts.items())
        self.stdout.write(
            f"seed_bench (scale {scale:g}): {summary} in {time.monotonic() - started:.0f} s"
        )
