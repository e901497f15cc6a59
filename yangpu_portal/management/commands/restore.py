from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yangpu_portal import backups


class Command(BaseCommand):
    help = (
        "Restore a backup directory made by `manage.py backup` into an EMPTY database (the "
        "configured one, or --database-url) and the media directory (MEDIA_ROOT, or --media). "
        "Checksums are verified first; a non-empty target database is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument("--database-url", default=None)
        parser.add_argument("--media", type=Path, default=None)

    def handle(self, *args, backup, database_url=None, media=None, **options):
        db = dj_database_url.parse(database_url) if database_url else settings.DATABASES["default"]
        try:
            backups.restore(backup, db, media or Path(settings.MEDIA_ROOT))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        # Pages kept in a cache outside the database (Redis) show the data before the restore.
        from yangpu_portal import pagecache

        pagecache.invalidate()
        self.stdout.write(f"restored {backup} into {db['NAME']}")
