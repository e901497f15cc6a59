"""The signed-in person, read from the shared cache instead of the database (issue 10).

Every signed-in request needs the user row and the roles query (groups, assignments, staff
and authenticator flags, the bell's unread count) before any view runs: two SQL round trips,
most of what a page served from the page cache still cost. `CachedAuthenticationMiddleware`
replaces Django's `AuthenticationMiddleware` and keeps the user, with their roles, in the shared
cache under the same generations as the page cache (`yangpu_portal.pagecache`):

- any request that may write (a form, the admin: a password change, a deactivation, a new
  group or assignment) makes the copy stale at once, like every cached page;
- the copy lives at most `PAGE_CACHE_SECONDS`, which bounds changes made outside the portal
  (a management command, SQL);
- the session is verified against the copy exactly as Django does (the session's auth hash
  against the password-derived one); anything else (no copy, another hash, a fallback secret,
  an unknown backend) goes through Django's own `auth.get_user`, which flushes the session or
  upgrades the hash as it always does.

Only reads use the copy: a POST (or any other write) loads the user from the database, so a
write is never allowed on roles older than the database's.

The copy is the user row as Django pickles it, password hash included (needed to check the
session as Django does). It lives where the sessions live: whoever can read that Redis can
already take over any session, which is worth more than a salted, slow hash.

With the page cache off (`PAGE_CACHE_SECONDS=0`, as in tests) this is Django's middleware."""

import logging

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from yangpu_portal import freshness, pagecache
from yangpu_portal.navigation import roles_of

logger = logging.getLogger(__name__)


def _key(user_id, backend_path: str) -> str:
    return f"user:{user_id}:{backend_path}"


def cached_user(request):
    """The request's user: the cached copy when it is current and the session matches it,
    else Django's `auth.get_user` (whose result is then cached)."""
    if not pagecache.enabled() or request.method not in ("GET", "HEAD"):
        return auth.get_user(request)  # a write always acts as the user the database has now
    session = request.session
    user_id = session.get(SESSION_KEY)
    backend_path = session.get(BACKEND_SESSION_KEY)
    if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    key = _key(user_id, backend_path)
    keys = [key]
    page = None
    if request.method in ("GET", "HEAD"):
        # The page this request asks for, read in the same round trip (pagecache uses it).
        page = pagecache.page_key(request, user_pk=user_id)
        keys.append(page)
    try:
        current, found = freshness.generations_with_keys(pagecache.TOPICS, keys)
    except Exception:  # the cache is down: the database, as without it
        logger.warning("user cache unavailable", exc_info=True)
        return auth.get_user(request)
    entry = found.get(key)
    if page is not None:
        request._page_prefetch = (page, current, found.get(page))
    if entry is not None and entry["generations"] == current:
        user = entry["user"]
        session_hash = session.get(HASH_SESSION_KEY)
        if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            return user
    user = auth.get_user(request)
    if user.is_authenticated:
        roles_of(user)  # computed once and kept on the user (`_portal_roles`), cached with it
        try:
            cache.set(key, {"generations": current, "user": user}, settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("user cache unavailable", exc_info=True)
    return user


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = cached_user(request)
    return request._cached_user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with `request.user` from `cached_user`."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))
