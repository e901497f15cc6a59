"""Every state change of the vanguard passport's programs (issue 6): volunteer hours, the
leaderboard opt-in, finished lessons and route check-ins. Each awards through
`services.passport.award`, never through signals."""

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Member
from services.models import (
    STOP_RADIUS_M,
    Lesson,
    LessonCompletion,
    PassportSettings,
    Route,
    RouteStop,
    RouteStopVisit,
    SourceKind,
    StopMethod,
    VolunteerService,
    VolunteerStatus,
    member_of,
)
from services.passport import award
from services.reports import distance_m


def _require_member(user) -> Member:
    member = member_of(user)
    if member is None:
        raise ValidationError(_("您的账户尚未关联人员信息，请联系所在组织。"), code="no_member")
    return member


# --- Volunteer hours ----------------------------------------------------------------------------


def _hours_of(activity) -> Decimal:
    """An activity's length in hours, to the nearest half hour, within 0.5..24."""
    hours = Decimal((activity.end - activity.start).total_seconds()) / 3600
    halves = (hours * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
    return min(max(halves, Decimal("0.5")), Decimal(24))


@transaction.atomic
def volunteer_hours_from_attendance(*, attendance) -> VolunteerService:
    """Count the hours of attending a volunteer activity: approved at once, one record per
    member and activity (attending again changes nothing). The attendance itself already
    earned the activity stamp, so no further stamp here."""
    activity = attendance.activity
    service, _created = VolunteerService.objects.get_or_create(
        member=attendance.member,
        activity=activity,
        defaults={
            "description": activity.title[:200],
            "served_on": timezone.localdate(activity.start),
            "hours": _hours_of(activity),
            "status": VolunteerStatus.APPROVED,
            "decided_at": timezone.now(),
        },
    )
    return service


@transaction.atomic
def volunteer_declare(*, by, description: str, served_on: date, hours) -> VolunteerService:
    """`by` (a member) declares volunteer service done elsewhere; it waits for an organizer.
    Raises ValidationError (future date, hours outside 0.5..24, empty text): nothing written."""
    member = _require_member(by)
    if served_on and served_on > timezone.localdate():
        raise ValidationError({"served_on": _("服务日期不能晚于今天。")})
    service = VolunteerService(
        member=member, description=description, served_on=served_on, hours=hours
    )
    service.full_clean()
    service.save()
    return service


def may_review(service: VolunteerService, user) -> bool:
    """An organizer (or district staff) whose scope covers the member; never the member."""
    if not user.is_authenticated or service.member.user_id == user.pk:
        return False
    return VolunteerService.objects.reviewable_by(user).filter(pk=service.pk).exists()


def _decide(service: VolunteerService, by, status: str, reason: str = "") -> VolunteerService:
    if not may_review(service, by):
        raise PermissionDenied
    service = VolunteerService.objects.select_for_update().get(pk=service.pk)
    if service.status != VolunteerStatus.PENDING:
        raise ValidationError(_("该申报已审核过。"), code="decided")
    service.status = status
    service.refusal_reason = reason
    service.decided_by = by
    service.decided_at = timezone.now()
    service.save()
    return service


@transaction.atomic
def volunteer_approve(*, service: VolunteerService, by) -> VolunteerService:
    """An organizer in scope approves a declaration: its hours count and it earns the
    volunteer stamp and points (once)."""
    service = _decide(service, by, VolunteerStatus.APPROVED)
    award(
        member=service.member,
        source_kind=SourceKind.VOLUNTEER,
        source_id=service.pk,
        label=service.description,
    )
    return service


@transaction.atomic
def volunteer_refuse(*, service: VolunteerService, by, reason: str) -> VolunteerService:
    """An organizer in scope refuses a declaration, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写未认定的原因。")})
    return _decide(service, by, VolunteerStatus.REFUSED, reason[:200])


# --- Leaderboard opt-in -------------------------------------------------------------------------


@transaction.atomic
def passport_leaderboard_set(*, by, opt_in: bool) -> PassportSettings:
    """`by` shows (or stops showing) their masked name on the street and enterprise
    leaderboards."""
    member = _require_member(by)
    settings_row, _created = PassportSettings.objects.update_or_create(
        member=member, defaults={"leaderboard_opt_in": bool(opt_in)}
    )
    return settings_row


# --- Micro-courses ------------------------------------------------------------------------------

LESSON_SALT = "services.lesson.opened"
# A lesson page left open longer than this must be opened again to be finished.
LESSON_TOKEN_MAX_AGE = 7 * 24 * 3600


def lesson_token(*, lesson: Lesson, member: Member, now: float | None = None) -> str:
    """The signed "opened at" carried by the lesson page (no write on GET): lesson, member and
    the Unix time the page was rendered."""
    opened = int(now if now is not None else time.time())
    return signing.Signer(salt=LESSON_SALT).sign_object(
        {"l": lesson.pk, "m": member.pk, "t": opened}
    )


def _opened_at(token: str, lesson: Lesson, member: Member) -> datetime:
    try:
        data = signing.Signer(salt=LESSON_SALT).unsign_object(token)
        if data["l"] != lesson.pk or data["m"] != member.pk:
            raise ValueError
        opened = int(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(_("学习记录无效，请重新打开课程。"), code="token") from None
    return datetime.fromtimestamp(opened, tz=UTC)


@dataclass(frozen=True)
class Finished:
    completion: LessonCompletion
    created: bool


@transaction.atomic
def lesson_finish(*, lesson: Lesson, by, token: str, now: datetime | None = None) -> Finished:
    """`by` marks `lesson` finished. Refused (ValidationError, nothing written) unless the
    signed token says they opened it at least the lesson's duration ago (and not more than a
    week ago). Finishing again changes nothing; the first time awards the lesson stamp and
    points."""
    member = _require_member(by)
    now = now or timezone.now()
    opened_at = _opened_at(token, lesson, member)
    elapsed = (now - opened_at).total_seconds()
    if elapsed > LESSON_TOKEN_MAX_AGE:
        raise ValidationError(_("学习记录已过期，请重新打开课程。"), code="expired")
    if elapsed < lesson.duration_minutes * 60:
        remaining = max(1, int((lesson.duration_minutes * 60 - elapsed + 59) // 60))
        raise ValidationError(
            _("请学习满 %(minutes)s 分钟后再标记完成（还差约 %(remaining)s 分钟）。")
            % {"minutes": lesson.duration_minutes, "remaining": remaining},
            code="too_early",
        )
    try:
        with transaction.atomic():
            completion = LessonCompletion.objects.create(
                member=member, lesson=lesson, opened_at=opened_at, finished_at=now
            )
    except IntegrityError:
        return Finished(LessonCompletion.objects.get(member=member, lesson=lesson), False)
    award(member=member, source_kind=SourceKind.LESSON, source_id=lesson.pk, label=lesson.title)
    return Finished(completion, True)


# --- Party-lesson routes ------------------------------------------------------------------------


@dataclass(frozen=True)
class StopCheckIn:
    visit: RouteStopVisit
    created: bool
    route_finished: bool  # this check-in completed the route (the badge was awarded)


@transaction.atomic
def route_stop_checkin(
    *,
    stop: RouteStop,
    by,
    method: str,
    latitude: float | None = None,
    longitude: float | None = None,
    now: datetime | None = None,
) -> StopCheckIn:
    """`by` checks in at `stop`: by its QR code (the code in the URL proves presence) or by
    location (the phone's position within 100 m of the stop). Once per member and stop; the
    first time awards the stop's stamp, and the check-in that completes every stop of the
    route awards the route badge. Raises ValidationError (too far, no position): nothing
    written."""
    member = _require_member(by)
    now = now or timezone.now()
    if not Route.objects.published().filter(pk=stop.route_id).exists():
        raise ValidationError(_("该路线尚未开放。"), code="unpublished")
    if method == StopMethod.LOCATION:
        if latitude is None or longitude is None:
            raise ValidationError(
                _("未能获取您的位置，请允许定位或扫描站点二维码。"), code="no_position"
            )
        distance = distance_m(latitude, longitude, stop.latitude, stop.longitude)
        if distance > STOP_RADIUS_M:
            raise ValidationError(
                _("您距离该站点约 %(distance)s 米，需在 %(radius)s 米内才能打卡。")
                % {"distance": round(distance), "radius": STOP_RADIUS_M},
                code="too_far",
            )
    elif method != StopMethod.QR:
        raise ValidationError(_("打卡方式无效。"), code="method")
    try:
        with transaction.atomic():
            visit = RouteStopVisit.objects.create(
                member=member, stop=stop, method=method, visited_at=now
            )
    except IntegrityError:
        return StopCheckIn(RouteStopVisit.objects.get(member=member, stop=stop), False, False)
    award(
        member=member,
        source_kind=SourceKind.ROUTE_STOP,
        source_id=stop.pk,
        label=stop.name,
        at=now,
    )
    route = stop.route
    remaining = route.stops.exclude(visits__member=member).exists()
    finished = False
    if not remaining:
        finished = award(
            member=member,
            source_kind=SourceKind.ROUTE,
            source_id=route.pk,
            label=route.name,
            stamp_type=route.badge if route.badge_id and route.badge.is_active else None,
            at=now,
        ).created
    return StopCheckIn(visit, True, finished)
