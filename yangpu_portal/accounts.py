"""django-allauth policy: staff accounts are made by admins (or by import); the only open
sign-up is a worker's, with a phone number proven by a code (`yangpu_portal.worker_signup`).
Failed sign-ins lock an account for a while (see `yangpu_portal.lockout`)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from audit.models import Event, Outcome
from audit.record import record_event
from yangpu_portal import lockout, worker_signup
from yangpu_portal.sms import sms_sender


def _login_of(credentials) -> str:
    return str(
        credentials.get("username") or credentials.get("email") or credentials.get("phone") or ""
    )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Open only because the sign-up form (ACCOUNT_SIGNUP_FIELDS) requires a phone that is
        # verified by a code before the account can sign in: there is no username/e-mail
        # sign-up. Staff accounts are still made by admins.
        return True

    def populate_username(self, request, user):
        # Only sign-ups come here (staff accounts are made in the admin): workers sign in by
        # phone or WeChat, so the username is a generated handle, never a WeChat nickname.
        user.username = worker_signup.new_username()

    # --- Phone numbers: stored on User.phone (11 digits), see docs/decisions.md ------------

    def phone_form_field(self, **kwargs):
        kwargs.pop("label", None)
        return worker_signup.PhoneField(**kwargs)

    def set_phone(self, user, phone, verified):
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        if not user.phone:
            return None
        return user.phone, user.phone_verified

    def set_phone_verified(self, user, phone):
        self.set_phone(user, phone, True)
        worker_signup.link_member(user=user, phone=phone, request=context.request)

    def get_user_by_phone(self, phone):
        return get_user_model().objects.filter(phone=phone).first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        text = _("【杨浦新就业群体党建】您的验证码是 %(code)s，15 分钟内有效。请勿告诉他人。") % {
            "code": code
        }
        sms_sender().send(phone=phone, text=text)

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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """WeChat sign-in is off until its app is configured: its URLs then answer 404, not 500."""

    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404(_("未启用该登录方式。")) from None
