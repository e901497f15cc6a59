"""Who must change their password before doing anything else: accounts whose password was set
by somebody else (an admin, an import), and staff whose password is older than 90 days."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib import messages
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from yangpu_portal.sessions import is_staff_session

# Paths a person who must change their password may still open.
ALLOWED_URL_NAMES = ("account_change_password", "account_logout", "set_language")
ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz")


def must_change(user) -> str | None:
    if user.must_change_password:
        return _("您的密码由管理员设置，请先设置只有您知道的新密码。")
    if is_staff_session(user) and user.password_expired():
        return _("您的密码已使用超过 90 天，请设置新密码后继续。")
    return None


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._allowed(request.path):
            reason = must_change(user)
            if reason:
                messages.warning(request, reason)
                return redirect("account_change_password")
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if self.allowed is None:
            self.allowed = {reverse(name) for name in ALLOWED_URL_NAMES}
        return path in self.allowed or path.startswith(ALLOWED_PREFIXES)


@receiver(password_changed, dispatch_uid="policy_password_changed")
@receiver(password_set, dispatch_uid="policy_password_set")
@receiver(password_reset, dispatch_uid="policy_password_reset")
def password_is_now_their_own(sender, request, user, **kwargs):
    """allauth has saved the new password (and `set_password` its date); clear the flag."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
