"""Background work, coded against Django's Tasks API: the default immediate backend runs it
inline (after commit, because actions enqueue through `transaction.on_commit`); a worker
backend (django-tasks-db, RQ) can be configured in `TASKS` without touching this code.
Arguments are IDs, never instances."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation

from services.senders import sms_sender

logger = logging.getLogger(__name__)


@task
def deliver_notifications(notification_ids: list[int]) -> int:
    """Send the e-mail and SMS copies of these inbox notifications, once each: rows already
    marked delivered are skipped, so a retried task sends nothing twice. Returns how many were
    delivered. A failing channel is logged and does not stop the others."""
    from services.models import Notification

    pending = Notification.objects.filter(
        Q(pk__in=notification_ids), delivered_at__isnull=True
    ).select_related("user", "user__member")
    sender = sms_sender()
    delivered = []
    for notification in pending:
        user = notification.user
        # Outgoing copies are in the portal's default language (people keep no language
        # preference); the inbox shows each reader's own.
        with translation.override(settings.LANGUAGE_CODE):
            subject = notification.display_title
            text = f"{subject}\n{notification.display_body}".strip()
        if user.email:
            try:
                send_mail(subject, text, None, [user.email])
            except Exception:
                logger.exception("e-mail for notification %s failed", notification.pk)
        member = getattr(user, "member", None)
        if member is not None and member.consent_to_contact:
            try:
                sender.send(phone=member.phone, text=text)
            except Exception:
                logger.exception("SMS for notification %s failed", notification.pk)
        delivered.append(notification.pk)
    Notification.objects.filter(pk__in=delivered).update(delivered_at=timezone.now())
    return len(delivered)
