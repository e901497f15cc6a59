from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Delete audit records older than the retention period (AUDIT_RETENTION_DAYS, at least "
        "180 days). --days may lengthen it for one run but never shorten it below the setting. "
        "On PostgreSQL the database itself refuses to delete younger records. --dry-run counts "
        "only. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days=None, dry_run=False, **options):
        floor = settings.AUDIT_RETENTION_DAYS
        days = floor if days is None else days
        if days < floor:
            raise CommandError(
                f"refusing to prune below the retention period: --days {days} < "
                f"AUDIT_RETENTION_DAYS {floor}"
            )
        cutoff = timezone.now() - timedelta(days=days)
        old = AuditEvent.objects.filter(occurred_at__lt=cutoff)
        count = old.count()
        if dry_run or count == 0:
            self.stdout.write(f"{count} audit records older than {days} days; nothing deleted")
            return
        table = AuditEvent._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The trigger lets a DELETE through only inside this flag, and only for rows
                # past its own 180-day floor.
                cursor.execute("SET LOCAL audit.allow_prune = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE occurred_at < %s", [cutoff])  # noqa: S608
        self.stdout.write(f"deleted {count} audit records older than {days} days")
