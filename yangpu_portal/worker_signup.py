"""Workers' self-registration with a phone number (allauth's phone sign-up and verification).

Sign-up asks for the phone, a password and the few roster fields a member record needs
(name, gender, occupation, street). allauth creates the account and then asks for the code
sent to the phone; only when that code is entered (`link_member`, called from the adapter's
`set_phone_verified`) is the account linked to the roster: to the member holding that phone,
or to a new 群众 member made from what the sign-up form asked.
"""

import logging
import secrets

from allauth.account.forms import SignupForm
from allauth.socialaccount.forms import SignupForm as SocialSignupForm
from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from branches.models import Gender, Member, OccupationGroup, PoliticalStatus, Street
from branches.phones import normalize_phone
from yangpu_portal.actions import consent_give

logger = logging.getLogger(__name__)

# What the sign-up form asked, kept in the session until the phone is verified.
SESSION_KEY = "yangpu_worker_signup"


class PhoneField(forms.CharField):
    """A mainland mobile number, normalized to 11 digits (the roster's form)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autocomplete": "tel", "type": "tel", "placeholder": "13812345678"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


def phone_taken_message():
    return _("该手机号已绑定账户，请直接用手机号登录；如有疑问请联系所在街道。")


def stale_unverified_user(phone: str):
    """A self-registered account whose phone was never verified and never used: a new
    sign-up with that phone replaces it (the phone was never proven to be theirs)."""
    return (
        get_user_model()
        .objects.filter(
            phone=phone,
            phone_verified=False,
            last_login__isnull=True,
            is_staff=False,
            member__isnull=True,
        )
        .first()
    )


class WorkerProfileMixin(forms.Form):
    """What a worker's sign-up asks besides the phone (and password): the roster fields a
    member record needs. Shared by the phone sign-up and the WeChat sign-up."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    occupation = forms.ChoiceField(label=_("从业类型"), choices=OccupationGroup.choices)
    street = forms.ModelChoiceField(
        label=_("所在街道"),
        queryset=Street.objects.order_by("-sort_order", "name"),
        help_text=_("您日常工作或居住的街道，由该街道党群服务中心联系您。"),
    )

    privacy_consent = forms.BooleanField(
        label=_("我已阅读并同意隐私政策"),
        required=True,
        help_text=_("注册前请阅读页面上方链接的隐私政策。"),
        error_messages={"required": _("请阅读并同意隐私政策后再注册。")},
    )

    field_order = [
        "phone",
        "name",
        "gender",
        "occupation",
        "street",
        "password1",
        "password2",
        "privacy_consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Workers never choose a username (see ACCOUNT_SIGNUP_FIELDS): it is generated.
        self.fields.pop("username", None)
        self.fields.pop("email", None)  # the portal does not mail workers
        self.fields["phone"].required = True
        self.fields["phone"].label = _("手机号")
        self.order_fields(self.field_order)

    def clean(self):
        self._stale_user = None
        cleaned = super().clean()
        phone = cleaned.get("phone")
        if not phone:
            return cleaned
        if self.account_already_exists:
            stale = stale_unverified_user(phone)
            if stale is not None:
                self._stale_user = stale
                self.account_already_exists = False
            else:
                self.add_error("phone", phone_taken_message())
        elif Member.objects.filter(phone=phone, user__isnull=False).exists():
            self.add_error("phone", phone_taken_message())
        return cleaned

    def save(self, request):
        with transaction.atomic():
            if self._stale_user is not None:
                self._stale_user.delete()
            return super().save(request)

    def custom_signup(self, request, user):
        super().custom_signup(request, user)
        user.last_name = self.cleaned_data["name"]
        user.save(update_fields=["last_name"])
        # PIPL: the consent ticked on this form, with the notice's version and the time.
        consent_give(user=user, by=user)
        request.session[SESSION_KEY] = {
            "user": user.pk,
            "name": self.cleaned_data["name"],
            "gender": self.cleaned_data["gender"],
            "occupation": self.cleaned_data["occupation"],
            "street": self.cleaned_data["street"].pk,
        }


class WorkerSignupForm(WorkerProfileMixin, SignupForm):
    """allauth's sign-up (ACCOUNT_FORMS["signup"]): phone, profile, password."""


class WorkerSocialSignupForm(WorkerProfileMixin, SocialSignupForm):
    """allauth's sign-up after a first WeChat sign-in (SOCIALACCOUNT_FORMS["signup"]): the
    same phone and profile, no password; the phone is then verified by code like above."""

    field_order = ["phone", "name", "gender", "occupation", "street", "privacy_consent"]


def new_username() -> str:
    """Workers sign in with their phone; the username is an internal handle."""
    User = get_user_model()
    while True:
        username = f"w{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


@transaction.atomic
def link_member(*, user, phone: str, request=None) -> Member | None:
    """After `phone` is verified for `user`: link the roster member holding that phone, or make
    a 群众 member from the sign-up answers. A member already linked to another account is
    left alone (the sign-up form refuses that case; this guards against a race)."""
    member = Member.objects.select_for_update().filter(phone=phone).first()
    if member is not None:
        if member.user_id is None:
            member.user = user
            member.save(update_fields=["user", "updated_at"])
            return member
        if member.user_id != user.pk:
            logger.warning("member %s already has an account; %s not linked", member.pk, user.pk)
            return None
        return member
    if Member.objects.filter(user=user).exists():
        return user.member
    answers = request.session.get(SESSION_KEY) if request is not None else None
    if not answers or answers.get("user") != user.pk:
        logger.warning("no sign-up answers for account %s; no member made", user.pk)
        return None
    member = Member(
        name=answers["name"],
        gender=answers["gender"],
        occupation=answers["occupation"],
        street_id=answers["street"],
        phone=phone,
        political_status=PoliticalStatus.MASSES,
        user=user,
    )
    member.full_clean()
    member.save()
    request.session.pop(SESSION_KEY, None)
    return member
