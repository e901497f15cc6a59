"""Claiming and redeeming benefits (专属优惠, issue 6). One transaction each.

A claim locks the benefit's row (`select_for_update`) before counting its claims, so two
members claiming the last place at the same moment are served one after the other; a second
claim by the same member is stopped by the unique constraint on (benefit, member) even where
row locks do not exist (SQLite)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Member
from services.benefits import Benefit, BenefitClaim, new_redemption_code
from services.models import member_of


@dataclass(frozen=True)
class Progress:
    """What a member has collected, read once per page or claim."""

    stamps: int
    points: int


def progress_of(member: Member) -> Progress:
    """The member's stamp count and points balance (the passport's own functions)."""
    from services.passport import points_balance, stamp_count

    return Progress(stamps=stamp_count(member), points=points_balance(member))


def ineligibility(benefit: Benefit, member: Member, progress: Progress) -> str:
    """Why `member` may not claim `benefit` ("" when they may), not counting quota, dates or
    an earlier claim. No query."""
    if benefit.occupation and member.occupation != benefit.occupation:
        return _("仅限%(group)s领取。") % {"group": benefit.get_occupation_display()}
    if benefit.party_members_only and not member.is_party_member:
        return _("仅限党员领取。")
    if progress.stamps < benefit.min_stamps:
        return _("需要集满 %(n)d 枚印章（您已有 %(have)d 枚）。") % {
            "n": benefit.min_stamps,
            "have": progress.stamps,
        }
    if progress.points < benefit.min_points:
        return _("需要 %(n)d 积分（您已有 %(have)d 分）。") % {
            "n": benefit.min_points,
            "have": progress.points,
        }
    return ""


@transaction.atomic
def benefit_claim(*, benefit: Benefit, by, today=None) -> BenefitClaim:
    """Claim `benefit` for the member linked to `by` and return the claim with its unique
    code. Raises PermissionDenied without a member record; ValidationError (a message for the
    member) when it is not on offer, expired, not for them, already claimed or all taken."""
    member = member_of(by)
    if member is None:
        raise PermissionDenied
    today = today or timezone.localdate()
    # Every claim of this benefit waits here for the one before it (PostgreSQL row lock).
    locked = Benefit.objects.select_for_update().get(pk=benefit.pk)
    if not locked.is_active or today < locked.valid_from:
        raise ValidationError(_("该优惠尚未开放领取。"))
    if today > locked.valid_until:
        raise ValidationError(_("该优惠已过期，无法领取。"))
    if BenefitClaim.objects.filter(benefit=locked, member=member).exists():
        raise ValidationError(_("您已领取过该优惠，不能重复领取。"))
    reason = ineligibility(locked, member, progress_of(member))
    if reason:
        raise ValidationError(reason)
    if BenefitClaim.objects.filter(benefit=locked).count() >= locked.quota:
        raise ValidationError(_("该优惠名额已领完。"))
    try:
        with transaction.atomic():
            return BenefitClaim.objects.create(
                benefit=locked, member=member, code=new_redemption_code()
            )
    except IntegrityError:
        # The same member in two tabs at once (or, once in 10^14, a code drawn twice).
        raise ValidationError(_("您已领取过该优惠，不能重复领取。")) from None


def _normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


@transaction.atomic
def benefit_redeem(*, code: str, by) -> BenefitClaim:
    """Mark the claim with `code` redeemed by `by`, who must be staff of its provider.
    A code of another provider is reported as unknown, so staff learn nothing about it.
    Raises ValidationError for an unknown or already redeemed code."""
    if not by.is_authenticated:
        raise PermissionDenied
    claim = (
        BenefitClaim.objects.redeemable_by(by)
        .select_for_update(of=("self",))
        .select_related("benefit", "member")
        .filter(code=_normalize_code(code))
        .first()
    )
    if claim is None:
        raise ValidationError(_("兑换码无效。"))
    if claim.redeemed_at is not None:
        raise ValidationError(
            _("该兑换码已于 %(at)s 核销。")
            % {"at": timezone.localtime(claim.redeemed_at).strftime("%Y-%m-%d %H:%M")}
        )
    claim.redeemed_at = timezone.now()
    claim.redeemed_by = by
    claim.save(update_fields=["redeemed_at", "redeemed_by"])
    return claim
