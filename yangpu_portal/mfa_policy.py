"""Two-factor sign-in (allauth MFA, TOTP) is required for the district admin, the three
administrator roles (system admin, security admin, auditor) and superusers, and optional for
everyone else.

Someone who needs it and has no authenticator app yet is sent to set one up before anything
else; they cannot remove it afterwards. The check rides on the one roles query per request."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from yangpu_portal.navigation import roles_of

# The password change page is allowed too: a new admin account must first replace its
# temporary password (password_policy), then set up two-factor sign-in.
ALLOWED_URL_NAMES = (
    "mfa_activate_totp",
    "account_reauthenticate",
    "account_change_password",
    "account_logout",
    "set_language",
)
ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz", "/accounts/2fa/")


def needs_two_factor(user) -> bool:
    """District admin, the administrator roles, and any superuser (break-glass accounts)."""
    return user.is_superuser or roles_of(user).needs_two_factor


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._allowed(request.path):
            roles = roles_of(user)
            if needs_two_factor(user) and not roles.has_totp:
                messages.warning(request, _("您的角色需要两步验证：请先用身份验证器应用完成绑定。"))
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if self.allowed is None:
            self.allowed = {reverse(name) for name in ALLOWED_URL_NAMES}
        return path in self.allowed or path.startswith(ALLOWED_PREFIXES)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP:
            return not needs_two_factor(authenticator.user)
        return True
