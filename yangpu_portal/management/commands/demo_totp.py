import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yangpu_portal.demo_data import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo logins that need one (district, "
        "auditor), from the published demo secret. Only when DEBUG is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp only runs with DJANGO_DEBUG=on (demo databases).")
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // 30))
        self.stdout.write(f"{code}  (valid for {30 - now % 30} more seconds)")
