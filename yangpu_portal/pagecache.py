"""Whole-page cache for the read-mostly pages (issue 10), with explicit invalidation.

A page decorated with `cached_page` is rendered once per viewer and kept in the shared cache
(Redis, or the database cache table) until the data changes or `PAGE_CACHE_SECONDS` pass:

- **Who sees what.** The key holds everything the page depends on besides the data: the
  address (path and query), host and scheme, the language, the viewer and the htmx headers.
  Anonymous visitors share one copy (one per large-text mode); a signed-in person has their
  own, keyed by their id: their roles, the bell's unread count and their large-text setting
  are their data at the entry's generations, like the rest of the page.
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
import zlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from yangpu_portal import freshness
from yangpu_portal.navigation import large_text_wanted

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


def page_key(request, user_pk=None) -> str:
    """The page's key for this request. Signed in (or `user_pk` given, by the user cache,
    before the user is loaded): the person's id. Their roles and large-text setting are their
    data at the entry's generations, as the page itself is: a change made through the portal
    makes the entry stale, one made outside it lasts at most PAGE_CACHE_SECONDS (as the cached
    user does, yangpu_portal/usercache.py). Anonymous: the session's large-text mode."""
    if user_pk is None:
        user = request.user
        user_pk = user.pk if user.is_authenticated else None
    if user_pk is not None:
        who = f"u{user_pk}"
    elif large_text_wanted(request):
        who = "aL"
    else:
        who = "a"
    parts = (
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
        who,
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
    body = zlib.decompress(entry["body"]) if entry.get("z") else entry["body"]
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
            prefetched = getattr(request, "_page_prefetch", None)
            if prefetched is not None and prefetched[0] == key:
                # Read with the signed-in user, in the same round trip (usercache).
                _, current, entry = prefetched
            else:
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
                compress = bool(request.META.get("QUERY_STRING"))
                entry = {
                    "generations": current,
                    "status": response.status_code,
                    "headers": headers,
                    # With a query string (the part of an address anyone can vary without
                    # end) the body is compressed, to about a tenth: what a flood of made-up
                    # addresses can fill is bounded by the pages the servers can render in
                    # PAGE_CACHE_SECONDS, at a tenth of their size. Plain addresses are few
                    # and the most read: kept as they are, no decompression on a hit.
                    "z": compress,
                    "body": zlib.compress(body, 1) if compress else body,
                    "meta": getattr(response, "page_cache_meta", {}),
                }
                try:
                    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
                except Exception:
                    logger.warning("page cache unavailable", exc_info=True)
            response[HEADER] = "miss"
            return response

        # Seen through the access decorators (functools.wraps copies it): the permission
        # matrix finds the cached views by it (tests/security/test_matrix.py).
        wrapper.page_cached = True
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
