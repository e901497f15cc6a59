"""When the figures are rebuilt: by `manage.py refresh_dashboard` (cron), by a district admin's
"refresh now" (POST), and after writes that change them (`refresh_soon`, debounced).

`refresh_soon()` is cheap to call from any write path: at commit it enqueues one background
refresh unless one was enqueued within `DASHBOARD_REFRESH_DEBOUNCE` seconds (a cache key shared
by every process), so a burst of check-ins costs one rebuild, not one per check-in."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task

PENDING_KEY = "dashboard:refresh-pending"


@task
def refresh_dashboard_task() -> int:
    """Rebuild the figures; returns the number of rows."""
    from yangpu_portal.actions import dashboard_refresh

    cache.delete(PENDING_KEY)
    return dashboard_refresh().rows


def _enqueue():
    if cache.add(PENDING_KEY, 1, timeout=settings.DASHBOARD_REFRESH_DEBOUNCE):
        refresh_dashboard_task.enqueue()


def refresh_soon() -> None:
    """Ask for a rebuild after the current transaction commits (debounced). Off when
    `DASHBOARD_REFRESH_ON_WRITE` is off (then only the command and the button refresh)."""
    if settings.DASHBOARD_REFRESH_ON_WRITE:
        transaction.on_commit(_enqueue)
