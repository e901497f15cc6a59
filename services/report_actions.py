"""Every state change of sentinel reports (issue 7). One transaction each; a move that skips
the workflow raises ValidationError and writes nothing.

    已提交 → 已受理 → 已派单 → 处理中 → 已办结 (→ reporter confirms; "not fixed" → 处理中)
    已提交/已受理 → 不予受理 | 重复
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.changes import record_change
from audit.models import Event
from branches.models import Member, Street
from services.models import SourceKind, Stamp, member_of
from services.passport import award
from services.report_photos import clean_photo
from services.reports import (
    DAILY_LIMIT,
    MAX_PHOTOS,
    OPEN_STATES,
    HandlingUnit,
    MeToo,
    Report,
    ReportAction,
    ReportCategory,
    ReportPhoto,
    ReportState,
    RoutingRule,
    distance_m,
)
from yangpu_portal import freshness
from yangpu_portal.dashboard.refresh import refresh_soon

S = ReportState


def nearest_street(latitude: float, longitude: float) -> Street | None:
    """The street whose centroid is nearest the point (one query over the 12 streets)."""
    streets = Street.objects.filter(latitude__isnull=False, longitude__isnull=False)
    return min(
        streets,
        key=lambda s: distance_m(latitude, longitude, s.latitude, s.longitude),
        default=None,
    )


def proposed_unit(report: Report) -> HandlingUnit | None:
    """The routing rule's unit for the report's category and street, if any (one query)."""
    rule = (
        RoutingRule.objects.filter(category_id=report.category_id, street_id=report.street_id)
        .select_related("unit")
        .first()
    )
    return rule.unit if rule else None


def _handler(report: Report, by) -> None:
    if not Report.objects.visible_to(by).filter(pk=report.pk).exists():
        raise PermissionDenied


def _move(report: Report, *, to: str, allowed: tuple, by, note: str = "", **fields) -> Report:
    """Lock the row, check the move is allowed from the current state, apply and record it."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state not in allowed:
        raise ValidationError(
            _("当前状态“%(state)s”不能执行此操作。") % {"state": locked.get_state_display()}
        )
    from_state = locked.state
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.state = to
    locked.full_clean()
    locked.save()
    ReportAction.objects.create(report=locked, by=by, from_state=from_state, to_state=to, note=note)
    freshness.bump(freshness.REPORTS)  # the public list's counts, median and map
    report.refresh_from_db()
    return report


@transaction.atomic
def report_submit(
    *,
    by,
    category: ReportCategory,
    description: str,
    latitude: float,
    longitude: float,
    address: str = "",
    street: Street | None = None,
    hide_identity: bool = True,
    photos: list | None = None,
    now=None,
) -> Report:
    """File a report for the member linked to `by`. The street is the one given (the
    reporter's correction) or the nearest street centroid. At most 20 per member per day and
    3 photos; photos are cleaned before storage. Raises PermissionDenied without a member
    record, ValidationError on bad input or past the limit."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    member = member_of(by)
    if member is None:
        raise PermissionDenied
    now = now or timezone.now()
    photos = photos or []
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
    cleaned = [clean_photo(photo) for photo in photos]
    # Serialize one member's submissions so the daily limit holds under concurrency.
    Member.objects.select_for_update().filter(pk=member.pk).first()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = Report.objects.filter(reporter=member, submitted_at__gte=start_of_day)
    if today.count() >= DAILY_LIMIT:
        raise ValidationError(_("每人每天最多上报 %(n)d 条，请明天再试。") % {"n": DAILY_LIMIT})
    street = street or nearest_street(latitude, longitude)
    if street is None:
        raise ValidationError(_("无法根据位置确定街道，请手动选择。"))
    report = Report(
        category=category,
        description=description,
        latitude=latitude,
        longitude=longitude,
        address=address,
        street=street,
        reporter=member,
        hide_identity=hide_identity,
        submitted_at=now,
    )
    report.full_clean()
    report.save()
    ReportAction.objects.create(report=report, by=by, to_state=S.SUBMITTED, at=now)
    freshness.bump(freshness.REPORTS)  # the public list's counts, median and map
    for content in cleaned:
        ReportPhoto.objects.create(report=report, image=content)
    return report


@transaction.atomic
def report_me_too(*, report: Report, by) -> MeToo:
    """Add `by`'s "me too" to an open report (once per member; not to their own)."""
    member = member_of(by)
    if member is None:
        raise PermissionDenied
    if report.state not in OPEN_STATES:
        raise ValidationError(_("该事件已结束，无法附议。"))
    if report.reporter_id == member.pk:
        raise ValidationError(_("这是您自己上报的事件。"))
    try:
        with transaction.atomic():
            me_too = MeToo.objects.create(report=report, member=member)
    except IntegrityError:
        raise ValidationError(_("您已附议过该事件。")) from None
    Report.objects.filter(pk=report.pk).update(me_too_count=F("me_too_count") + 1)
    return me_too


# A verified report earns a stamp unless the reporter already earned one that day for a report
# of the same category within this distance.
REPORT_STAMP_RADIUS_M = 50


def _award_report_stamp(report: Report) -> None:
    """The one place a verified report awards its 先锋护照 stamp and points (issue 6): once per
    report (the database decides), and at most once per category per 50 m per Shanghai day
    of submission for one reporter. Two queries, plus the award's."""
    day = timezone.localdate(report.submitted_at)
    stamped = Stamp.objects.filter(
        member_id=report.reporter_id, source_kind=SourceKind.REPORT
    ).values_list("source_id", flat=True)
    nearby_same_day = Report.objects.filter(
        pk__in=stamped,
        category_id=report.category_id,
        submitted_at__date=day,
    ).exclude(pk=report.pk)
    for other in nearby_same_day.only("latitude", "longitude"):
        if distance_m(report.latitude, report.longitude, other.latitude, other.longitude) < (
            REPORT_STAMP_RADIUS_M
        ):
            return
    award(
        member=report.reporter,
        source_kind=SourceKind.REPORT,
        source_id=report.pk,
        label=report.category.name,
    )


@transaction.atomic
def report_accept(*, report: Report, by, note: str = "") -> Report:
    """已提交 → 已受理 (verified). Awards the passport stamp (issue 6) once it exists."""
    _handler(report, by)
    report = _move(report, to=S.ACCEPTED, allowed=(S.SUBMITTED,), by=by, note=note)
    _award_report_stamp(report)
    return report


@transaction.atomic
def report_dispatch(*, report: Report, unit: HandlingUnit, by, note: str = "") -> Report:
    """已受理 → 已派单 to `unit`, due in the category's time limit from today."""
    _handler(report, by)
    due = timezone.localdate() + timedelta(days=report.category.time_limit_days)
    return _move(
        report, to=S.DISPATCHED, allowed=(S.ACCEPTED,), by=by, note=note, unit=unit, due_date=due
    )


@transaction.atomic
def report_start(*, report: Report, by, note: str = "") -> Report:
    """已派单 → 处理中."""
    _handler(report, by)
    return _move(report, to=S.IN_PROGRESS, allowed=(S.DISPATCHED,), by=by, note=note)


@transaction.atomic
def report_resolve(*, report: Report, by, note: str, photo=None) -> Report:
    """处理中 → 已办结 with a resolution note (required) and an optional photo of the fix
    (cleaned like the reporter's)."""
    _handler(report, by)
    if not note.strip():
        raise ValidationError(_("请填写办结说明。"))
    cleaned = clean_photo(photo) if photo else None
    report = _move(
        report,
        to=S.RESOLVED,
        allowed=(S.IN_PROGRESS,),
        by=by,
        note=note,
        resolution_note=note,
        resolved_at=timezone.now(),
    )
    if cleaned is not None:
        ReportPhoto.objects.create(report=report, image=cleaned, at_resolution=True)
    return report


@transaction.atomic
def report_reject(*, report: Report, by, reason: str) -> Report:
    """已提交/已受理 → 不予受理, with a reason (required)."""
    _handler(report, by)
    if not reason.strip():
        raise ValidationError(_("请填写理由。"))
    return _move(
        report, to=S.REJECTED, allowed=(S.SUBMITTED, S.ACCEPTED), by=by, note=reason, reason=reason
    )


@transaction.atomic
def report_mark_duplicate(*, report: Report, original: Report, by, reason: str = "") -> Report:
    """已提交/已受理 → 重复, linked to `original` (another report, not itself a duplicate)."""
    _handler(report, by)
    if original.pk == report.pk or original.state == S.DUPLICATE:
        raise ValidationError(_("请选择另一条有效的原始事件。"))
    reason = reason.strip() or _("与事件 #%(pk)d 重复") % {"pk": original.pk}
    return _move(
        report,
        to=S.DUPLICATE,
        allowed=(S.SUBMITTED, S.ACCEPTED),
        by=by,
        note=reason,
        reason=reason,
        duplicate_of=original,
    )


@transaction.atomic
def report_confirm(*, report: Report, fixed: bool, by, note: str = "") -> Report:
    """The reporter confirms a 已办结 report: fixed closes it for good; not fixed reopens it
    to 处理中 with the same unit and a fresh due date."""
    member = member_of(by)
    if member is None or member.pk != report.reporter_id:
        raise PermissionDenied
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state != S.RESOLVED or locked.confirmed_fixed is not None:
        raise ValidationError(_("只能对已办结且尚未确认的事件进行确认。"))
    if fixed:
        Report.objects.filter(pk=locked.pk).update(confirmed_fixed=True)
        # QuerySet.update sends no signal: recorded here (audit/changes.py).
        record_change(event=Event.UPDATE, obj=locked, changes={"confirmed_fixed": [None, True]})
        ReportAction.objects.create(
            report=locked,
            by=by,
            from_state=S.RESOLVED,
            to_state=S.RESOLVED,
            note=note or _("报告人确认已解决"),
        )
        report.refresh_from_db()
        return report
    due = timezone.localdate() + timedelta(days=locked.category.time_limit_days)
    return _move(
        report,
        to=S.IN_PROGRESS,
        allowed=(S.RESOLVED,),
        by=by,
        note=note or _("报告人反馈未解决，重新办理"),
        resolved_at=None,
        due_date=due,
    )
