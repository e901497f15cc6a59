from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "yangpu_portal"
    verbose_name = _("门户与账户")

    def ready(self):
        # Connect the account signal receivers (sign-in clock, sign-out, password changes).
        from yangpu_portal import checks, password_policy, sessions  # noqa: F401
