from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STAFF_PASSWORD_MAX_AGE = timedelta(days=90)


class User(AbstractUser):
    """A sign-in account. Staff accounts are made by admins; a member's login links to their
    `branches.Member` record through `Member.user`.

    `must_change_password` is set when somebody else chose the password (an admin, an
    import); the person then sets their own at the next sign-in. Staff passwords also expire
    after 90 days (`password_changed_at`)."""

    # The clock starts when the account is made (Django's create_user bypasses set_password).
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员或导入设置的密码，本人须在下次登录时修改。"),
    )
    # Self-registered workers sign in with their phone (11 digits, see branches.phones). Empty
    # (NULL) for staff accounts; unique when set, so one phone is one account.
    phone = models.CharField(_("登录手机号"), max_length=11, null=True, blank=True, unique=True)
    phone_verified = models.BooleanField(_("手机号已验证"), default=False)
    # 适老化: larger text on every page, chosen by the person and kept with their account.
    large_text = models.BooleanField(_("大字模式"), default=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        ordering = ["username"]

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, *, now=None) -> bool:
        """Whether a staff password is older than 90 days."""
        return (now or timezone.now()) - self.password_changed_at > STAFF_PASSWORD_MAX_AGE

    def get_full_name(self) -> str:
        """Chinese names read surname first with no space (张晓东); others "first last"."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if (first + last).isascii():
            return f"{first} {last}".strip()
        return f"{last}{first}"


class PrivacyConsent(models.Model):
    """A person's consent to one version of the privacy notice (`/privacy/`), given at
    registration or at their first check-in. Withdrawing stamps `withdrawn_at`; consenting
    again is a new row, so the history of who agreed to which text, and when, is kept. At most
    one consent per account is in force (not withdrawn), which the database enforces."""

    user = models.ForeignKey(
        "yangpu_portal.User",
        verbose_name=_("账户"),
        on_delete=models.CASCADE,
        related_name="privacy_consents",
    )
    version = models.CharField(_("隐私政策版本"), max_length=20)
    given_at = models.DateTimeField(_("同意时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("隐私政策同意记录")
        verbose_name_plural = _("隐私政策同意记录")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="privacy_consent_one_in_force",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="privacy_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.version}"
