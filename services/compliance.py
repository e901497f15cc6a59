"""The 三会一课 compliance board: for every branch in scope and every period of every active
rule, held (with the minutes) or not, with roll-ups by street and for the district.

Cost: the rules (1 query), the branches (1, plus the scope lookups of `visible_to`) and one
GROUP BY over the meetings of the range, whatever the number of branches or periods. The
cells are put together in Python from those rows."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from branches.models import Organization, OrganizationKind
from services.models import Activity, ActivityStatus, ComplianceRule, MinutesStatus, RulePeriod
from yangpu_portal import freshness


class CellStatus:
    HELD = "held"  # approved minutes, as many as the rule requires
    AWAITING = "awaiting"  # held, minutes not yet approved
    OVERDUE = "overdue"  # the period is over and the meeting was not held
    OPEN = "open"  # the current period, not held yet
    UPCOMING = "upcoming"  # a period still to come
    NOT_APPLICABLE = "na"  # the branch did not exist yet


STATUS_LABELS = {
    CellStatus.HELD: _("已召开"),
    CellStatus.AWAITING: _("待审定"),
    CellStatus.OVERDUE: _("逾期"),
    CellStatus.OPEN: _("进行中"),
    CellStatus.UPCOMING: _("未到期"),
    CellStatus.NOT_APPLICABLE: _("不适用"),
}


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # first day of the next period

    @property
    def label(self) -> str:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        if months == 3:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"


@dataclass
class Cell:
    rule: ComplianceRule
    period: Period
    status: str
    activity_id: int | None = None  # a meeting with approved (or draft) minutes

    @property
    def label(self):
        return STATUS_LABELS[self.status]


@dataclass
class BranchRow:
    branch: Organization
    cells: list[Cell] = field(default_factory=list)

    @property
    def overdue(self) -> list[Cell]:
        return [c for c in self.cells if c.status == CellStatus.OVERDUE]


@dataclass
class Tally:
    held: int = 0
    due: int = 0  # cells whose period has ended or is current and applies

    @property
    def overdue(self) -> int:
        return self.due - self.held

    @property
    def percent(self) -> int:
        return round(100 * self.held / self.due) if self.due else 100


@dataclass
class Board:
    rows: list[BranchRow]
    by_street: dict  # street name -> Tally
    district: Tally
    overdue: list[tuple[Organization, Cell]]


def _month_add(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def periods(rule: ComplianceRule, start: date, end: date) -> list[Period]:
    """The rule's periods that begin in [start, end): months, or calendar quarters."""
    step = 1 if rule.period == RulePeriod.MONTH else 3
    first = date(start.year, start.month, 1)
    if step == 3:
        first = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    result = []
    while first < end:
        following = _month_add(first, step)
        if first >= start or following > start:
            result.append(Period(first, following))
        first = following
    return result


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def compute(branches, start: date, end: date, *, today: date | None = None) -> Board:
    """The board for `branches` (a queryset of organizations) over [start, end)."""
    today = today or timezone.localdate()
    rules = list(ComplianceRule.objects.filter(is_active=True))
    branch_list = list(
        branches.filter(kind=OrganizationKind.BRANCH)
        .select_related("street")
        .order_by("street__sort_order", "path")
    )
    # One GROUP BY: per branch, kind and (local) month, the meetings with approved and draft
    # minutes. Year and month come back as integers: no per-row timezone conversion in Python.
    held = {}  # (branch, kind, year, month) -> (approved, drafts, an activity id)
    if rules and branch_list:
        rows = (
            Activity.objects.filter(
                host_organization__in=branches.filter(kind=OrganizationKind.BRANCH).values("pk"),
                kind__in=[rule.kind for rule in rules],
                start__gte=_aware(_month_add(start, -2)),
                start__lt=_aware(end),
                minutes__isnull=False,
            )
            .exclude(status=ActivityStatus.CANCELLED)
            .annotate(year=ExtractYear("start"), month=ExtractMonth("start"))
            .values("host_organization_id", "kind", "year", "month")
            .annotate(
                approved=Count("pk", filter=Q(minutes__status=MinutesStatus.APPROVED)),
                drafts=Count("pk", filter=Q(minutes__status=MinutesStatus.DRAFT)),
                first=Min("pk"),
            )
            .order_by()
        )
        for row in rows:
            key = (row["host_organization_id"], row["kind"], row["year"], row["month"])
            held[key] = (row["approved"], row["drafts"], row["first"])

    # Each period with the (year, month) keys it spans, worked out once for all branches.
    rule_periods = [
        (rule, [(period, _months(period)) for period in periods(rule, start, end)])
        for rule in rules
    ]
    result_rows, by_street, district, overdue = [], defaultdict(Tally), Tally(), []
    for branch in branch_list:
        row = BranchRow(branch)
        street = branch.street.name if branch.street else "—"
        for rule, rule_period_list in rule_periods:
            for period, months in rule_period_list:
                approved = drafts = 0
                activity_id = None
                for year, month in months:
                    counts = held.get((branch.pk, rule.kind, year, month))
                    if counts:
                        approved += counts[0]
                        drafts += counts[1]
                        activity_id = activity_id or counts[2]
                status = _status(branch, rule, period, approved, drafts, today)
                cell = Cell(rule, period, status, activity_id)
                row.cells.append(cell)
                if cell.status in (CellStatus.UPCOMING, CellStatus.NOT_APPLICABLE):
                    continue
                if cell.status == CellStatus.OPEN:
                    continue  # not yet due: counted neither way
                tally = by_street[street]
                tally.due += 1
                district.due += 1
                if cell.status == CellStatus.HELD:
                    tally.held += 1
                    district.held += 1
                elif cell.status == CellStatus.OVERDUE:
                    overdue.append((branch, cell))
        result_rows.append(row)
    overdue.sort(key=lambda item: (-item[1].period.start.toordinal(), item[0].path))
    return Board(result_rows, dict(by_street), district, overdue)


def _months(period: Period) -> list[tuple[int, int]]:
    months, month = [], period.start
    while month < period.end:
        months.append((month.year, month.month))
        month = _month_add(month, 1)
    return months


def _status(branch, rule, period, approved, drafts, today) -> str:
    if branch.founded_on and branch.founded_on >= period.end:
        return CellStatus.NOT_APPLICABLE
    if approved >= rule.required:
        return CellStatus.HELD
    if period.start > today:
        return CellStatus.UPCOMING
    if drafts and approved + drafts >= rule.required:
        return CellStatus.AWAITING
    if period.end <= today:
        return CellStatus.OVERDUE
    return CellStatus.OPEN


def branches_for(user):
    return Organization.objects.visible_to(user).filter(kind=OrganizationKind.BRANCH)


def board_html(request, branches, start: date, end: date, *, today: date) -> str:
    """The board's tables for `branches` over [start, end), rendered, and cached until a
    meeting, minutes or rule changes (`freshness.COMPLIANCE`, bumped by the actions) or the
    day ends. The key holds the exact branch ids in scope (one small query), so a new branch
    or a changed assignment never shows a stale scope. Cost on a hit: that query and two
    cache reads; on a miss, `compute` and the rendering (tens of ms for 300 branches)."""
    ids = list(branches.order_by("pk").values_list("pk", flat=True))
    scope = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]
    key = f"compliance:{get_language()}:{start}:{end}:{today}:{scope}"

    def build():
        board = compute(branches, start, end, today=today)
        headers = board.rows[0].cells if board.rows else []
        context = {"board": board, "headers": headers}
        return str(render_to_string("services/compliance_board.html#board", context, request))

    return mark_safe(freshness.cached((freshness.COMPLIANCE,), key, build))  # noqa: S308 (our own rendering)
