"""Writes of the portal's own models (the account's display preferences, privacy consent,
the dashboard's materialized figures)."""

from django.db import transaction
from django.utils import timezone

from yangpu_portal.models import DashboardRefresh, PrivacyConsent


def large_text_set(*, user, large: bool) -> None:
    """Keep the 适老化 large-text choice on the account, so every device follows it."""
    if user.large_text != large:
        user.large_text = large
        user.save(update_fields=["large_text"])


@transaction.atomic
def consent_give(*, user, version: str | None = None, by=None) -> PrivacyConsent:
    """Record `user`'s consent to the privacy notice (the current version unless named). A
    consent already in force to the same version is kept as it is; one to an older version is
    replaced (withdrawn, then the new one given)."""
    from yangpu_portal.privacy import NOTICE_VERSION

    version = version or NOTICE_VERSION
    now = timezone.now()
    current = PrivacyConsent.objects.select_for_update().filter(
        user=user, withdrawn_at__isnull=True
    )
    existing = current.first()
    if existing is not None and existing.version == version:
        return existing
    if existing is not None:
        existing.withdrawn_at = now
        existing.save(update_fields=["withdrawn_at"])
    consent = PrivacyConsent(user=user, version=version, given_at=now)
    consent.full_clean(validate_constraints=False)
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, user, by=None) -> bool:
    """Withdraw `user`'s consent in force; from then on no check-in is stored for them.
    Returns False when there was none to withdraw."""
    consent = (
        PrivacyConsent.objects.select_for_update()
        .filter(user=user, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        return False
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    return True


@transaction.atomic
def dashboard_refresh(*, by=None, today=None) -> DashboardRefresh:
    """Rebuild every dashboard figure from the raw rows, in one transaction: readers see the
    old figures until it commits, then the new ones with their time. Concurrent refreshes
    queue on the stamp row's lock. `by` is the user who asked (None: the command or a task).
    Cost: one GROUP BY per metric over the raw tables (a few seconds on the benchmark data)."""
    import time

    from yangpu_portal.dashboard.summaries import build
    from yangpu_portal.models import DashboardFigure

    started = time.monotonic()
    stamp, _created = DashboardRefresh.objects.select_for_update().get_or_create(
        pk=1, defaults={"refreshed_at": timezone.now()}
    )
    rows = build(today=today)
    DashboardFigure.objects.all().delete()
    DashboardFigure.objects.bulk_create(rows, batch_size=5000)
    stamp.refreshed_at = timezone.now()
    stamp.duration_ms = int((time.monotonic() - started) * 1000)
    stamp.rows = len(rows)
    stamp.save()
    # Pages showing the figures (the dashboard, the home page's counters) are stale now; the
    # refresh runs in a task or a command, outside any request.
    from yangpu_portal import pagecache

    pagecache.invalidate()
    return stamp
