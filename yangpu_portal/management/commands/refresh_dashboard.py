from django.core.management.base import BaseCommand
from django.utils import timezone

from yangpu_portal.actions import dashboard_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the dashboard's pre-aggregated figures from the raw rows (one transaction: "
        "pages show the old figures until it commits). Safe to run any time and from cron, "
        "e.g. every 10 minutes; the dashboard shows when the figures were last refreshed."
    )

    def handle(self, *args, **options):
        stamp = dashboard_refresh()
        self.stdout.write(
            f"Dashboard refreshed: {stamp.rows} figures in {stamp.duration_ms} ms "
            f"(as of {timezone.localtime(stamp.refreshed_at):%Y-%m-%d %H:%M:%S %Z})."
        )
