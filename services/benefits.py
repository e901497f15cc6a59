"""Benefits (专属优惠, issue 6): offers by providers (a gym, a phone shop, an insurer) that
members claim for a unique redemption code, which the provider's staff mark redeemed.
Imported from `services.models` so Django finds the models.

Every write goes through `services.benefit_actions`; reads are the QuerySet methods below."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import OccupationGroup

# Redemption codes: 10 characters from an alphabet without look-alikes (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_redemption_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class BenefitProvider(models.Model):
    """Who gives a benefit. Its staff are portal users linked here: they redeem its codes."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="benefit_providers",
        verbose_name=_("核销人员"),
        help_text=_("可以核销本单位优惠兑换码的账户。"),
    )

    class Meta:
        verbose_name = _("优惠提供方")
        verbose_name_plural = _("优惠提供方")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BenefitQuerySet(models.QuerySet):
    def current(self, today=None):
        """Active benefits within their validity dates."""
        today = today or timezone.localdate()
        return self.filter(is_active=True, valid_from__lte=today, valid_until__gte=today)


class Benefit(models.Model):
    provider = models.ForeignKey(
        BenefitProvider, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("提供方")
    )
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    occupation = models.CharField(
        _("限从业类型"),
        max_length=20,
        choices=OccupationGroup.choices,
        blank=True,
        help_text=_("留空：不限。"),
    )
    party_members_only = models.BooleanField(_("仅限党员"), default=False)
    min_stamps = models.PositiveIntegerField(_("至少印章数"), default=0)
    min_points = models.PositiveIntegerField(_("至少积分"), default=0)
    quota = models.PositiveIntegerField(_("名额"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"))
    is_active = models.BooleanField(_("上架"), default=True)

    objects = BenefitQuerySet.as_manager()

    class Meta:
        verbose_name = _("专属优惠")
        verbose_name_plural = _("专属优惠")
        ordering = ["valid_until", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occupation="") | Q(occupation__in=OccupationGroup.values),
                name="benefit_occupation_valid",
            ),
            models.CheckConstraint(condition=Q(quota__gte=1), name="benefit_quota_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="benefit_validity_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("截止日期不能早于生效日期。")})


class BenefitClaimQuerySet(models.QuerySet):
    def of_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(member__user=user)

    def redeemable_by(self, user):
        """Claims whose codes `user` may redeem: those of the providers they staff (and all
        for holders of `services.change_benefitclaim`)."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("services.change_benefitclaim"):
            return self
        return self.filter(benefit__provider__staff=user)


class BenefitClaim(models.Model):
    """A member's claim: one per member and benefit (a database constraint), with a unique
    redemption code."""

    benefit = models.ForeignKey(
        Benefit, on_delete=models.PROTECT, related_name="claims", verbose_name=_("优惠")
    )
    member = models.ForeignKey(
        "branches.Member",
        on_delete=models.PROTECT,
        related_name="benefit_claims",
        verbose_name=_("人员"),
    )
    code = models.CharField(_("兑换码"), max_length=20, unique=True)
    claimed_at = models.DateTimeField(_("领取时间"), default=timezone.now)
    redeemed_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核销人"),
    )

    objects = BenefitClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("优惠领取")
        verbose_name_plural = _("优惠领取")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "member"], name="benefitclaim_once"),
            models.CheckConstraint(
                condition=Q(redeemed_at__isnull=True, redeemed_by__isnull=True)
                | Q(redeemed_at__isnull=False, redeemed_by__isnull=False),
                name="benefitclaim_redeemed_with_who",
            ),
        ]

    def __str__(self):
        return f"{self.benefit} · {self.member} · {self.code}"
