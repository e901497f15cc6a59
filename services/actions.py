"""Every state change of activities, sign-ups, attendance, leave and notifications. Views,
admin, commands and seed_demo call these; each is one transaction."""

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.changes import record_change
from audit.models import Event
from branches.models import Member
from services.models import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    LeaveRequest,
    LeaveStatus,
    Minutes,
    MinutesAmendment,
    MinutesAttachment,
    MinutesStatus,
    Notification,
    Signup,
    SignupStatus,
    SourceKind,
    member_of,
)
from services.passport import award
from services.passport_actions import volunteer_hours_from_attendance
from services.scope import may_host
from services.tasks import deliver_notifications
from yangpu_portal import freshness
from yangpu_portal.dashboard.refresh import refresh_soon
from yangpu_portal.privacy import require_consent
from yangpu_portal.uploads import clean_attachment

# Fields an organizer may set on an activity (status moves through its own actions).
ACTIVITY_FIELDS = (
    "title",
    "kind",
    "program",
    "host_organization",
    "station",
    "address",
    "online_url",
    "start",
    "end",
    "capacity",
    "audience",
    "description",
)


def _street_of(activity: Activity):
    if activity.station_id:
        return activity.station.street_id
    return activity.host_organization.street_id


# --- Activities ---------------------------------------------------------------------------------


@transaction.atomic
def activity_create(*, by, publish: bool = False, **fields) -> Activity:
    """Create an activity hosted by an organization in `by`'s scope or held at a station
    they run. Raises PermissionDenied outside scope, ValidationError on bad input."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    activity = Activity(
        created_by=by,
        status=ActivityStatus.PUBLISHED if publish else ActivityStatus.DRAFT,
        **fields,
    )
    if not may_host(by, activity.host_organization, activity.station):
        raise PermissionDenied
    activity.street_id = _street_of(activity)
    activity.full_clean()
    activity.save()
    freshness.bump(freshness.COMPLIANCE)  # the 三会一课 board counts meetings
    return activity


def _shift_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the 29th-31st fall back to the month's last day."""
    import calendar

    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


REPEAT_CHOICES = ("weekly", "monthly")
MAX_REPEATS = 24


@transaction.atomic
def activity_create_series(
    *, by, repeat: str, count: int, publish: bool = False, **fields
) -> list[Activity]:
    """Create `count` activities, one a week or one a month from the first one's start (the
    monthly 支部委员会 for a year: repeat="monthly", count=12), sharing a `series` id. All or
    nothing: one invalid occurrence creates none."""
    if repeat not in REPEAT_CHOICES or not 1 <= count <= MAX_REPEATS:
        raise ValidationError(_("重复方式或次数无效（最多 %(n)s 次）。") % {"n": MAX_REPEATS})
    series = uuid.uuid4() if count > 1 else None
    start, end = fields.pop("start"), fields.pop("end")
    duration = end - start
    activities = []
    for index in range(count):
        if repeat == "weekly":
            occurrence = start + timedelta(weeks=index)
        else:
            occurrence = _shift_months(start, index)
        activity = activity_create(
            by=by, publish=publish, start=occurrence, end=occurrence + duration, **fields
        )
        if series:
            activity.series = series
            activity.save(update_fields=["series"])
        activities.append(activity)
    return activities


def _check_manages(activity: Activity, by) -> None:
    if not Activity.objects.visible_to(by).filter(pk=activity.pk).exists():
        raise PermissionDenied


@transaction.atomic
def activity_update(*, activity: Activity, by, **fields) -> Activity:
    """Change an activity's details. When a published activity moves (start, end or venue
    change), everyone signed up or waitlisted is notified after commit."""
    _check_manages(activity, by)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status in (ActivityStatus.CANCELLED, ActivityStatus.FINISHED):
        raise ValidationError(_("已取消或已结束的活动不能再修改。"))
    before = (activity.start, activity.end, activity.station_id, activity.address,
              activity.online_url)  # fmt: skip
    capacity_before = activity.capacity
    for name, value in fields.items():
        if name not in ACTIVITY_FIELDS:
            raise ValueError(f"activity_update cannot set {name}")
        setattr(activity, name, value)
    if not may_host(by, activity.host_organization, activity.station):
        raise PermissionDenied
    activity.street_id = _street_of(activity)
    activity.full_clean()
    activity.save()
    freshness.bump(freshness.COMPLIANCE)  # the 三会一课 board counts meetings
    after = (activity.start, activity.end, activity.station_id, activity.address,
             activity.online_url)  # fmt: skip
    if activity.status == ActivityStatus.PUBLISHED and activity.capacity != capacity_before:
        _promote_waitlist(activity)  # more places: the waitlist moves up
    if activity.status == ActivityStatus.PUBLISHED and before != after:
        start = timezone.localtime(activity.start).strftime("%Y-%m-%d %H:%M")
        _notify_signed_up(
            activity,
            title=gettext_noop("活动时间或地点有变：%(title)s"),
            body=gettext_noop("新的时间：%(start)s；地点：%(venue)s"),
            params={"title": activity.title, "start": start, "venue": activity.venue_display},
        )
    return activity


@transaction.atomic
def activity_publish(*, activity: Activity, by) -> Activity:
    _check_manages(activity, by)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.DRAFT:
        raise ValidationError(_("只有草稿可以发布。"))
    activity.status = ActivityStatus.PUBLISHED
    activity.save(update_fields=["status", "updated_at"])
    freshness.bump(freshness.COMPLIANCE)  # the 三会一课 board counts meetings
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, by, reason: str = "") -> Activity:
    """Cancel a draft or published activity; everyone signed up or waitlisted is notified."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    _check_manages(activity, by)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status not in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED):
        raise ValidationError(_("该活动已取消或已结束。"))
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status", "updated_at"])
    freshness.bump(freshness.COMPLIANCE)  # the 三会一课 board counts meetings
    _notify_signed_up(
        activity,
        title=gettext_noop("活动已取消：%(title)s"),
        body=reason,
        params={"title": activity.title},
    )
    return activity


# --- Sign-ups -----------------------------------------------------------------------------------


def _require_member(user) -> Member:
    member = member_of(user)
    if member is None:
        raise ValidationError(_("您的账户尚未关联人员信息，请联系所在组织。"), code="no_member")
    return member


def _require_audience(activity: Activity, user) -> None:
    if not Activity.objects.for_audience(user).filter(pk=activity.pk).exists():
        raise ValidationError(_("该活动不面向您开放报名。"), code="audience")


@transaction.atomic
def signup_create(*, activity: Activity, by) -> Signup:
    """Sign `by`'s member record up. The activity row is locked (SELECT ... FOR UPDATE) while
    the places are counted, so two people taking the last place at once cannot both get it:
    the later one is waitlisted. Raises ValidationError when sign-up is closed."""
    member = _require_member(by)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.PUBLISHED or activity.start <= timezone.now():
        raise ValidationError(_("该活动已不接受报名。"), code="closed")
    _require_audience(activity, by)
    signup = Signup.objects.filter(activity=activity, member=member).first()
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        raise ValidationError(_("您已报名该活动。"), code="duplicate")
    taken = Signup.objects.filter(activity=activity, status=SignupStatus.CONFIRMED).count()
    full = activity.capacity is not None and taken >= activity.capacity
    status = SignupStatus.WAITLISTED if full else SignupStatus.CONFIRMED
    if signup is None:
        signup = Signup(activity=activity, member=member)
    signup.status = status
    signup.queued_at = timezone.now()
    signup.full_clean()
    signup.save()
    return signup


@transaction.atomic
def signup_cancel(*, activity: Activity, by) -> Signup:
    """Cancel `by`'s sign-up. A freed place goes to the first on the waitlist, who is told."""
    member = _require_member(by)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    signup = Signup.objects.filter(
        activity=activity,
        member=member,
        status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED],
    ).first()
    if signup is None:
        raise ValidationError(_("您没有报名该活动。"), code="not_signed_up")
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    signup.save(update_fields=["status", "updated_at"])
    if was_confirmed and activity.status == ActivityStatus.PUBLISHED:
        _promote_waitlist(activity)
    return signup


def _promote_waitlist(activity: Activity) -> None:
    """Fill free places from the waitlist, first come first served. Caller holds the lock."""
    taken = Signup.objects.filter(activity=activity, status=SignupStatus.CONFIRMED).count()
    free = None if activity.capacity is None else activity.capacity - taken
    waiting = Signup.objects.filter(
        activity=activity, status=SignupStatus.WAITLISTED
    ).select_related("member")
    if free is not None:
        waiting = waiting[: max(free, 0)]
    promoted = list(waiting)
    for signup in promoted:
        signup.status = SignupStatus.CONFIRMED
        signup.save(update_fields=["status", "updated_at"])
    users = [s.member.user_id for s in promoted if s.member.user_id]
    notification_send(
        user_ids=users,
        activity=activity,
        title=gettext_noop("候补成功：%(title)s"),
        body=gettext_noop("有名额空出，您已从候补转为正式报名。"),
        params={"title": activity.title},
    )


# --- Attendance ---------------------------------------------------------------------------------


def _award_passport_stamp(attendance: Attendance) -> None:
    """The one place attendance awards 先锋护照 stamps and points (issue 6): once per attendance
    (the database decides). Attendance at a volunteer activity also counts its hours."""
    activity = attendance.activity
    award(
        member=attendance.member,
        source_kind=SourceKind.ACTIVITY,
        source_id=attendance.pk,
        label=activity.title,
        at=attendance.checked_in_at or timezone.now(),
    )
    if activity.kind == ActivityKind.VOLUNTEER:
        volunteer_hours_from_attendance(attendance=attendance)


@transaction.atomic
def checkin_record(*, activity: Activity, by, now: datetime | None = None) -> Attendance:
    """`by` checks in through the activity's QR page. Only from 30 minutes before the start
    to the end, only for a published activity open to them; otherwise ValidationError and
    nothing is written. Checking in twice keeps the first time."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    now = now or timezone.now()
    member = _require_member(by)
    opens, closes = activity.checkin_window()
    if activity.status != ActivityStatus.PUBLISHED:
        raise ValidationError(_("该活动未在进行中，无法签到。"), code="not_open")
    if now < opens:
        raise ValidationError(
            _("签到将于 %(time)s 开始（活动开始前 30 分钟）。")
            % {"time": timezone.localtime(opens).strftime("%m-%d %H:%M")},
            code="too_early",
        )
    if now > closes:
        raise ValidationError(_("活动已结束，签到已关闭。"), code="too_late")
    _require_audience(activity, by)
    # PIPL: no attendance is stored from a check-in without the member's consent in force.
    require_consent(by)
    attendance, created = Attendance.objects.get_or_create(
        activity=activity,
        member=member,
        defaults={
            "status": AttendanceStatus.PRESENT,
            "checked_in_at": now,
            "late": now > activity.start,
            "recorded_by": by,
        },
    )
    if not created and attendance.status != AttendanceStatus.PRESENT:
        attendance.status = AttendanceStatus.PRESENT
        attendance.checked_in_at = now
        attendance.late = now > activity.start
        attendance.save()
    _award_passport_stamp(attendance)
    return attendance


@transaction.atomic
def attendance_mark(*, activity: Activity, by, entries: list[dict]) -> list[Attendance]:
    """Staff record attendance for many at once. Each entry: `member` (a Member),
    `status` (AttendanceStatus), `late`, `left_early`. Members outside the activity's roster
    are refused as a whole (nothing written)."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    _check_manages(activity, by)
    if activity.status in (ActivityStatus.DRAFT, ActivityStatus.CANCELLED):
        raise ValidationError(_("草稿或已取消的活动不能登记出勤。"), code="not_held")
    from services.attendance import roster

    allowed = set(roster(activity).values_list("pk", flat=True))
    outside = [e["member"] for e in entries if e["member"].pk not in allowed]
    if outside:
        raise ValidationError(
            _("%(names)s 不在本次活动的名单中。") % {"names": "、".join(m.name for m in outside)}
        )
    existing = {a.member_id: a for a in Attendance.objects.filter(activity=activity)}
    saved = []
    for entry in entries:
        present = entry["status"] == AttendanceStatus.PRESENT
        attendance = existing.get(entry["member"].pk) or Attendance(
            activity=activity, member=entry["member"]
        )
        attendance.status = entry["status"]
        attendance.late = present and bool(entry.get("late"))
        attendance.left_early = present and bool(entry.get("left_early"))
        attendance.recorded_by = by
        attendance.full_clean(validate_unique=False)
        attendance.save()
        if present:
            _award_passport_stamp(attendance)
        saved.append(attendance)
    return saved


# --- Leave --------------------------------------------------------------------------------------


@transaction.atomic
def leave_request(*, activity: Activity, by, reason: str) -> LeaveRequest:
    """`by` asks for leave from a published activity before it starts. Asking again replaces
    a refused or pending request's reason."""
    member = _require_member(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写请假事由。")})
    if activity.status != ActivityStatus.PUBLISHED or activity.start <= timezone.now():
        raise ValidationError(_("活动已开始或未发布，无法请假。"), code="closed")
    _require_audience(activity, by)
    leave = LeaveRequest.objects.filter(activity=activity, member=member).first()
    if leave is not None and leave.status == LeaveStatus.APPROVED:
        raise ValidationError(_("您的请假已获批准。"), code="approved")
    leave = leave or LeaveRequest(activity=activity, member=member)
    leave.reason = reason
    leave.status = LeaveStatus.PENDING
    leave.decided_by, leave.decided_at = None, None
    leave.full_clean()
    leave.save()
    return leave


@transaction.atomic
def leave_decide(*, leave: LeaveRequest, approve: bool, by) -> LeaveRequest:
    """The organizer approves or refuses a leave request; the member is told after commit."""
    _check_manages(leave.activity, by)
    leave = (
        LeaveRequest.objects.select_for_update()
        .select_related("activity", "member")
        .get(pk=leave.pk)
    )
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    leave.decided_by, leave.decided_at = by, timezone.now()
    leave.save()
    if leave.member.user_id:
        title = (
            gettext_noop("请假已批准：%(title)s")
            if approve
            else gettext_noop("请假未获批准：%(title)s")
        )
        notification_send(
            user_ids=[leave.member.user_id],
            activity=leave.activity,
            title=title,
            params={"title": leave.activity.title},
        )
    return leave


# --- Notifications ------------------------------------------------------------------------------


def _notify_signed_up(
    activity: Activity, *, title: str, body: str = "", params: dict | None = None
) -> None:
    users = Signup.objects.filter(
        activity=activity,
        status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED],
        member__user__isnull=False,
    ).values_list("member__user_id", flat=True)
    notification_send(
        user_ids=list(users), activity=activity, title=title, body=body, params=params
    )


@transaction.atomic
def notification_send(
    *,
    user_ids: list[int],
    title: str,
    body: str = "",
    params: dict | None = None,
    activity: Activity | None = None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Put a notification in each user's inbox, and after commit hand the IDs to the delivery
    task (e-mail, SMS). `title` and `body` are source strings (msgids) filled from `params`
    when shown, so each reader sees them in their own language. With `dedupe_key`
    ("reminder:<activity>:<user>" is suffixed per user) a user who already has that
    notification gets no second one."""
    if not user_ids:
        return []
    url = reverse("services:activity-detail", args=[activity.pk]) if activity else ""
    created = []
    for user_id in dict.fromkeys(user_ids):
        key = f"{dedupe_key}:{user_id}" if dedupe_key else ""
        notification = Notification(
            user_id=user_id,
            title=title,
            body=body,
            params=params or {},
            url=url,
            activity=activity,
            dedupe_key=key,
        )
        if not key:
            notification.save()
            created.append(notification)
            continue
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue  # reminded already
        created.append(notification)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: deliver_notifications.enqueue(ids))
    return created


@transaction.atomic
def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread when no IDs). Returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def reminders_send(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Remind everyone signed up (and, for organization meetings, every expected member)
    of published activities starting within the next 24 hours. Each person is reminded of
    each activity once, however often this runs. Returns the number of new reminders."""
    now = now or timezone.now()
    from services.attendance import roster

    activities = Activity.objects.filter(
        status=ActivityStatus.PUBLISHED, start__gt=now, start__lte=now + timedelta(days=1)
    )
    total = 0
    with transaction.atomic():
        for activity in activities:
            users = list(
                roster(activity)
                .exclude(Q(user__isnull=True) | Q(leave_requests__activity=activity,
                                                  leave_requests__status=LeaveStatus.APPROVED))
                .values_list("user_id", flat=True)
            )  # fmt: skip
            start = timezone.localtime(activity.start).strftime("%m-%d %H:%M")
            total += len(
                notification_send(
                    user_ids=users,
                    activity=activity,
                    title=gettext_noop("活动提醒：%(title)s"),
                    body=gettext_noop("%(start)s 在 %(venue)s 举行。"),
                    params={
                        "title": activity.title,
                        "start": start,
                        "venue": activity.venue_display,
                    },
                    dedupe_key=f"reminder:{activity.pk}",
                )
            )
        if dry_run:
            transaction.set_rollback(True)
    return total


# --- Minutes ------------------------------------------------------------------------------------

MINUTES_FIELDS = ("chair", "recorder", "topic", "content", "resolutions")


def may_approve_minutes(user, activity: Activity) -> bool:
    """The branch secretary's act. When the host organization has a secretary account (an
    organizer assignment with the secretary role), only that person approves; otherwise
    people whose organization scope covers the host (district staff, street and enterprise
    organizers) stand in, never station staff. Two queries at most."""
    from branches.models import Organization, OrganizerAssignment, OrganizerRole

    secretaries = OrganizerAssignment.objects.filter(
        organization_id=activity.host_organization_id, role=OrganizerRole.SECRETARY
    ).values_list("user_id", flat=True)
    secretary_ids = set(secretaries)
    if secretary_ids:
        return user.pk in secretary_ids
    if user.has_perm("services.change_minutes"):
        return True
    return Organization.objects.visible_to(user).filter(pk=activity.host_organization_id).exists()


@transaction.atomic
def minutes_save(*, activity: Activity, by, **fields) -> Minutes:
    """Write or rewrite the minutes of a 三会一课 meeting that has started. Approved minutes are
    locked: ValidationError, add an amendment instead."""
    _check_manages(activity, by)
    if not activity.is_meeting:
        raise ValidationError(_("只有三会一课需要会议记录。"), code="not_meeting")
    if activity.status == ActivityStatus.CANCELLED or activity.start > timezone.now():
        raise ValidationError(_("会议尚未召开或已取消，不能填写记录。"), code="not_held")
    minutes = Minutes.objects.select_for_update().filter(activity=activity).first()
    if minutes is not None and minutes.is_locked:
        raise ValidationError(_("会议记录已审定锁定，如需更正请添加更正记录。"), code="locked")
    minutes = minutes or Minutes(activity=activity)
    for name, value in fields.items():
        if name not in MINUTES_FIELDS:
            raise ValueError(f"minutes_save cannot set {name}")
        setattr(minutes, name, value)
    minutes.written_by = by
    minutes.full_clean()
    minutes.save()
    freshness.bump(freshness.COMPLIANCE)  # the 三会一课 board counts meetings with minutes
    return minutes


@transaction.atomic
def minutes_approve(*, minutes: Minutes, by) -> Minutes:
    """Approve (审定) the minutes, which locks them. Marks a published meeting finished."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    activity = minutes.activity
    _check_manages(activity, by)
    if not may_approve_minutes(by, activity):
        raise PermissionDenied
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.is_locked:
        raise ValidationError(_("会议记录已审定。"), code="locked")
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_by, minutes.approved_at = by, timezone.now()
    minutes.save()
    freshness.bump(freshness.COMPLIANCE)  # the 三会一课 board counts approved minutes
    finished = Activity.objects.filter(pk=activity.pk, status=ActivityStatus.PUBLISHED).update(
        status=ActivityStatus.FINISHED, updated_at=timezone.now()
    )
    if finished:  # QuerySet.update sends no signal: recorded here (audit/changes.py)
        record_change(
            event=Event.UPDATE,
            obj=activity,
            changes={"status": [ActivityStatus.PUBLISHED, ActivityStatus.FINISHED]},
        )
    return minutes


@transaction.atomic
def minutes_amend(*, minutes: Minutes, by, text: str) -> MinutesAmendment:
    """Record a correction to approved minutes (drafts are simply edited)."""
    _check_manages(minutes.activity, by)
    minutes = Minutes.objects.get(pk=minutes.pk)
    if not minutes.is_locked:
        raise ValidationError(_("草稿可直接修改，无需更正记录。"), code="draft")
    amendment = MinutesAmendment(minutes=minutes, text=(text or "").strip(), made_by=by)
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def attachment_add(
    *, minutes: Minutes, by, file, kind: str, caption: str = ""
) -> MinutesAttachment:
    """Attach a file (sign-in sheet photo, photo, document) to draft minutes. At most
    ATTACHMENT_MAX_BYTES; images, PDF and Office files only."""
    _check_manages(minutes.activity, by)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.is_locked:
        raise ValidationError(_("会议记录已审定锁定，不能再添加附件。"), code="locked")
    if file is None:
        raise ValidationError({"file": _("请选择文件。")})
    try:
        # Checked by content, images re-encoded without metadata, an unguessable name.
        file = clean_attachment(
            file, extensions=ATTACHMENT_EXTENSIONS, max_bytes=ATTACHMENT_MAX_BYTES
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    attachment = MinutesAttachment(
        minutes=minutes, kind=kind, file=file, caption=caption[:100], uploaded_by=by
    )
    attachment.full_clean()
    attachment.save()
    return attachment
