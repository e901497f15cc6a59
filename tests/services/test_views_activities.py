"""Every activity page tried by each persona; content and state, not only status codes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Member
from services import actions
from services.models import Activity, ActivityStatus, Attendance, LeaveRequest, Notification, Signup
from tests.conftest import PERSONAS
from tests.services.conftest import make_activity

pytestmark = pytest.mark.django_db


def month_of(activity):
    return timezone.localtime(activity.start).strftime("%Y-%m")


# --- Calendar -----------------------------------------------------------------------------------

CALENDAR_SEES_MEETING = {
    "anonymous": False,
    "member": True,
    "station_staff": True,  # held at their station
    "street_organizer": True,
    "enterprise_organizer": True,
    "outsider": False,
    "district_admin": True,
    "auditor": False,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_calendar_shows_what_each_persona_may_see(
    persona, as_persona, client, meeting, public_activity
):
    as_persona(persona)
    for view in ("month", "list"):
        html = client.get(
            reverse("services:activity-list"), {"month": month_of(meeting), "view": view}
        ).content.decode()
        assert f'data-activity="{public_activity.pk}"' in html
        assert (f'data-activity="{meeting.pk}"' in html) is CALENDAR_SEES_MEETING[persona]


def test_calendar_filters(client, public_activity, meeting, district_admin, street_b):
    client.force_login(district_admin)
    url = reverse("services:activity-list")
    month = month_of(meeting)
    html = client.get(url, {"month": month, "kind": "health_check"}).content.decode()
    assert f'data-activity="{public_activity.pk}"' in html
    assert f'data-activity="{meeting.pk}"' not in html
    html = client.get(url, {"month": month, "program": "ideology"}).content.decode()
    assert f'data-activity="{public_activity.pk}"' not in html
    html = client.get(url, {"month": month, "street": street_b.pk}).content.decode()
    assert "data-activity=" not in html
    html = client.get(url, {"month": "garbage", "street": "x"})
    assert html.status_code == 200


def test_calendar_query_count_does_not_grow(
    client, member, enterprise_organizer, rider_branch, station_a, django_assert_num_queries
):
    start = timezone.now().replace(day=10, hour=10) + timedelta(days=40)
    make_activity(by=enterprise_organizer, host=rider_branch, station=station_a, start=start)
    client.force_login(member)
    params = {"month": start.strftime("%Y-%m")}
    url = reverse("services:activity-list")
    # session, user, member, 2 permission sets, 2 scope lookups, activities (the first
    # three of each day), each day's count, roles+bell, street and station choices.
    with django_assert_num_queries(12) as small:
        client.get(url, params)
    for day in range(1, 15):
        make_activity(
            by=enterprise_organizer,
            host=rider_branch,
            station=station_a,
            start=start + timedelta(days=day % 15),
        )
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(url, params).content.decode()
    assert html.count("data-activity=") == 15


# --- Detail -------------------------------------------------------------------------------------

DETAIL_STATUS = {
    "anonymous": 404,
    "member": 200,
    "station_staff": 200,
    "street_organizer": 200,
    "enterprise_organizer": 200,
    "outsider": 404,
    "district_admin": 200,
    "auditor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_by_persona(persona, as_persona, client, meeting):
    as_persona(persona)
    response = client.get(reverse("services:activity-detail", args=[meeting.pk]))
    assert response.status_code == DETAIL_STATUS[persona]
    if response.status_code == 200:
        html = response.content.decode()
        assert "支部委员会" in html
        assert ("出勤登记" in html) is (persona != "member")


EDIT_STATUS = {
    "anonymous": 302,
    "member": 403,
    "station_staff": 200,
    "street_organizer": 200,
    "enterprise_organizer": 200,
    "outsider": 404,
    "district_admin": 200,
    "auditor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_by_persona(persona, as_persona, client, meeting):
    as_persona(persona)
    url = reverse("services:activity-edit", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == EDIT_STATUS[persona]
    if persona == "anonymous":
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_cancel_by_persona(persona, as_persona, client, meeting):
    as_persona(persona)
    url = reverse("services:activity-cancel", args=[meeting.pk])
    assert client.get(url).status_code in (302, 405) if persona == "anonymous" else 405
    response = client.post(url, {"reason": "台风"})
    expected = EDIT_STATUS[persona]
    meeting.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert meeting.status == ActivityStatus.CANCELLED
    else:
        assert response.status_code == expected
        assert meeting.status == ActivityStatus.PUBLISHED


def test_organizer_creates_a_monthly_series(client, enterprise_organizer, rider_branch, station_a):
    client.force_login(enterprise_organizer)
    form_url = reverse("services:activity-create")
    assert "新建活动" in client.get(form_url).content.decode()
    start = timezone.localtime() + timedelta(days=2)
    response = client.post(
        form_url,
        {
            "title": "支部委员会",
            "kind": "branch_committee",
            "program": "ideology",
            "host_organization": rider_branch.pk,
            "station": station_a.pk,
            "start": start.strftime("%Y-%m-%dT19:00"),
            "end": start.strftime("%Y-%m-%dT20:30"),
            "audience": "organization",
            "repeat": "monthly",
            "repeat_count": "12",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    assert Activity.objects.filter(host_organization=rider_branch).count() == 12
    assert set(Activity.objects.values_list("status", flat=True)) == {"published"}


def test_bad_create_input_shows_errors_and_writes_nothing(
    client, enterprise_organizer, rider_branch, station_a
):
    client.force_login(enterprise_organizer)
    response = client.post(
        reverse("services:activity-create"),
        {
            "title": "x",
            "kind": "branch_committee",
            "program": "ideology",
            "host_organization": rider_branch.pk,
            "station": station_a.pk,
            "address": "另一个地址",
            "start": "2027-01-01T19:00",
            "end": "2027-01-01T18:00",
            "audience": "organization",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "结束时间必须晚于开始时间" in html
    assert not Activity.objects.exists()


def test_member_cannot_open_create(client, member):
    client.force_login(member)
    assert client.get(reverse("services:activity-create")).status_code == 403


def test_outsider_cannot_host_for_someone_else(client, outsider, rider_branch, station_a):
    client.force_login(outsider)
    response = client.post(
        reverse("services:activity-create"),
        {"title": "x", "kind": "care", "program": "assistance",
         "host_organization": rider_branch.pk,
         "station": station_a.pk, "start": "2027-01-01T10:00", "end": "2027-01-01T11:00",
         "audience": "public"},
    )  # fmt: skip
    assert response.status_code == 200  # the host is not among their choices
    assert not Activity.objects.exists()


# --- Sign-up, leave, check-in -------------------------------------------------------------------


def test_member_signs_up_and_cancels(client, member, public_activity):
    client.force_login(member)
    url = reverse("services:activity-detail", args=[public_activity.pk])
    assert (
        client.get(reverse("services:signup-create", args=[public_activity.pk])).status_code == 405
    )
    response = client.post(
        reverse("services:signup-create", args=[public_activity.pk]), follow=True
    )
    assert "报名成功" in response.content.decode()
    assert 'data-signup="confirmed"' in client.get(url).content.decode()
    client.post(reverse("services:signup-cancel", args=[public_activity.pk]))
    assert Signup.objects.get().status == "cancelled"


def test_anonymous_signup_goes_to_login(client, public_activity):
    response = client.post(reverse("services:signup-create", args=[public_activity.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not Signup.objects.exists()


def test_worker_outside_audience_gets_404_for_meeting_signup(client, worker, meeting):
    client.force_login(worker)
    assert client.post(reverse("services:signup-create", args=[meeting.pk])).status_code == 404


def test_full_activity_shows_the_waitlist_message(client, member, second_rider, public_activity):
    Activity.objects.filter(pk=public_activity.pk).update(capacity=1)
    actions.signup_create(activity=public_activity, by=second_rider)
    client.force_login(member)
    response = client.post(
        reverse("services:signup-create", args=[public_activity.pk]), follow=True
    )
    assert "候补名单" in response.content.decode()


def test_leave_request_and_decision(client, member, enterprise_organizer, meeting):
    client.force_login(member)
    response = client.post(
        reverse("services:leave-create", args=[meeting.pk]), {"reason": "跑单高峰"}, follow=True
    )
    assert "请假申请已提交" in response.content.decode()
    leave = LeaveRequest.objects.get()
    decide = reverse("services:leave-decide", args=[meeting.pk, leave.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403

    client.force_login(enterprise_organizer)
    html = client.get(reverse("services:activity-detail", args=[meeting.pk])).content.decode()
    assert f'data-leave-request="{leave.pk}"' in html
    client.post(decide, {"decision": "approve"})
    leave.refresh_from_db()
    assert leave.status == "approved"


def test_empty_leave_reason_is_a_message(client, member, meeting):
    client.force_login(member)
    response = client.post(
        reverse("services:leave-create", args=[meeting.pk]), {"reason": ""}, follow=True
    )
    assert "请填写请假事由" in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_checkin_page_get_never_writes_and_post_checks_in(
    client, member, enterprise_organizer, rider_branch
):
    activity = make_activity(
        by=enterprise_organizer, host=rider_branch, start=timezone.now() + timedelta(minutes=10)
    )
    url = reverse("services:checkin", args=[activity.code])
    assert url == f"/a/{activity.code}/"
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]

    client.force_login(member)
    html = client.get(url).content.decode()
    assert "确认签到" in html
    assert not Attendance.objects.exists()
    response = client.post(url, follow=True)
    assert "签到成功" in response.content.decode()
    assert Attendance.objects.get().member.user == member


def test_checkin_outside_the_window_writes_nothing(client, member, meeting):
    client.force_login(member)
    url = reverse("services:checkin", args=[meeting.code])
    assert "data-window-closed" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "签到将于" in response.content.decode()
    assert not Attendance.objects.exists()


def test_unknown_checkin_code_is_404(client, member):
    client.force_login(member)
    assert client.get("/a/00000000-0000-0000-0000-000000000000/").status_code == 404


ATTENDANCE_STATUS = EDIT_STATUS


@pytest.mark.parametrize("persona", PERSONAS)
def test_attendance_sheet_by_persona(persona, as_persona, client, meeting, member):
    as_persona(persona)
    response = client.get(reverse("services:attendance-sheet", args=[meeting.pk]))
    assert response.status_code == ATTENDANCE_STATUS[persona]
    if response.status_code == 200:
        assert "李强" in response.content.decode()


def test_attendance_sheet_marks_many(client, enterprise_organizer, member, second_rider, meeting):
    rider, rider2 = Member.objects.get(user=member), Member.objects.get(user=second_rider)
    client.force_login(enterprise_organizer)
    url = reverse("services:attendance-sheet", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert "李强" in html and "王芳" in html
    response = client.post(
        url,
        {
            f"status-{rider.pk}": "present",
            f"late-{rider.pk}": "on",
            f"status-{rider2.pk}": "absent",
        },
        follow=True,
    )
    assert "已保存 2 人的出勤记录" in response.content.decode()
    assert Attendance.objects.get(member=rider).late
    assert Attendance.objects.get(member=rider2).status == "absent"


# --- My activities and inbox --------------------------------------------------------------------


def test_my_activities(client, member, meeting, public_activity):
    actions.signup_create(activity=public_activity, by=member)
    client.force_login(member)
    html = client.get(reverse("services:my-activities")).content.decode()
    assert "骑手健康体检" in html and "支部委员会" in html


def test_my_activities_without_member_record(client, street_organizer):
    client.force_login(street_organizer)
    html = client.get(reverse("services:my-activities")).content.decode()
    assert "尚未关联人员信息" in html


def test_my_activities_needs_sign_in(client):
    assert client.get(reverse("services:my-activities")).status_code == 302


def test_bell_counts_unread_and_inbox_marks_read(client, member, meeting, enterprise_organizer):
    actions.signup_create(activity=meeting, by=member)
    actions.activity_cancel(activity=meeting, by=enterprise_organizer)
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "data-unread>1<" in html
    assert "活动已取消" in client.get(reverse("services:inbox")).content.decode()
    client.post(reverse("services:inbox-read"))
    assert not Notification.objects.unread().exists()
    assert "data-unread" not in client.get(reverse("home")).content.decode()


def test_inbox_is_private(client, member, second_rider, meeting, enterprise_organizer):
    actions.signup_create(activity=meeting, by=member)
    actions.activity_cancel(activity=meeting, by=enterprise_organizer)
    client.force_login(second_rider)
    assert "活动已取消" not in client.get(reverse("services:inbox")).content.decode()
    client.post(reverse("services:inbox-read"))
    assert Notification.objects.unread().count() == 1
    assert client.get(reverse("services:inbox-read")).status_code == 405


def test_station_staff_edit_a_meeting_held_at_their_station(client, station_staff, meeting, member):
    client.force_login(station_staff)
    url = reverse("services:activity-edit", args=[meeting.pk])
    start = timezone.localtime(meeting.start) + timedelta(hours=1)
    response = client.post(
        url,
        {
            "title": meeting.title,
            "kind": meeting.kind,
            "program": meeting.program,
            "host_organization": meeting.host_organization_id,
            "station": meeting.station_id,
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "audience": meeting.audience,
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.start).strftime("%H:%M") == start.strftime("%H:%M")


def test_managers_get_the_check_in_qr_code_members_do_not(
    client, enterprise_organizer, member, meeting
):
    url = reverse("services:activity-detail", args=[meeting.pk])
    client.force_login(enterprise_organizer)
    html = client.get(url).content.decode()
    assert "data-checkin-qr" in html
    assert f"http://testserver/a/{meeting.code}/" in html
    client.force_login(member)
    assert "data-checkin-qr" not in client.get(url).content.decode()
