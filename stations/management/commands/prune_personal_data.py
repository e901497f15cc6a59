from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from branches.actions import roster_import_uploads_prune
from branches.models import RosterImportJob
from stations.actions import personal_data_prune
from stations.models import CheckIn, VisitorCount
from stations.models.stations import station_local_now


class Command(BaseCommand):
    help = (
        "Delete station check-ins older than STATIONS_CHECKIN_RETENTION_DAYS and visitor "
        "tallies older than STATIONS_VISITOR_RETENTION_DAYS (days counted in Shanghai dates). "
        "Refuses a retention outside PERSONAL_DATA_RETENTION_RANGE (30..3650 days). Also deletes "
        "the files of background roster imports checked but not confirmed for "
        "ROSTER_IMPORT_UNCONFIRMED_DAYS. --dry-run "
        "counts only. Safe to run twice; one audit record per run that deletes anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run=False, **options):
        low, high = settings.PERSONAL_DATA_RETENTION_RANGE
        days = {}
        for name in ("STATIONS_CHECKIN_RETENTION_DAYS", "STATIONS_VISITOR_RETENTION_DAYS"):
            value = getattr(settings, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise CommandError(f"refusing to prune: {name}={value!r} is outside {low}..{high}")
            days[name] = value
        today = station_local_now().date()
        checkins_before = today - timedelta(days=days["STATIONS_CHECKIN_RETENTION_DAYS"])
        visitors_before = today - timedelta(days=days["STATIONS_VISITOR_RETENTION_DAYS"])
        if dry_run:
            counts = {
                "checkins": CheckIn.objects.filter(local_date__lt=checkins_before).count(),
                "visitor_counts": VisitorCount.objects.filter(date__lt=visitors_before).count(),
            }
            verb = "would delete"
        else:
            counts = personal_data_prune(
                checkins_before=checkins_before, visitors_before=visitors_before
            )
            verb = "deleted"
        self.stdout.write(
            f"{verb} {counts['checkins']} check-ins before {checkins_before} and "
            f"{counts['visitor_counts']} visitor tallies before {visitors_before}"
        )
        # Roster files of background imports checked but never confirmed (branches).
        uploads_before = timezone.now() - timedelta(days=settings.ROSTER_IMPORT_UNCONFIRMED_DAYS)
        if dry_run:
            uploads = RosterImportJob.unconfirmed_since(uploads_before).count()
        else:
            with transaction.atomic():
                uploads = roster_import_uploads_prune(before=uploads_before)
        self.stdout.write(
            f"{verb} {uploads} unconfirmed roster import files checked before "
            f"{uploads_before:%Y-%m-%d %H:%M}"
        )
