"""django-allauth policy: accounts are made by admins (or by import), never by open sign-up;
failed sign-ins lock an account for a while (see `yangpu_portal.lockout`)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audit.models import Event, Outcome
from audit.record import record_event
from yangpu_portal import lockout


def _login_of(credentials) -> str:
    return str(credentials.get("username") or credentials.get("email") or "")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        if lockout.is_locked(_login_of(credentials), self.get_client_ip(request)):
            raise ValidationError(
                _("密码连续错误次数过多，该账户已暂时锁定 30 分钟。请稍后再试，或联系管理员。"),
                code="locked",
            )
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            lockout.clear(_login_of(credentials), self.get_client_ip(request))
        return user

    def authentication_failed(self, request, **credentials):
        login = _login_of(credentials)
        if lockout.register_failure(login, self.get_client_ip(request)):
            record_event(
                event=Event.LOCKOUT,
                outcome=Outcome.DENIED,
                request=request,
                actor_username=login,
                detail={"minutes": lockout.LOCK_SECONDS // 60},
            )
