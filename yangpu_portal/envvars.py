"""Typed readers for environment variables.

Each raises ImproperlyConfigured on a malformed value, so a typo in a deployment fails at start
instead of silently falling back to a default.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of {sorted(_TRUE | _FALSE)}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list; blanks around items are dropped."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, *, schemes: tuple[str, ...], default: str = "") -> str:
    """A URL whose scheme is one of `schemes` and which names a host (or, for unix://, a socket
    path); empty when unset. Anything else raises ImproperlyConfigured."""
    raw = os.environ.get(name, default).strip()
    if not raw:
        return ""
    check_url(name, raw, schemes=schemes)
    return raw


def check_url(name: str, url: str, *, schemes: tuple[str, ...]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={url!r}: the scheme must be one of {', '.join(schemes)} "
            f"(e.g. redis://127.0.0.1:6379/0)."
        )
    where = parts.path if parts.scheme == "unix" else parts.hostname
    if not where:
        raise ImproperlyConfigured(f"{name}={url!r} names no host.")
    try:
        parts.port  # noqa: B018 (a malformed port raises here)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={url!r} has a malformed port.") from None


REDIS_SCHEMES = ("redis", "rediss", "unix")


def env_cache(name: str, default: str) -> dict:
    """One entry of CACHES from a URL: redis://, rediss:// or unix:// (a Redis server), or
    db://<table> (Django's database cache, e.g. db://django_cache). Both are shared by every
    worker and host; per-process memory is deliberately not offered."""
    url = os.environ.get(name, "").strip() or default
    if url.startswith("db://"):
        table = url.removeprefix("db://").strip("/")
        if not table.replace("_", "").isalnum():
            raise ImproperlyConfigured(f"{name}={url!r}: db:// needs a table name (db://table).")
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    check_url(name, url, schemes=REDIS_SCHEMES)
    return {"BACKEND": "yangpu_portal.redis_cache.RedisCache", "LOCATION": url}
