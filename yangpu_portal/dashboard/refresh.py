"""When the figures are rebuilt: by `manage.py refresh_dashboard` (cron), by a district admin's
"refresh now" (POST), and after writes that change them (`refresh_soon`, debounced).

`refresh_soon()` is cheap to call from any write path: at commit it enqueues one background
refresh unless one was enqueued within `DASHBOARD_REFRESH_DEBOUNCE` seconds (a cache key shared
by every process), so a burst of check-ins costs one rebuild, not one per check-in. With a task
backend that can defer (a real worker), the rebuild runs at the end of the window and so covers
the whole burst; with the immediate backend it runs at once, and writes later in the window
wait for the next window's first write or the cron."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone

PENDING_KEY = "dashboard:refresh-pending"


@task
def refresh_dashboard_task() -> int:
    """Rebuild the figures; returns the number of rows."""
    from yangpu_portal.actions import dashboard_refresh

    return dashboard_refresh().rows


def _enqueue():
    window = settings.DASHBOARD_REFRESH_DEBOUNCE
    if not cache.add(PENDING_KEY, 1, timeout=window):
        return  # a rebuild is already due in this window
    task_ = refresh_dashboard_task
    if task_.get_backend().supports_defer:
        task_ = task_.using(run_after=timezone.now() + timedelta(seconds=window))
    task_.enqueue()


def refresh_soon() -> None:
    """Ask for a rebuild after the current transaction commits (debounced). Off when
    `DASHBOARD_REFRESH_ON_WRITE` is off (then only the command and the button refresh)."""
    if settings.DASHBOARD_REFRESH_ON_WRITE:
        transaction.on_commit(_enqueue)
