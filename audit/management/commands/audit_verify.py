from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent, ChainHead
from audit.record import compute_hash, hashed_fields


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain: every record's hash must match its content and "
        "the previous record's hash, and the chain head must name the newest record. The "
        "oldest remaining record's link is the anchor (older ones may have been pruned). "
        "Exits with an error naming the first broken record. Reads only."
    )

    def handle(self, *args, **options):
        previous = None
        count = 0
        for record in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
            if previous is not None and record.prev_hash != previous:
                raise CommandError(
                    f"audit chain broken at record {record.pk}: it links to "
                    f"{record.prev_hash[:12]}…, the record before it has {previous[:12]}… "
                    "(a record was removed or changed)"
                )
            if compute_hash(record.prev_hash, hashed_fields(record)) != record.hash:
                raise CommandError(
                    f"audit chain broken at record {record.pk}: its content does not match its hash"
                )
            previous = record.hash
            count += 1
        head = ChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
        if previous is not None and head != previous:
            raise CommandError("audit chain head does not name the newest record (records removed)")
        self.stdout.write(f"audit chain intact: {count} records")
