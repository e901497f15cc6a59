"""What the portal does while PostgreSQL is unreachable: a friendly, translated 503 page, fast.

Two pieces:

- `server_error` is the site's `handler500`. Django turns any exception escaping a view or a
  middleware into a call to it; when the exception says the database cannot be reached
  (`is_database_outage`), it answers 503 with `Retry-After` instead of 500 and tells the
  breaker. Any other exception still gets the 500 page.
- `DatabaseCircuitBreakerMiddleware` keeps a small per-process circuit breaker. After a failure
  it answers every request with the 503 page at once, for `OUTAGE_RETRY_SECONDS`, without
  touching the database; then it lets one request through as a trial (the others still get
  503), after dropping the pool's dead connections, and closes again as soon as a trial
  succeeds. Nobody waits for a pool timeout while the
  database is down, and nothing needs restarting when it is back.

The state is per process on purpose: each worker finds out about its own connections, and a
shared breaker would itself need a shared store that can fail. It holds a timestamp and a flag,
nothing a user could see or depend on.
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views import defaults

log = logging.getLogger(__name__)

# SQLSTATEs that mean "no database right now" rather than "this statement failed":
# connection exceptions (class 08) and PostgreSQL shutting down or starting up.
OUTAGE_SQLSTATES = {"57P01", "57P02", "57P03"}


def is_database_outage(exc: BaseException | None) -> bool:
    """True when `exc` (as Django raises it) means the database is unreachable: the connection
    was refused or lost, the pool timed out waiting for one, or the server is shutting down or
    starting up. A failed statement (constraint, syntax, deadlock) is not an outage."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    # psycopg's errors carry the server's SQLSTATE; a client-side failure (refused, reset,
    # pool timeout) has none.
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in OUTAGE_SQLSTATES


class CircuitBreaker:
    """closed -> (a failure) -> open for `retry_seconds` -> one trial request -> closed on
    success, open again on failure. Thread-safe (gunicorn's gthread workers)."""

    def __init__(self, retry_seconds: float, clock=time.monotonic):
        self.retry_seconds = retry_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._trial_running = False
        self._is_open = False

    @property
    def is_open(self) -> bool:
        return self._is_open

    def allow(self) -> tuple[bool, bool]:
        """(may this request go on, is it the trial)."""
        with self._lock:
            if not self._is_open:
                return True, False
            if self._trial_running or self.clock() < self._open_until:
                return False, False
            self._trial_running = True
            return True, True

    def record_failure(self) -> None:
        with self._lock:
            if not self._is_open:
                log.warning("database unreachable: answering 503 until it is back")
            self._is_open = True
            self._trial_running = False
            self._open_until = self.clock() + self.retry_seconds

    def record_success(self, trial: bool) -> None:
        """A request went through without a database outage. Only the trial closes the
        breaker: a request that started before the failure proves nothing."""
        if not trial:
            return
        with self._lock:
            if self._is_open:
                log.warning("database reachable again: service resumed")
            self._is_open = False
            self._trial_running = False


breaker = CircuitBreaker(retry_seconds=settings.OUTAGE_RETRY_SECONDS)


def database_pool():
    """The default database's psycopg pool, or None (SQLite, or PostgreSQL without a pool)."""
    return getattr(connections["default"], "pool", None)


def discard_broken_connections() -> None:
    """Before a trial: test the idle pooled connections and drop the dead ones (a restart of
    PostgreSQL breaks every one of them), so the trial and the requests after it get fresh
    connections instead of finding the dead ones one by one. Costs one round trip per idle
    connection."""
    pool = database_pool()
    if pool is None or pool.closed:
        return
    try:
        pool.check()
    except Exception:  # the trial request will find out for itself
        log.exception("checking the pooled connections failed")


def unavailable_response(request):
    """The 503 page. Rendered without a request context: the context processors would read
    the session and the user, i.e. the database that is down."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = render_to_string("503.html")
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(max(1, int(settings.OUTAGE_RETRY_SECONDS)))
    add_never_cache_headers(response)
    response.database_unavailable = True
    return response


def server_error(request, *args, **kwargs):
    """handler500: 503 for a database outage (and the breaker opens), the 500 page otherwise."""
    if is_database_outage(sys.exc_info()[1]):
        breaker.record_failure()
        return unavailable_response(request)
    return defaults.server_error(request, *args, **kwargs)


class DatabaseCircuitBreakerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed, trial = breaker.allow()
        if not allowed:
            return unavailable_response(request)
        if trial:
            discard_broken_connections()
        try:
            response = self.get_response(request)
        except BaseException:
            # Only reached for what Django lets through (not Exception); free the trial slot.
            if trial:
                breaker.record_failure()
            raise
        if getattr(response, "database_unavailable", False):
            breaker.record_failure()
        else:
            breaker.record_success(trial)
        return response
