"""The vanguard passport's read API and its one award path (issue 6).

- `stamp_count(member)`, `points_balance(member)`: one query each (benefits read these).
- `award(...)`: a stamp and points for one source, at most once (the database decides), with
  the points rule's daily and period caps applied. Called by the check-in, attendance,
  course, route, report and volunteer actions, never by signals.
- `points_reverse(...)`: a correction is a new, reversing ledger entry.
- `on_station_checkin`: named by settings.STATIONS_CHECKIN_HOOK (stations cannot import us).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Member
from services.models import (
    CapPeriod,
    LedgerKind,
    PointEntry,
    PointRule,
    SourceKind,
    Stamp,
    StampType,
    VolunteerService,
)

# --- Reads ---------------------------------------------------------------------------------------


def stamp_count(member: Member) -> int:
    """How many stamps `member` holds. One query."""
    return Stamp.objects.filter(member=member).count()


def points_balance(member: Member) -> int:
    """`member`'s points: the sum of the ledger, corrections included. One query."""
    return PointEntry.objects.filter(member=member).balance()


def volunteer_hours(member: Member):
    """`member`'s approved volunteer hours (a Decimal). One query."""
    total = VolunteerService.objects.filter(member=member).approved().aggregate(h=Sum("hours"))
    return total["h"] or 0


# --- Award ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Award:
    stamp: Stamp | None  # None when no active stamp type exists for the source kind
    entry: PointEntry | None  # None when no rule, a cap is reached, or already awarded
    created: bool  # False: this source had already been awarded (nothing written)


def period_start(day: date, period: str) -> date:
    """The first day of the month, quarter or year containing `day`."""
    if period == CapPeriod.YEAR:
        return day.replace(month=1, day=1)
    if period == CapPeriod.QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def _capped_points(rule: PointRule, member: Member, day: date) -> int:
    """The rule's points, cut so that neither the day's nor the period's awards for this
    action pass their caps. Corrections do not give allowance back. Up to two queries."""
    points = rule.points
    awards = PointEntry.objects.filter(
        member=member, source_kind=rule.action, kind=LedgerKind.AWARD
    )
    if rule.daily_cap is not None:
        today = awards.filter(local_date=day).aggregate(t=Sum("points"))["t"] or 0
        points = min(points, rule.daily_cap - today)
    if rule.period_cap is not None and points > 0:
        since = period_start(day, rule.period)
        period = (
            awards.filter(local_date__gte=since, local_date__lte=day).aggregate(t=Sum("points"))[
                "t"
            ]
            or 0
        )
        points = min(points, rule.period_cap - period)
    return max(points, 0)


@transaction.atomic
def award(
    *,
    member: Member,
    source_kind: str,
    source_id: int,
    label: str = "",
    stamp_type: StampType | None = None,
    at: datetime | None = None,
) -> Award:
    """Give `member` the stamp and the points that the source (`source_kind`, `source_id`)
    earns. Idempotent: a second call for the same source writes nothing and returns
    `created=False` (the unique constraints decide, also when two calls race). Points follow
    the active PointRule of `source_kind`, cut to its daily and period caps (Shanghai dates);
    a capped-out award still gets its stamp. The member row is locked so that two concurrent
    awards cannot both pass a cap."""
    if source_kind not in SourceKind.values:
        raise ValueError(f"unknown source kind {source_kind!r}")
    at = at or timezone.now()
    day = timezone.localdate(at)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    stamp_type = (
        stamp_type
        or (
            StampType.objects.filter(source_kind=source_kind, is_active=True).order_by(
                "sort_order", "pk"
            )
        ).first()
    )
    stamp = None
    if stamp_type is not None:
        try:
            with transaction.atomic():  # a savepoint: the outer transaction survives
                stamp = Stamp.objects.create(
                    member=member,
                    type=stamp_type,
                    source_kind=source_kind,
                    source_id=source_id,
                    label=label[:100],
                    awarded_at=at,
                )
        except IntegrityError:
            return Award(stamp=None, entry=None, created=False)
    elif PointEntry.objects.filter(
        member=member, source_kind=source_kind, source_id=source_id, kind=LedgerKind.AWARD
    ).exists():
        return Award(stamp=None, entry=None, created=False)
    rule = PointRule.objects.filter(action=source_kind, is_active=True).first()
    entry = None
    points = _capped_points(rule, member, day) if rule else 0
    if points > 0:
        try:
            with transaction.atomic():
                entry = PointEntry.objects.create(
                    member=member,
                    kind=LedgerKind.AWARD,
                    points=points,
                    source_kind=source_kind,
                    source_id=source_id,
                    label=label[:100],
                    local_date=day,
                    created_at=at,
                )
        except IntegrityError:
            return Award(stamp=stamp, entry=None, created=stamp is not None)
    return Award(stamp=stamp, entry=entry, created=True)


@transaction.atomic
def points_reverse(*, entry: PointEntry, reason: str, by) -> PointEntry:
    """Reverse `entry` with a new entry of the opposite sign, naming why and who. The original
    stays. Only holders of `services.add_pointentry` (district staff) may; a correction cannot
    itself be reversed, nor an entry twice. Raises ValidationError and writes nothing."""
    if not by.has_perm("services.add_pointentry"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写更正原因。"), code="reason")
    if entry.kind != LedgerKind.AWARD:
        raise ValidationError(_("更正记录不能再次更正。"), code="correction")
    correction = PointEntry(
        member_id=entry.member_id,
        kind=LedgerKind.CORRECTION,
        points=-entry.points,
        source_kind=entry.source_kind,
        source_id=entry.source_id,
        label=entry.label,
        local_date=timezone.localdate(),
        reverses=entry,
        reason=reason[:200],
        created_by=by,
    )
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:
        raise ValidationError(_("该记录已被更正过。"), code="reversed") from None
    return correction


# --- Hooks for the apps below services ----------------------------------------------------------


def on_station_checkin(*, checkin) -> None:
    """Named by settings.STATIONS_CHECKIN_HOOK; `stations.actions.checkin_record` calls it in
    its transaction for each new check-in. One stamp per check-in (that is, per member,
    station and day)."""
    award(
        member=checkin.member,
        source_kind=SourceKind.STATION_CHECKIN,
        source_id=checkin.pk,
        label=checkin.station.name,
        at=checkin.checked_in_at,
    )


# --- The member card ----------------------------------------------------------------------------

CARD_SALT = "services.passport.card"


def card_token(member: Member) -> str:
    """The token in a member's QR card: the member id signed with the secret key, so it cannot
    be guessed and needs no stored column (no write on GET). Stable while the key is."""
    return signing.Signer(salt=CARD_SALT).sign(str(member.pk))


def member_id_from_card(token: str) -> int | None:
    """The member id a card token names, or None if the signature is wrong."""
    try:
        return int(signing.Signer(salt=CARD_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def mask_name(name: str) -> str:
    """王小明 → 王*明, 李强 → 李*, 欧阳娜娜 → 欧**娜: first and last character kept."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
