"""The issue's "done when", tried through the pages as its people would."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.actions import organization_create
from branches.models import Member, OrganizationKind
from services.models import Activity, Attendance, LeaveRequest, Minutes

pytestmark = pytest.mark.django_db


def test_meeting_from_scheduling_to_the_compliance_board(
    client, enterprise_organizer, member, rider_branch, enterprise_committee, station_a
):
    other = organization_create(
        parent=enterprise_committee, name="职能部门党支部", kind=OrganizationKind.BRANCH
    )
    now = timezone.localtime()
    started = now - timedelta(minutes=10)

    # meituan schedules a 支部委员会 at a station (it has just begun) and another one later.
    client.force_login(enterprise_organizer)
    for start, title in ((started, "支部委员会"), (now + timedelta(days=7), "下次支部委员会")):
        response = client.post(
            reverse("services:activity-create"),
            {
                "title": title,
                "kind": "branch_committee",
                "program": "ideology",
                "host_organization": rider_branch.pk,
                "station": station_a.pk,
                "start": start.strftime("%Y-%m-%dT%H:%M"),
                "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                "audience": "organization",
                "publish": "on",
            },
        )
        assert response.status_code == 302
    meeting = Activity.objects.get(title="支部委员会")
    later = Activity.objects.get(title="下次支部委员会")

    # rider signs up for the later one, asks for leave from it, checks in to this one by QR.
    client.force_login(member)
    client.post(reverse("services:signup-create", args=[later.pk]))
    client.post(reverse("services:leave-create", args=[later.pk]), {"reason": "跑单高峰"})
    assert LeaveRequest.objects.get().activity == later
    qr = reverse("services:checkin", args=[meeting.code])
    assert "确认签到" in client.get(qr).content.decode()
    assert "签到成功" in client.post(qr, follow=True).content.decode()

    # The organizer marks attendance, writes, approves and prints the minutes.
    client.force_login(enterprise_organizer)
    rider = Member.objects.get(user=member)
    client.post(
        reverse("services:attendance-sheet", args=[meeting.pk]),
        {f"status-{rider.pk}": "present", f"left_early-{rider.pk}": "on"},
    )
    assert Attendance.objects.get(member=rider).left_early
    client.post(
        reverse("services:minutes", args=[meeting.pk]),
        {"chair": "李强", "recorder": "陈志强", "topic": "骑手关爱", "content": "讨论。"},
    )
    client.post(reverse("services:minutes-approve", args=[meeting.pk]))
    assert Minutes.objects.get().is_locked
    printed = client.get(reverse("services:minutes-print", args=[meeting.pk])).content.decode()
    assert 'data-count="present">1<' in printed and "李强（早退）" in printed

    # The board: this branch held it this month; the other branch has overdue periods.
    board = client.get(reverse("services:compliance-board")).content.decode()
    month = f"{now.year}-{now.month:02d}"
    assert f'data-cell="branch_committee:{month}:held"' in board
    assert reverse("services:minutes", args=[meeting.pk]) in board
    if now.month % 3 != 1:  # a month of this quarter has ended
        assert f'data-overdue="{other.pk}:branch_committee:' in board
