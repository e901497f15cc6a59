"""Activities, sign-ups, attendance, leave and notifications, through their actions."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from branches.models import Member
from services import actions
from services.attendance import summarize
from services.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    Audience,
    LeaveStatus,
    Notification,
    Signup,
    SignupStatus,
)
from tests.services.conftest import make_activity

pytestmark = pytest.mark.django_db


def notified(user) -> list[str]:
    from django.utils import translation

    with translation.override("zh-hans"):
        return [n.display_title for n in Notification.objects.filter(user=user)]


# --- Activities ---------------------------------------------------------------------------------


def test_organizer_cannot_host_outside_scope(outsider, rider_branch):
    with pytest.raises(PermissionDenied):
        make_activity(by=outsider, host=rider_branch)
    assert not Activity.objects.exists()


def test_station_staff_host_at_their_station(station_staff, rider_branch, station_a, station_b):
    activity = make_activity(by=station_staff, host=rider_branch, station=station_a)
    assert activity.street == station_a.street
    with pytest.raises(PermissionDenied):
        make_activity(by=station_staff, host=rider_branch, station=station_b)


def test_monthly_series_for_a_year(enterprise_organizer, rider_branch, station_a):
    start = timezone.make_aware(timezone.datetime(2027, 1, 31, 19, 0))
    created = actions.activity_create_series(
        by=enterprise_organizer,
        repeat="monthly",
        count=12,
        title="支部委员会",
        kind="branch_committee",
        program="ideology",
        host_organization=rider_branch,
        station=station_a,
        start=start,
        end=start + timedelta(hours=1),
        audience=Audience.ORGANIZATION,
    )
    assert len(created) == 12
    assert len({a.series for a in created}) == 1
    days = [timezone.localtime(a.start).date().isoformat() for a in created]
    assert days[:3] == ["2027-01-31", "2027-02-28", "2027-03-31"]
    assert all(timezone.localtime(a.start).hour == 19 for a in created)


def test_invalid_series_creates_nothing(enterprise_organizer, rider_branch):
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError):
        actions.activity_create_series(
            by=enterprise_organizer,
            repeat="monthly",
            count=3,
            title="",
            kind="branch_committee",
            program="ideology",
            host_organization=rider_branch,
            address="x",
            start=start,
            end=start + timedelta(hours=1),
            audience=Audience.ORGANIZATION,
        )
    assert not Activity.objects.exists()


def test_cancelling_notifies_the_signed_up(
    meeting, member, enterprise_organizer, django_capture_on_commit_callbacks
):
    actions.signup_create(activity=meeting, by=member)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.activity_cancel(activity=meeting, by=enterprise_organizer, reason="台风")
    meeting.refresh_from_db()
    assert meeting.status == ActivityStatus.CANCELLED
    assert notified(member) == ["活动已取消：支部委员会"]
    assert len(callbacks) == 1
    assert Notification.objects.get(user=member).delivered_at is not None


def test_moving_an_activity_notifies_but_a_new_title_does_not(
    meeting, member, enterprise_organizer
):
    actions.signup_create(activity=meeting, by=member)
    actions.activity_update(activity=meeting, by=enterprise_organizer, title="支部委员会（扩大）")
    assert notified(member) == []
    actions.activity_update(
        activity=meeting,
        by=enterprise_organizer,
        start=meeting.start + timedelta(days=1),
        end=meeting.end + timedelta(days=1),
    )
    assert notified(member) == ["活动时间或地点有变：支部委员会（扩大）"]


def test_member_cannot_edit(meeting, member):
    with pytest.raises(PermissionDenied):
        actions.activity_update(activity=meeting, by=member, title="x")


# --- Sign-ups -----------------------------------------------------------------------------------


def test_full_activity_waitlists_and_promotes_on_cancel(public_activity, member, second_rider):
    public_activity.capacity = 1
    public_activity.save()
    first = actions.signup_create(activity=public_activity, by=member)
    second = actions.signup_create(activity=public_activity, by=second_rider)
    assert (first.status, second.status) == (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)

    actions.signup_cancel(activity=public_activity, by=member)

    second.refresh_from_db()
    assert second.status == SignupStatus.CONFIRMED
    assert notified(second_rider) == ["候补成功：骑手健康体检"]


def test_signing_up_twice_is_refused(public_activity, member):
    actions.signup_create(activity=public_activity, by=member)
    with pytest.raises(ValidationError, match="已报名"):
        actions.signup_create(activity=public_activity, by=member)
    assert Signup.objects.count() == 1


def test_sign_up_again_after_cancelling(public_activity, member):
    actions.signup_create(activity=public_activity, by=member)
    actions.signup_cancel(activity=public_activity, by=member)
    again = actions.signup_create(activity=public_activity, by=member)
    assert again.status == SignupStatus.CONFIRMED
    assert Signup.objects.count() == 1


def test_outside_audience_cannot_sign_up(meeting, worker):
    with pytest.raises(ValidationError, match="不面向您"):
        actions.signup_create(activity=meeting, by=worker)
    assert not Signup.objects.exists()


def test_user_without_member_record_gets_a_clear_message(public_activity, street_organizer):
    with pytest.raises(ValidationError, match="尚未关联人员信息"):
        actions.signup_create(activity=public_activity, by=street_organizer)


# --- Check-in and attendance --------------------------------------------------------------------


def test_checkin_window(meeting, member):
    with pytest.raises(ValidationError, match="签到将于"):
        actions.checkin_record(
            activity=meeting, by=member, now=meeting.start - timedelta(minutes=31)
        )
    with pytest.raises(ValidationError, match="已结束"):
        actions.checkin_record(activity=meeting, by=member, now=meeting.end + timedelta(minutes=1))
    assert not Attendance.objects.exists()

    attendance = actions.checkin_record(
        activity=meeting, by=member, now=meeting.start - timedelta(minutes=30)
    )
    assert attendance.status == AttendanceStatus.PRESENT and not attendance.late
    again = actions.checkin_record(
        activity=meeting, by=member, now=meeting.start + timedelta(minutes=5)
    )
    assert again.checked_in_at == attendance.checked_in_at  # the first time is kept


def test_late_checkin_is_recorded_as_late(meeting, member):
    attendance = actions.checkin_record(
        activity=meeting, by=member, now=meeting.start + timedelta(minutes=10)
    )
    assert attendance.late


def test_checkin_awards_through_one_call_site(meeting, member):
    with mock.patch("services.actions._award_passport_stamp", autospec=True) as award:
        actions.checkin_record(activity=meeting, by=member, now=meeting.start)
    award.assert_called_once()


def test_staff_mark_many_at_once(meeting, member, second_rider, enterprise_organizer):
    rider, rider2 = Member.objects.get(user=member), Member.objects.get(user=second_rider)
    actions.attendance_mark(
        activity=meeting,
        by=enterprise_organizer,
        entries=[
            {"member": rider, "status": "present", "late": True, "left_early": True},
            {"member": rider2, "status": "absent", "late": True},
        ],
    )
    rows = {a.member_id: a for a in Attendance.objects.all()}
    assert (rows[rider.pk].late, rows[rider.pk].left_early) == (True, True)
    assert rows[rider2.pk].status == "absent" and not rows[rider2.pk].late


def test_marking_someone_outside_the_roster_writes_nothing(
    meeting, worker, member, enterprise_organizer
):
    entries = [
        {"member": Member.objects.get(user=member), "status": "present"},
        {"member": Member.objects.get(user=worker), "status": "present"},
    ]
    with pytest.raises(ValidationError, match="赵磊"):
        actions.attendance_mark(activity=meeting, by=enterprise_organizer, entries=entries)
    assert not Attendance.objects.exists()


# --- Leave --------------------------------------------------------------------------------------


def test_approved_leave_counts_as_excused(meeting, member, second_rider, enterprise_organizer):
    leave = actions.leave_request(activity=meeting, by=member, reason="跑单高峰")
    actions.leave_decide(leave=leave, approve=True, by=enterprise_organizer)
    assert notified(member) == ["请假已批准：支部委员会"]

    summary = summarize(meeting, finished=True)
    assert [row.member.name for row in summary.excused] == ["李强"]
    assert [row.member.name for row in summary.absent] == ["王芳"]
    assert summary.present == []


def test_refused_leave_is_absent(meeting, member, enterprise_organizer):
    leave = actions.leave_request(activity=meeting, by=member, reason="有事")
    actions.leave_decide(leave=leave, approve=False, by=enterprise_organizer)
    assert LeaveRequest_status(leave) == LeaveStatus.REFUSED
    assert notified(member) == ["请假未获批准：支部委员会"]
    assert [row.member.name for row in summarize(meeting, finished=True).absent] == ["李强"]


def LeaveRequest_status(leave):
    leave.refresh_from_db()
    return leave.status


def test_leave_needs_a_reason_and_a_future_meeting(meeting, member):
    with pytest.raises(ValidationError):
        actions.leave_request(activity=meeting, by=member, reason="  ")
    Activity.objects.filter(pk=meeting.pk).update(
        start=timezone.now() - timedelta(hours=1), end=timezone.now() + timedelta(hours=1)
    )
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="已开始"):
        actions.leave_request(activity=meeting, by=member, reason="有事")
    assert not meeting.leave_requests.exists()


def test_only_managers_decide_leave(meeting, member):
    leave = actions.leave_request(activity=meeting, by=member, reason="有事")
    with pytest.raises(PermissionDenied):
        actions.leave_decide(leave=leave, approve=True, by=member)


# --- Reminders ----------------------------------------------------------------------------------


def test_reminders_go_once_however_often_they_run(
    enterprise_organizer, rider_branch, member, second_rider
):
    soon = make_activity(
        by=enterprise_organizer, host=rider_branch, start=timezone.now() + timedelta(hours=20)
    )
    make_activity(
        by=enterprise_organizer, host=rider_branch, start=timezone.now() + timedelta(days=3)
    )
    leave = actions.leave_request(activity=soon, by=second_rider, reason="请假")
    actions.leave_decide(leave=leave, approve=True, by=enterprise_organizer)
    Notification.objects.all().delete()

    assert actions.reminders_send() == 1
    assert actions.reminders_send() == 0
    assert notified(member) == ["活动提醒：支部委员会"]
    assert notified(second_rider) == []  # on approved leave


def test_delivery_sends_sms_through_the_configured_sender(meeting, member, settings):
    Member.objects.filter(user=member).update(consent_to_contact=True)
    member.email = "rider@example.com"
    member.save()
    with mock.patch("services.senders.ConsoleSmsSender.send", autospec=True) as send:
        actions.notification_send(user_ids=[member.pk], title="测试", activity=meeting)
        from services.tasks import deliver_notifications

        ids = list(Notification.objects.values_list("pk", flat=True))
        assert deliver_notifications.call(ids) == 1
        assert deliver_notifications.call(ids) == 0  # delivered once only
    send.assert_called_once()
    assert send.call_args.kwargs["phone"] == Member.objects.get(user=member).phone
    from django.core import mail

    assert [m.to for m in mail.outbox] == [["rider@example.com"]]


def test_reminder_command_is_safe_to_run_twice(enterprise_organizer, rider_branch, member):
    import io

    from django.core.management import call_command

    make_activity(
        by=enterprise_organizer, host=rider_branch, start=timezone.now() + timedelta(hours=5)
    )
    out = io.StringIO()
    call_command("send_activity_reminders", "--dry-run", stdout=out)
    assert "1 new reminders (dry run" in out.getvalue()
    assert not Notification.objects.exists()
    call_command("send_activity_reminders", stdout=out)
    call_command("send_activity_reminders", stdout=out)
    assert "0 new reminders" in out.getvalue().splitlines()[-1]
    assert notified(member) == ["活动提醒：支部委员会"]


def test_more_places_promote_the_waitlist(public_activity, member, second_rider, station_staff):
    Activity.objects.filter(pk=public_activity.pk).update(capacity=1)
    public_activity.refresh_from_db()
    actions.signup_create(activity=public_activity, by=member)
    waiting = actions.signup_create(activity=public_activity, by=second_rider)
    actions.activity_update(activity=public_activity, by=station_staff, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == SignupStatus.CONFIRMED
    assert notified(second_rider) == ["候补成功：骑手健康体检"]


def test_no_attendance_for_a_cancelled_activity(meeting, member, enterprise_organizer):
    actions.activity_cancel(activity=meeting, by=enterprise_organizer)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.attendance_mark(
            activity=meeting,
            by=enterprise_organizer,
            entries=[{"member": Member.objects.get(user=member), "status": "present"}],
        )
    assert not Attendance.objects.exists()


def test_each_reader_sees_a_notification_in_their_own_language(
    member, meeting, enterprise_organizer
):
    """Stored as source text plus parameters, shown in the reader's language."""
    from django.utils import translation

    actions.signup_create(activity=meeting, by=member)
    actions.activity_cancel(activity=meeting, by=enterprise_organizer, reason="台风")
    notification = Notification.objects.get(user=member)
    with translation.override("en"):
        assert notification.display_title == f"Activity cancelled: {meeting.title}"
    with translation.override("zh-hans"):
        assert notification.display_title == f"活动已取消：{meeting.title}"
