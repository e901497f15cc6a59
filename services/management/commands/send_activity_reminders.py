"""`manage.py send_activity_reminders [--dry-run]`: for cron, e.g. hourly."""

from django.core.management.base import BaseCommand

from services.actions import reminders_send


class Command(BaseCommand):
    help = (
        "Remind everyone expected at a published activity that starts within the next 24 hours "
        "(confirmed sign-ups, and the party members of the host organization for its own "
        "meetings; not those on approved leave). Each person is reminded of each activity "
        "once: a unique key per reminder makes a second run, or two overlapping runs, send "
        "nothing new. Suited to an hourly cron job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, then roll back.")

    def handle(self, *args, dry_run=False, **options):
        sent = reminders_send(dry_run=dry_run)
        suffix = " (dry run, rolled back)" if dry_run else ""
        self.stdout.write(f"send_activity_reminders: {sent} new reminders{suffix}")
