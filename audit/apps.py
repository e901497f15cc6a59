from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("审计")

    def ready(self):
        # Sign-in events come from Django's and allauth's auth signals: infrastructure events,
        # not domain logic (domain changes by the recorder in audit/changes.py, which only records).
        from audit import auth_events  # noqa: F401
        from audit.changes import connect

        # Creates, updates and deletes of the audited models (see audit/changes.py).
        connect()
