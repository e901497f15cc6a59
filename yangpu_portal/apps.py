from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "yangpu_portal"
    verbose_name = _("门户与账户")

    def ready(self):
        from yangpu_portal import sessions  # noqa: F401  (connects the sign-out receiver)
