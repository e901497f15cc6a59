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
        # An hour's margin: the database's own 180-day floor is measured by its clock.
        cutoff = timezone.now() - timedelta(days=days, hours=1)
        # Delete a prefix of the chain (by id), never a gap in its middle: everything before the
        # first record that is still within retention.
        first_kept = (
            AuditEvent.objects.filter(occurred_at__gte=cutoff).order_by("pk").values("pk")[:1]
        )
        first_kept_pk = first_kept[0]["pk"] if first_kept else None
        old = AuditEvent.objects.filter(occurred_at__lt=cutoff)
        if first_kept_pk is not None:
            old = old.filter(pk__lt=first_kept_pk)
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
            if first_kept_pk is None:
                cursor.execute(f"DELETE FROM {table} WHERE occurred_at < %s", [cutoff])  # noqa: S608
            else:
                cursor.execute(
                    f"DELETE FROM {table} WHERE occurred_at < %s AND id < %s",  # noqa: S608
                    [cutoff, first_kept_pk],
                )
        self.stdout.write(f"deleted {count} audit records older than {days} days")
