"""Account lockout: 5 failed sign-ins within 15 minutes lock that account, from that client
address, for 30 minutes.

Keyed on account and client address together, so somebody guessing from one address cannot
lock the real person out everywhere (the address comes from allauth's resolution, with the
proxy depth set by ALLAUTH_TRUSTED_PROXY_COUNT). State lives in Django's cache, which is the
database table or Redis, shared by every gunicorn worker and host: never process memory."""

import hashlib
import time

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 30 * 60


def _key(kind: str, login: str, ip: str | None) -> str:
    digest = hashlib.sha256(f"{login.strip().lower()}|{ip or '-'}".encode()).hexdigest()
    return f"lockout:{kind}:{digest}"


def is_locked(login: str, ip: str | None) -> bool:
    return cache.get(_key("locked", login, ip)) is not None


def register_failure(login: str, ip: str | None) -> bool:
    """Count one failure; return True when this failure locks the account."""
    failures_key = _key("failures", login, ip)
    now = time.time()
    # The window starts at the first failure and every write keeps its end (cache.incr would
    # reset the expiry to the backend's default on the database cache). Failures landing on
    # two workers at the same instant may count once: the lock then comes one attempt later.
    first, failures = cache.get(failures_key) or (now, 0)
    failures += 1
    remaining = max(1, int(first + WINDOW_SECONDS - now))
    cache.set(failures_key, (first, failures), timeout=remaining)
    if failures >= MAX_FAILURES:
        cache.set(_key("locked", login, ip), 1, timeout=LOCK_SECONDS)
        cache.delete(failures_key)
        return True
    return False


def clear(login: str, ip: str | None) -> None:
    """A successful sign-in forgets earlier failures from that address."""
    cache.delete(_key("failures", login, ip))
