"""Two-factor sign-in (allauth MFA, TOTP) is required for the district admin and the three
administrator roles (system admin, security admin, auditor) and optional for everyone else.

Someone who needs it and has no authenticator app yet is sent to set one up before anything
else; they cannot remove it afterwards. The check rides on the one roles query per request."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from yangpu_portal.navigation import roles_of

ALLOWED_URL_NAMES = (
    "mfa_activate_totp",
    "account_reauthenticate",
    "account_logout",
    "set_language",
)
ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz", "/accounts/2fa/")


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._allowed(request.path):
            roles = roles_of(user)
            if roles.needs_two_factor and not roles.has_totp:
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
            return not roles_of(authenticator.user).needs_two_factor
        return True
