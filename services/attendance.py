"""Who is expected at an activity and how attendance adds up: expected / present / excused /
absent, with names. Used by the attendance sheet, the minutes and the reminders."""

from dataclasses import dataclass, field

from django.db.models import Q, Subquery

from branches.models import Member, Organization, PoliticalStatus
from services.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Audience,
    LeaveStatus,
    SignupStatus,
)


def roster(activity: Activity):
    """Members expected at `activity`: for an organization's own activity, the party members
    of the host organization and the organizations under it; in every case whoever signed up
    (confirmed) or has an attendance record. One query when evaluated."""
    expected = Q(signups__activity=activity, signups__status=SignupStatus.CONFIRMED) | Q(
        attendances__activity=activity
    )
    if activity.audience == Audience.ORGANIZATION:
        # The host's path is read in the query: an Organization instance's path goes stale
        # when treebeard reorders siblings.
        host_path = Organization.objects.filter(pk=activity.host_organization_id).values("path")
        in_host = Organization.objects.filter(path__startswith=Subquery(host_path[:1])).values("pk")
        expected |= Q(
            organization__in=in_host,
            political_status__in=[PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL],
        )
    return Member.objects.filter(pk__in=Member.objects.filter(expected).values("pk")).order_by(
        "name", "pk"
    )


@dataclass
class Row:
    member: Member
    status: str  # present, excused, absent, unrecorded
    late: bool = False
    left_early: bool = False
    leave_reason: str = ""


@dataclass
class Summary:
    rows: list[Row] = field(default_factory=list)

    def _with(self, status):
        return [row for row in self.rows if row.status == status]

    @property
    def present(self):
        return self._with("present")

    @property
    def excused(self):
        return self._with("excused")

    @property
    def absent(self):
        return self._with("absent")

    @property
    def unrecorded(self):
        return self._with("unrecorded")


def summarize(activity: Activity, *, finished: bool | None = None) -> Summary:
    """Each expected member's standing: present (checked in or marked), excused (approved
    leave and not present), absent (marked absent, or not present once the activity is over),
    unrecorded (not yet known). Three queries."""
    from django.utils import timezone

    if finished is None:
        finished = activity.end <= timezone.now()
    members = list(roster(activity))
    attendance = {a.member_id: a for a in Attendance.objects.filter(activity=activity)}
    leave = dict(
        activity.leave_requests.filter(status=LeaveStatus.APPROVED).values_list(
            "member_id", "reason"
        )
    )
    rows = []
    for member in members:
        record = attendance.get(member.pk)
        if record is not None and record.status == AttendanceStatus.PRESENT:
            rows.append(Row(member, "present", record.late, record.left_early))
        elif member.pk in leave:
            rows.append(Row(member, "excused", leave_reason=leave[member.pk]))
        elif record is not None or finished:
            rows.append(Row(member, "absent"))
        else:
            rows.append(Row(member, "unrecorded"))
    return Summary(rows)
