from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("审计")

    def ready(self):
        # Sign-in events come from Django's and allauth's auth signals: infrastructure events,
        # not domain logic (domain changes are recorded by the actions that make them).
        from audit import auth_events  # noqa: F401
