from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yangpu_portal import backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format on PostgreSQL, an online copy on SQLite) "
        "and the uploaded media into a new directory with a manifest of SHA-256 checksums. "
        "Default directory: backups/<date-time>/. Never overwrites an existing directory."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args, output=None, **options):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        output = output or Path(settings.BASE_DIR) / "backups" / stamp
        try:
            backups.create(output)
        except (backups.BackupError, FileExistsError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {output}")
