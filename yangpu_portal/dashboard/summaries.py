"""Rebuilding the dashboard's figures from the raw rows of every app.

Each metric is one GROUP BY over its raw table (check-ins, attendance, activities...), bucketed
by street, enterprise (where a row has one), month and a key; the loop that follows walks the
grouped rows, never the raw ones. The 三会一课 figures reuse `services.compliance.compute`.

Cost on the large benchmark data (500,000 check-in and attendance rows): a few seconds, once
per refresh, instead of on every page view. See docs/benchmarks.md."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from branches.models import (
    Member,
    MemberStatusChange,
    OccupationGroup,
    Organization,
    OrganizationKind,
)
from services import compliance
from services.models import (
    Activity,
    ActivityStatus,
    Attendance,
    LedgerKind,
    PointEntry,
    Stamp,
    VolunteerService,
)
from services.reports import ASSIGNED_STATES, OPEN_STATES, Report
from stations.models import CheckIn, Outlet, Station, VisitorCount
from yangpu_portal.models import DashboardFigure, Metric

# Months of history kept for the time series (the filters cannot reach further back).
HISTORY_MONTHS = 36
RIDER_GROUPS = (OccupationGroup.RIDER, OccupationGroup.COURIER)
HELD_ACTIVITY = (ActivityStatus.PUBLISHED, ActivityStatus.FINISHED)


def month_add(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _month(value) -> date | None:
    """TruncMonth gives a date (DateField) or an aware datetime (DateTimeField)."""
    if value is None:
        return None
    if hasattr(value, "date"):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def build(*, today: date | None = None) -> list[DashboardFigure]:
    """Every figure as of now, unsaved."""
    today = today or timezone.localdate()
    start = month_add(today.replace(day=1), -(HISTORY_MONTHS - 1))
    rows: list[DashboardFigure] = []

    def add(metric, value, *, street=None, enterprise=None, month=None, key="", key2=""):
        if value:
            rows.append(
                DashboardFigure(
                    metric=metric,
                    street_id=street,
                    enterprise_id=enterprise,
                    month=_month(month),
                    key="" if key is None else str(key)[:50],
                    key2="" if key2 is None else str(key2)[:100],
                    value=int(value),
                )
            )

    _organizations(add)
    _compliance(add, start, today)
    _people(add, start)
    _stations(add, start, today)
    _activities(add, start)
    _reports(add, start, today)
    _passport(add, start)
    return rows


def _organizations(add):
    for row in (
        Organization.objects.order_by()
        .values("street_id", "enterprise_id", "kind")
        .annotate(n=Count("pk"))
    ):
        add(
            Metric.ORG_KIND,
            row["n"],
            street=row["street_id"],
            enterprise=row["enterprise_id"],
            key=row["kind"],
        )
    for row in (
        Organization.objects.order_by()
        .filter(kind=OrganizationKind.BRANCH)
        .exclude(group_served="")
        .values("street_id", "enterprise_id", "group_served")
        .annotate(n=Count("pk"))
    ):
        add(
            Metric.BRANCH_GROUP,
            row["n"],
            street=row["street_id"],
            enterprise=row["enterprise_id"],
            key=row["group_served"],
        )


def _compliance(add, start, today):
    """Held and due meetings per street, enterprise and month of the period's start, and the
    branches that held their 三会一课 this quarter (有效覆盖): at least one meeting held (or
    awaiting approval) in the quarter and none overdue."""
    board = compliance.compute(
        Organization.objects.filter(kind=OrganizationKind.BRANCH),
        max(start, month_add(today.replace(day=1), -12)),
        month_add(quarter_start(today), 3),
        today=today,
    )
    this_quarter = quarter_start(today)
    held, due = defaultdict(int), defaultdict(int)
    effective = defaultdict(int)
    for row in board.rows:
        branch = row.branch
        held_now = overdue_now = False
        for cell in row.cells:
            status = cell.status
            if status in (compliance.CellStatus.UPCOMING, compliance.CellStatus.NOT_APPLICABLE):
                continue
            in_quarter = cell.period.start >= this_quarter
            if status in (compliance.CellStatus.HELD, compliance.CellStatus.AWAITING):
                held_now = held_now or in_quarter
            if status == compliance.CellStatus.OVERDUE:
                overdue_now = overdue_now or in_quarter
            if status == compliance.CellStatus.OPEN:
                continue  # not yet due, as on the compliance board
            key = (branch.street_id, branch.enterprise_id, cell.period.start)
            due[key] += 1
            if status == compliance.CellStatus.HELD:
                held[key] += 1
        if held_now and not overdue_now:
            effective[(branch.street_id, branch.enterprise_id)] += 1
    for (street, enterprise, month), n in due.items():
        add(Metric.COMPLIANCE_DUE, n, street=street, enterprise=enterprise, month=month)
    for (street, enterprise, month), n in held.items():
        add(Metric.COMPLIANCE_HELD, n, street=street, enterprise=enterprise, month=month)
    for (street, enterprise), n in effective.items():
        add(Metric.BRANCH_EFFECTIVE, n, street=street, enterprise=enterprise, month=this_quarter)


def _people(add, start):
    members = Member.objects.order_by()
    for row in members.values(
        "street_id", "employer_id", "occupation", "political_status"
    ).annotate(n=Count("pk")):
        add(
            Metric.MEMBER_STATUS,
            row["n"],
            street=row["street_id"],
            enterprise=row["employer_id"],
            key=row["occupation"],
            key2=row["political_status"],
        )
    for row in members.values("street_id", "employer_id").annotate(
        mobile=Count("pk", filter=Q(is_mobile=True)),
        reported=Count("pk", filter=~Q(reported_community="")),
        riders=Count("pk", filter=Q(occupation__in=RIDER_GROUPS)),
    ):
        where = {"street": row["street_id"], "enterprise": row["employer_id"]}
        add(Metric.MEMBER_MOBILE, row["mobile"], **where)
        add(Metric.MEMBER_REPORTED, row["reported"], **where)
        add(Metric.RIDERS_MEMBER, row["riders"], **where)
    for row in (
        MemberStatusChange.objects.order_by()
        .filter(changed_on__gte=start, is_correction=False)
        .values("member__street_id", "member__employer_id", "to_status")
        .annotate(month=TruncMonth("changed_on"), n=Count("pk"))
    ):
        add(
            Metric.STATUS_MOVE,
            row["n"],
            street=row["member__street_id"],
            enterprise=row["member__employer_id"],
            month=row["month"],
            key=row["to_status"],
        )


def _stations(add, start, today):
    active = Station.objects.active().order_by()
    for row in active.values("street_id", "host_organization__enterprise_id", "kind").annotate(
        n=Count("pk")
    ):
        add(
            Metric.STATIONS_OPEN,
            row["n"],
            street=row["street_id"],
            enterprise=row["host_organization__enterprise_id"],
            key=row["kind"],
        )
    for row in active.values("street_id").annotate(month=TruncMonth("created_at"), n=Count("pk")):
        add(Metric.STATIONS_CREATED, row["n"], street=row["street_id"], month=row["month"])
    for row in (
        Outlet.objects.order_by()
        .values("street_id", "enterprise_id")
        .annotate(riders=Sum("rider_count"))
    ):
        add(
            Metric.RIDERS_OUTLET,
            row["riders"],
            street=row["street_id"],
            enterprise=row["enterprise_id"],
        )
    checkins = CheckIn.objects.order_by().filter(local_date__gte=start)
    for row in checkins.values("station_id", "station__name", "station__street_id").annotate(
        month=TruncMonth("local_date"), n=Count("pk")
    ):
        add(
            Metric.CHECKINS,
            row["n"],
            street=row["station__street_id"],
            month=row["month"],
            key=row["station_id"],
            key2=row["station__name"],
        )
    for row in checkins.values("station__street_id").annotate(
        month=TruncMonth("local_date"), n=Count("member_id", distinct=True)
    ):
        add(Metric.MEMBERS_REACHED, row["n"], street=row["station__street_id"], month=row["month"])
    for row in (
        VisitorCount.objects.order_by()
        .filter(date__gte=start)
        .values("station_id", "station__name", "station__street_id")
        .annotate(month=TruncMonth("date"), n=Sum("count"))
    ):
        add(
            Metric.VISITORS,
            row["n"],
            street=row["station__street_id"],
            month=row["month"],
            key=row["station_id"],
            key2=row["station__name"],
        )
    quarter = quarter_start(today)
    busy = Activity.objects.filter(
        station__isnull=False,
        start__date__gte=quarter,
        start__date__lt=month_add(quarter, 3),
    ).exclude(status=ActivityStatus.CANCELLED)
    for row in active.exclude(pk__in=busy.values("station_id")).values("pk", "name", "street_id"):
        add(
            Metric.STATION_IDLE,
            1,
            street=row["street_id"],
            month=quarter,
            key=row["pk"],
            key2=row["name"],
        )


def _activities(add, start):
    now = timezone.now()
    held = Activity.objects.order_by().filter(
        status__in=HELD_ACTIVITY, start__date__gte=start, start__lte=now
    )
    for row in held.values(
        "street_id", "host_organization__enterprise_id", "kind", "program"
    ).annotate(month=TruncMonth("start"), n=Count("pk")):
        add(
            Metric.ACTIVITIES,
            row["n"],
            street=row["street_id"],
            enterprise=row["host_organization__enterprise_id"],
            month=row["month"],
            key=row["kind"],
            key2=row["program"],
        )
    for row in (
        Attendance.objects.order_by()
        .filter(activity__in=held.values("pk"))
        .values("activity__street_id", "activity__host_organization__enterprise_id", "status")
        .annotate(month=TruncMonth("activity__start"), n=Count("pk"))
    ):
        add(
            Metric.ATTENDANCE,
            row["n"],
            street=row["activity__street_id"],
            enterprise=row["activity__host_organization__enterprise_id"],
            month=row["month"],
            key=row["status"],
        )


def _reports(add, start, today):
    for row in (
        Report.objects.order_by()
        .filter(submitted_at__date__gte=start)
        .values("street_id", "category_id", "category__name")
        .annotate(month=TruncMonth("submitted_at"), n=Count("pk"))
    ):
        add(
            Metric.REPORTS,
            row["n"],
            street=row["street_id"],
            month=row["month"],
            key=row["category_id"],
            key2=row["category__name"],
        )
    # Days to resolve, as a histogram per street and month of resolution (the median of a
    # histogram is exact; medians themselves cannot be summed across streets). Grouped by the
    # two local dates, so the database returns at most one row per pair of days.
    days = defaultdict(int)
    for row in (
        Report.objects.order_by()
        .filter(resolved_at__isnull=False, resolved_at__date__gte=start)
        .values("street_id")
        .annotate(
            resolved=TruncDate("resolved_at"), submitted=TruncDate("submitted_at"), n=Count("pk")
        )
    ):
        elapsed = max((row["resolved"] - row["submitted"]).days, 0)
        days[(row["street_id"], row["resolved"].replace(day=1), elapsed)] += row["n"]
    for (street, month, elapsed), n in days.items():
        add(Metric.REPORT_RESOLVE_DAYS, n, street=street, month=month, key=elapsed)
    for row in (
        Report.objects.order_by()
        .filter(state__in=OPEN_STATES, due_date__lt=today)
        .filter(state__in=ASSIGNED_STATES)
        .values("street_id")
        .annotate(n=Count("pk"))
    ):
        add(Metric.REPORTS_OVERDUE, row["n"], street=row["street_id"])


def _passport(add, start):
    """Vanguard passport (issue 6): members with a points award per month (active), stamps
    awarded, and approved volunteer hours (stored in tenths of an hour: the figures are
    integers), by the member's street."""
    for row in (
        PointEntry.objects.order_by()
        .filter(kind=LedgerKind.AWARD, local_date__gte=start)
        .values("member__street_id")
        .annotate(month=TruncMonth("local_date"), n=Count("member_id", distinct=True))
    ):
        add(Metric.PASSPORT_ACTIVE, row["n"], street=row["member__street_id"], month=row["month"])
    for row in (
        Stamp.objects.order_by()
        .filter(awarded_at__date__gte=start)
        .values("member__street_id")
        .annotate(month=TruncMonth("awarded_at"), n=Count("pk"))
    ):
        add(Metric.PASSPORT_STAMPS, row["n"], street=row["member__street_id"], month=row["month"])
    for row in (
        VolunteerService.objects.approved()
        .order_by()
        .filter(served_on__gte=start)
        .values("member__street_id")
        .annotate(month=TruncMonth("served_on"), hours=Sum("hours"))
    ):
        add(
            Metric.PASSPORT_HOURS,
            round(row["hours"] * 10),
            street=row["member__street_id"],
            month=row["month"],
            key="tenths",
        )
