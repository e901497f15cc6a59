from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stations.actions import personal_data_prune
from stations.models import CheckIn, VisitorCount
from stations.models.stations import station_local_now


class Command(BaseCommand):
    help = (
        "Delete station check-ins older than STATIONS_CHECKIN_RETENTION_DAYS and visitor "
        "tallies older than STATIONS_VISITOR_RETENTION_DAYS (days counted in Shanghai dates). "
        "Refuses a retention outside PERSONAL_DATA_RETENTION_RANGE (30..3650 days). --dry-run "
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
