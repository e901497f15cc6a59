"""Whole-page cache for the read-mostly pages (issue 10), with explicit invalidation.

A page decorated with `cached_page` is rendered once per viewer and kept in the shared cache
(Redis, or the database cache table) until the data changes or `PAGE_CACHE_SECONDS` pass:

- **Who sees what.** The key holds everything the page depends on besides the data: the
  address (path and query), host and scheme, the language, the viewer (user id and the roles
  from the one roles query, which also carries the bell's unread count), the large-text mode
  and the htmx headers. Anonymous visitors share one copy; a signed-in person has their own.
  Access checks run before the cache is read: the decorator sits below `login_required` and
  the other guards, and only 200 answers are kept.
- **When it is stale.** Each entry carries the generations it was rendered under
  (`yangpu_portal.freshness`): `PAGES`, bumped after every request that may write (POST, PUT,
  PATCH, DELETE: forms, htmx actions, the admin) by `PageCacheInvalidationMiddleware` and by
  the writes that happen outside a request (background imports, the dashboard's refresh), and
  the topics the actions already bump (compliance, reports, stations). An entry whose
  generations are not the current ones is never served. `PAGE_CACHE_SECONDS` (default 60)
  bounds everything else: labels that depend on the clock ("open now", "upcoming") and a
  change made outside the portal (a SQL console).
- **Per-request parts.** The CSRF token is not kept: forms are stored with a placeholder,
  and each hit gets the visitor's own token (and cookie), as a fresh rendering would. A page
  that shows one-time messages is neither served from the cache nor stored. A view whose
  rendering has a side effect that must happen on every view (the roster's record of
  unmasked phones) puts what it needs in `response.page_cache_meta` and passes `replay`,
  called on each hit.
- **Failures.** If the cache cannot be reached the page is rendered as if uncached.

Cost of a hit: one cache read (`get_many` of the generations and the entry), no template.
Answers carry `X-Page-Cache: hit` or `miss`, so tests and operators can tell."""

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import astuple
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from yangpu_portal import freshness
from yangpu_portal.navigation import large_text_wanted, roles_of

logger = logging.getLogger(__name__)

PAGES = freshness.PAGES
# Every topic a cached page may depend on: an entry is served only while all are unchanged.
TOPICS = (PAGES, freshness.COMPLIANCE, freshness.REPORTS, freshness.STATIONS)
HEADER = "X-Page-Cache"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Django renders {% csrf_token %} as this input; the value is the masked token (64 letters
# and digits). Stored pages carry the placeholder instead.
_TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')
_PLACEHOLDER = b"\x00csrf\x00"
# Response headers that belong to one answer, not to the page.
_NOT_KEPT = frozenset({"content-length", "set-cookie", HEADER.lower()})


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


def _has_messages(request) -> bool:
    if request.COOKIES.get("messages"):  # django.contrib.messages' cookie storage
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get("_messages"))


def _queued_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


def page_key(request) -> str:
    user = request.user
    roles = astuple(roles_of(user)) if user.is_authenticated else ()
    parts = (
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
        str(user.pk or 0),
        repr(roles),
        "L" if large_text_wanted(request) else "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.headers.get("HX-Boosted", ""),
    )
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()
    return f"page:{digest}"


def _storable(request, response) -> bytes | None:
    """The body to keep, with the placeholder for the CSRF token; None if this answer must
    not be kept."""
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or "no-store" in response.get("Cache-Control", "")
        or _queued_messages(request)
    ):
        return None
    body, found = _TOKEN_FIELD.subn(rb"\1" + _PLACEHOLDER + rb"\2", response.content)
    # A token in any other shape would reach the next visitor: keep nothing rather than that.
    if body.count(b"csrfmiddlewaretoken") != found:
        return None
    return body


def _rebuild(request, entry: dict) -> HttpResponse:
    body = entry["body"]
    if _PLACEHOLDER in body:
        body = body.replace(_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response[HEADER] = "hit"
    return response


def cached_page(view=None, *, replay: Callable[[object, dict], None] | None = None):
    """Serve `view`'s GET answers from the page cache (see the module's text). Put it
    directly above the view function, below the access decorators."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not enabled() or request.method not in ("GET", "HEAD") or _has_messages(request):
                return view(request, *args, **kwargs)
            key = page_key(request)
            try:
                current, entry = freshness.generations_with(TOPICS, key)
            except Exception:  # the cache is down: render as if there were none
                logger.warning("page cache unavailable", exc_info=True)
                return view(request, *args, **kwargs)
            if entry is not None and entry["generations"] == current:
                response = _rebuild(request, entry)
                if replay is not None:
                    replay(request, entry["meta"])
                return response
            response = view(request, *args, **kwargs)
            body = _storable(request, response)
            if body is not None:
                headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_KEPT]
                entry = {
                    "generations": current,
                    "status": response.status_code,
                    "headers": headers,
                    "body": body,
                    "meta": getattr(response, "page_cache_meta", {}),
                }
                try:
                    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
                except Exception:
                    logger.warning("page cache unavailable", exc_info=True)
            response[HEADER] = "miss"
            return response

        return wrapper

    return decorator(view) if view is not None else decorator


def invalidate() -> None:
    """Every cached page is stale (after the current transaction commits, too)."""
    freshness.bump(PAGES)


class PageCacheInvalidationMiddleware:
    """After any request that may have written (POST, PUT, PATCH, DELETE), every cached page
    is stale. Broad on purpose: no view can forget it, and writes are rare beside reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS and enabled():
            try:
                invalidate()
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
        return response
