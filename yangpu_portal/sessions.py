"""Session lifetime rules: staff sessions end after 30 minutes without a request, every session
after 12 hours; signing out ends every session of that user (allauth's usersessions keeps the
list). A password change ends the others through Django's session hash; a deactivated
account's sessions stop authenticating at once."""

import time

from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _

from yangpu_portal.navigation import roles_of

IDLE_SECONDS_STAFF = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
# Writing the session on every request would cost a write per page; a minute's resolution is
# plenty for a 30-minute rule.
SEEN_RESOLUTION_SECONDS = 60
STARTED, SEEN = "_portal_started", "_portal_seen"


def is_staff_session(user) -> bool:
    roles = roles_of(user)
    return (
        user.is_staff
        or roles.district_admin
        or roles.auditor
        or roles.organizer
        or (roles.station_staff)
    )


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request, user, int(time.time()))
            if expired:
                path = request.get_full_path()
                request.portal_session_expired = True  # ends this session only
                logout(request)
                messages.info(request, expired)
                return redirect_to_login(path)
        return self.get_response(request)

    def _expired(self, request, user, now: int) -> str | None:
        session = request.session
        started = session.setdefault(STARTED, now)  # sessions older than this rule
        if now - started > ABSOLUTE_SECONDS:
            return _("登录已超过 12 小时，请重新登录。")
        if is_staff_session(user):
            seen = session.get(SEEN, now)
            if now - seen > IDLE_SECONDS_STAFF:
                return _("为了账户安全，长时间未操作已自动退出，请重新登录。")
            if now - seen >= SEEN_RESOLUTION_SECONDS or SEEN not in session:
                session[SEEN] = now
        return None


@receiver(user_logged_in, dispatch_uid="portal_session_clock")
def start_the_clock(sender, request, user, **kwargs):
    """Stamp the new session at sign-in, so ordinary requests need not write it."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[SEEN] = now


@receiver(user_logged_out, dispatch_uid="portal_end_all_sessions")
def end_every_session(sender, request, user, **kwargs):
    """Signing out anywhere signs out everywhere (an expired session ends only itself)."""
    if user is None or getattr(request, "portal_session_expired", False):
        return
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
