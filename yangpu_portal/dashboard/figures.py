"""What the dashboard shows, read from the pre-aggregated `DashboardFigure` rows only.

`Dashboard(scope)` exposes one method per table (`TABLES` lists them in page order); each
returns a `Table` (title, headers, rows, an optional chart). The raw queries behind them are
cached properties shared by several tables: the whole page costs the fixed set of GROUP BY
queries below over the small figures table, whatever the size of the district's data."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from branches.models import OccupationGroup, OrganizationKind, PoliticalStatus
from services.models import ActivityKind, AttendanceStatus
from stations.models import Program
from yangpu_portal.dashboard import charts
from yangpu_portal.dashboard.summaries import month_add
from yangpu_portal.models import DashboardFigure, Metric

# Metrics whose rows carry an enterprise (the enterprise filter narrows them); the others
# (check-ins, visitors, reports...) have no enterprise and are shown unfiltered.
ENTERPRISE_METRICS = {
    Metric.ORG_KIND,
    Metric.BRANCH_GROUP,
    Metric.BRANCH_EFFECTIVE,
    Metric.COMPLIANCE_HELD,
    Metric.COMPLIANCE_DUE,
    Metric.MEMBER_STATUS,
    Metric.MEMBER_MOBILE,
    Metric.MEMBER_REPORTED,
    Metric.STATUS_MOVE,
    Metric.STATIONS_OPEN,
    Metric.RIDERS_OUTLET,
    Metric.RIDERS_MEMBER,
    Metric.ACTIVITIES,
    Metric.ATTENDANCE,
}
BUSIEST = 10
IDLE_SHOWN = 100


@dataclass(frozen=True)
class Scope:
    """Whose figures, over which months: `streets` None is the whole district; `start` and
    `end` are first days of months, both included."""

    streets: tuple[int, ...] | None
    enterprise: int | None
    start: date
    end: date
    today: date

    @property
    def months(self) -> list[date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = month_add(month, 1)
        return months


@dataclass
class Table:
    slug: str
    title: str
    headers: list
    rows: list[list]
    chart: object = None
    note: str = ""
    section: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class Section:
    slug: str
    title: str
    tables: list[Table] = field(default_factory=list)


def percent(part, whole) -> int | None:
    return round(100 * part / whole) if whole else None


def median_of_histogram(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many} (exact, no raw rows needed)."""
    total = sum(counts.values())
    if not total:
        return None
    ordered, seen, lower = sorted(counts.items()), 0, None
    for value, n in ordered:
        seen += n
        if lower is None and seen >= (total + 1) // 2:
            lower = value
        if seen >= total // 2 + 1:
            return (lower + value) / 2 if total % 2 == 0 else float(lower)
    return float(ordered[-1][0])


class Dashboard:
    def __init__(self, scope: Scope, streets, enterprises):
        self.scope = scope
        self.streets = streets
        self.street_names = {s.pk: s.name for s in streets}
        self.street_order = [
            s.pk for s in streets if scope.streets is None or s.pk in scope.streets
        ]
        self.enterprise_names = {e.pk: e.short_name or e.name for e in enterprises}

    # --- the queries ------------------------------------------------------------------------

    def _rows(self, metrics, *, ranged: bool, extra=None):
        where = Q(metric__in=metrics)
        if self.scope.enterprise is not None:
            with_enterprise = [m for m in metrics if m in ENTERPRISE_METRICS]
            without = [m for m in metrics if m not in ENTERPRISE_METRICS]
            where = Q(metric__in=with_enterprise, enterprise_id=self.scope.enterprise) | Q(
                metric__in=without
            )
        qs = DashboardFigure.objects.in_streets(self.scope.streets).filter(where)
        if ranged:
            qs = qs.filter(month__gte=self.scope.start, month__lte=self.scope.end)
        if extra is not None:
            qs = qs.filter(extra)
        return qs.order_by()

    @cached_property
    def snapshot(self):
        """Per metric, street and key: the state at the refresh (one query)."""
        metrics = [
            Metric.ORG_KIND,
            Metric.BRANCH_GROUP,
            Metric.BRANCH_EFFECTIVE,
            Metric.STATIONS_OPEN,
            Metric.RIDERS_OUTLET,
            Metric.RIDERS_MEMBER,
            Metric.REPORTS_OVERDUE,
            Metric.MEMBER_MOBILE,
            Metric.MEMBER_REPORTED,
        ]
        rows = self._rows(metrics, ranged=False).values(
            "metric", "street_id", "enterprise_id", "key"
        )
        return list(rows.annotate(n=Sum("value")))

    def _snap(self, metric, *, by="street_id", key=None):
        out = defaultdict(int)
        for row in self.snapshot:
            if row["metric"] == metric and (key is None or row["key"] == key):
                out[row[by] if by else None] += row["n"]
        return out

    @property
    def branches_by_enterprise(self):
        counts = self._snap(Metric.ORG_KIND, by="enterprise_id", key=OrganizationKind.BRANCH)
        return [
            {"enterprise_id": pk, "n": n}
            for pk, n in sorted(counts.items(), key=lambda item: (-item[1], item[0] or 0))
        ]

    @cached_property
    def people(self):
        this_year = date(self.scope.today.year, 1, 1)
        rows = self._rows(
            [Metric.MEMBER_STATUS, Metric.STATUS_MOVE],
            ranged=False,
            extra=Q(metric=Metric.MEMBER_STATUS) | Q(month__gte=this_year),
        )
        return list(rows.values("metric", "key", "key2").annotate(n=Sum("value")))

    @cached_property
    def station_series(self):
        rows = self._rows([Metric.CHECKINS, Metric.VISITORS, Metric.MEMBERS_REACHED], ranged=True)
        return list(rows.values("metric", "month").annotate(n=Sum("value")))

    @cached_property
    def busiest(self):
        rows = self._rows([Metric.CHECKINS, Metric.VISITORS], ranged=True)
        return list(
            rows.values("key", "key2").annotate(n=Sum("value")).order_by("-n", "key2")[:BUSIEST]
        )

    @cached_property
    def idle(self):
        rows = self._rows([Metric.STATION_IDLE], ranged=False)
        return list(
            rows.values("key", "key2", "street_id").order_by("street_id", "key2")[:IDLE_SHOWN]
        )

    @cached_property
    def activities(self):
        """Per month, kind and program (one query for both activity tables)."""
        rows = self._rows([Metric.ACTIVITIES], ranged=True)
        return list(rows.values("month", "key", "key2").annotate(n=Sum("value")))

    @cached_property
    def meetings(self):
        rows = self._rows(
            [Metric.COMPLIANCE_HELD, Metric.COMPLIANCE_DUE, Metric.ATTENDANCE], ranged=True
        )
        return list(rows.values("metric", "street_id", "key").annotate(n=Sum("value")))

    @cached_property
    def reports(self):
        """Reports per category and street, and the days-to-resolve histogram (one query)."""
        rows = self._rows([Metric.REPORTS, Metric.REPORT_RESOLVE_DAYS], ranged=True)
        return list(rows.values("metric", "key", "key2", "street_id").annotate(n=Sum("value")))

    # --- the tables -------------------------------------------------------------------------

    def _street(self, pk):
        return self.street_names.get(pk, _("未划分街道"))

    def org_kinds(self) -> Table:
        counts = self._snap(Metric.ORG_KIND, by="key")
        rows = [[label, counts.get(value, 0)] for value, label in OrganizationKind.choices]
        return Table(
            "org-kinds",
            _("党组织（按类型）"),
            [_("类型"), _("数量")],
            rows,
            charts.bar_chart(_("党组织（按类型）"), [(r[0], r[1]) for r in rows]),
        )

    def branches_per_enterprise(self) -> Table:
        rows = [
            [self.enterprise_names.get(r["enterprise_id"], _("非企业")), r["n"]]
            for r in self.branches_by_enterprise
        ]
        return Table(
            "branches-per-enterprise",
            _("各平台企业的党支部"),
            [_("平台企业"), _("党支部数")],
            rows,
            charts.bar_chart(_("各平台企业的党支部"), [(r[0], r[1]) for r in rows])
            if rows
            else None,
        )

    def group_coverage(self) -> Table:
        grid = defaultdict(int)
        for row in self.snapshot:
            if row["metric"] == Metric.BRANCH_GROUP:
                grid[(row["street_id"], row["key"])] += row["n"]
        groups = OccupationGroup.choices
        rows = [
            [self._street(s)] + [grid.get((s, value), 0) for value, _label in groups]
            for s in self.street_order
        ]
        return Table(
            "group-coverage",
            _("各街道按服务群体的党支部"),
            [_("街道")] + [label for _value, label in groups],
            rows,
            note=_("0 表示该街道还没有服务这一群体的党支部。"),
        )

    def coverage(self) -> Table:
        existing = self._snap(Metric.ORG_KIND, key=OrganizationKind.BRANCH)
        effective = self._snap(Metric.BRANCH_EFFECTIVE)
        rows = [
            [
                self._street(s),
                existing.get(s, 0),
                effective.get(s, 0),
                _pct(percent(effective.get(s, 0), existing.get(s, 0))),
            ]
            for s in self.street_order
        ]
        return Table(
            "coverage",
            _("有形覆盖与有效覆盖"),
            [_("街道"), _("党支部（有形覆盖）"), _("本季度开展三会一课（有效覆盖）"), _("有效率")],
            rows,
            charts.bar_chart(
                _("有形覆盖与有效覆盖"),
                [(r[0], (r[1], r[2])) for r in rows],
                series_names=[_("有形覆盖"), _("有效覆盖")],
            ),
            note=_("有效覆盖：本季度至少召开一次三会一课且没有逾期的党支部。"),
        )

    def members(self) -> Table:
        grid = defaultdict(int)
        for row in self.people:
            if row["metric"] == Metric.MEMBER_STATUS:
                grid[(row["key"], row["key2"])] += row["n"]
        statuses = PoliticalStatus.choices
        rows = [
            [label]
            + [grid.get((value, s), 0) for s, _l in statuses]
            + [sum(grid.get((value, s), 0) for s, _l in statuses)]
            for value, label in OccupationGroup.choices
        ]
        return Table(
            "members",
            _("人员（按从业类型和政治面貌）"),
            [_("从业类型")] + [label for _v, label in statuses] + [_("合计")],
            rows,
        )

    def pipeline(self) -> Table:
        at_stage, moved = defaultdict(int), defaultdict(int)
        for row in self.people:
            if row["metric"] == Metric.MEMBER_STATUS:
                at_stage[row["key2"]] += row["n"]
            else:
                moved[row["key"]] += row["n"]
        stages = [s for s in PoliticalStatus.choices if s[0] not in ("masses", "left")]
        rows = [[label, at_stage.get(value, 0), moved.get(value, 0)] for value, label in stages]
        return Table(
            "pipeline",
            _("发展党员各阶段"),
            [_("阶段"), _("现有人数"), _("今年进入该阶段")],
            rows,
            charts.bar_chart(
                _("发展党员各阶段"),
                [(r[0], (r[1], r[2])) for r in rows],
                series_names=[_("现有人数"), _("今年进入该阶段")],
            ),
        )

    def mobility(self) -> Table:
        mobile = sum(self._snap(Metric.MEMBER_MOBILE).values())
        reported = sum(self._snap(Metric.MEMBER_REPORTED).values())
        return Table(
            "mobility",
            _("流动党员与社区报到"),
            [_("指标"), _("人数")],
            [[_("流动党员"), mobile], [_("已到社区报到"), reported]],
        )

    def station_gap(self) -> Table:
        stations = self._snap(Metric.STATIONS_OPEN)
        outlet = self._snap(Metric.RIDERS_OUTLET)
        members = self._snap(Metric.RIDERS_MEMBER)
        rows = []
        for s in self.street_order:
            riders = max(outlet.get(s, 0), members.get(s, 0))
            open_ = stations.get(s, 0)
            ratio = round(riders / open_) if open_ else None
            rows.append(
                [
                    self._street(s),
                    open_,
                    outlet.get(s, 0),
                    members.get(s, 0),
                    riders,
                    ratio if ratio is not None else (riders and _("无站点")),
                ]
            )
        # Coverage gap: streets with riders and no station first, then the most riders per station.
        rows.sort(key=lambda r: (-(r[1] == 0 and r[4] > 0), -(r[4] / r[1] if r[1] else 0)))
        return Table(
            "station-gap",
            _("站点与骑手（覆盖缺口排名）"),
            [
                _("街道"),
                _("开放站点"),
                _("网点骑手"),
                _("在册骑手和快递员"),
                _("骑手（取大者）"),
                _("每个开放站点对应骑手"),
            ],
            rows,
            charts.bar_chart(
                _("每个开放站点对应骑手"),
                [(r[0], r[4] / r[1] if r[1] else r[4]) for r in rows],
            ),
            note=_("骑手人数取网点调查人数与在册骑手、快递员中较大的一个。"),
        )

    def station_trend(self) -> Table:
        series = defaultdict(int)
        for row in self.station_series:
            series[(row["metric"], row["month"])] += row["n"]
        months = self.scope.months
        rows = [
            [
                m.strftime("%Y-%m"),
                series.get((Metric.CHECKINS, m), 0),
                series.get((Metric.VISITORS, m), 0),
                series.get((Metric.MEMBERS_REACHED, m), 0),
            ]
            for m in months
        ]
        return Table(
            "station-trend",
            _("站点报到与来访人次"),
            [_("月份"), _("扫码报到"), _("来访登记"), _("报到人数")],
            rows,
            charts.line_chart(
                _("站点报到与来访人次"),
                [r[0] for r in rows],
                [(_("扫码报到"), [r[1] for r in rows]), (_("来访登记"), [r[2] for r in rows])],
            ),
        )

    def busiest_stations(self) -> Table:
        rows = [[r["key2"], r["n"]] for r in self.busiest]
        return Table(
            "busiest-stations",
            _("最繁忙的站点"),
            [_("站点"), _("报到和来访人次")],
            rows,
            charts.bar_chart(_("最繁忙的站点"), rows) if rows else None,
        )

    def idle_stations(self) -> Table:
        rows = [[r["key2"], self._street(r["street_id"])] for r in self.idle]
        return Table(
            "idle-stations",
            _("本季度没有活动的站点"),
            [_("站点"), _("街道")],
            rows,
            note=_("最多列出 %(n)s 个。") % {"n": IDLE_SHOWN},
        )

    def activity_trend(self) -> Table:
        grid = defaultdict(int)
        for row in self.activities:
            grid[(row["month"], row["key"])] += row["n"]
        kinds = [k for k in ActivityKind.choices if any(key == k[0] for _m, key in grid)]
        rows = [
            [m.strftime("%Y-%m")]
            + [grid.get((m, k), 0) for k, _l in kinds]
            + [sum(grid.get((m, k), 0) for k, _l in kinds)]
            for m in self.scope.months
        ]
        return Table(
            "activity-trend",
            _("活动场次（按类型和月份）"),
            [_("月份")] + [label for _k, label in kinds] + [_("合计")],
            rows,
            charts.line_chart(
                _("每月活动场次"), [r[0] for r in rows], [(_("合计"), [r[-1] for r in rows])]
            ),
        )

    def activity_programs(self) -> Table:
        labels = dict(Program.choices)
        programs = defaultdict(int)
        for row in self.activities:
            programs[row["key2"]] += row["n"]
        ordered = sorted(programs.items(), key=lambda item: (-item[1], item[0]))
        rows = [[labels.get(key, key), n] for key, n in ordered]
        return Table(
            "activity-programs",
            _("活动场次（按十大项目）"),
            [_("项目"), _("场次")],
            rows,
            charts.bar_chart(_("活动场次（按十大项目）"), rows) if rows else None,
        )

    def compliance_by_street(self) -> Table:
        held, due = defaultdict(int), defaultdict(int)
        present, total = defaultdict(int), defaultdict(int)
        for row in self.meetings:
            s, n = row["street_id"], row["n"]
            if row["metric"] == Metric.COMPLIANCE_HELD:
                held[s] += n
            elif row["metric"] == Metric.COMPLIANCE_DUE:
                due[s] += n
            else:
                total[s] += n
                if row["key"] == AttendanceStatus.PRESENT:
                    present[s] += n
        rows = [
            [
                self._street(s),
                due.get(s, 0),
                held.get(s, 0),
                _pct(percent(held.get(s, 0), due.get(s, 0))),
                _pct(percent(present.get(s, 0), total.get(s, 0))),
            ]
            for s in self.street_order
        ]
        rows.append(
            [
                _("合计"),
                sum(due.values()),
                sum(held.values()),
                _pct(percent(sum(held.values()), sum(due.values()))),
                _pct(percent(sum(present.values()), sum(total.values()))),
            ]
        )
        return Table(
            "compliance",
            _("三会一课落实率与出勤率"),
            [_("街道"), _("应开"), _("已开"), _("落实率"), _("出勤率")],
            rows,
            charts.bar_chart(
                _("三会一课落实率"),
                [(r[0], percent(r[2], r[1]) or 0) for r in rows[:-1]],
                unit="%",
            ),
        )

    def report_volume(self) -> Table:
        grid, categories = defaultdict(int), {}
        for row in self.reports:
            if row["metric"] != Metric.REPORTS:
                continue
            grid[(row["street_id"], row["key2"])] += row["n"]
            categories[row["key2"]] = categories.get(row["key2"], 0) + row["n"]
        names = sorted(categories, key=lambda c: (-categories[c], c))
        overdue = self._snap(Metric.REPORTS_OVERDUE)
        days = defaultdict(dict)
        for row in self.reports:
            if row["metric"] != Metric.REPORT_RESOLVE_DAYS:
                continue
            days[row["street_id"]][int(row["key"])] = (
                days[row["street_id"]].get(int(row["key"]), 0) + row["n"]
            )
        rows = []
        for s in self.street_order:
            median = median_of_histogram(days.get(s, {}))
            rows.append(
                [self._street(s)]
                + [grid.get((s, c), 0) for c in names]
                + [
                    sum(grid.get((s, c), 0) for c in names),
                    "—" if median is None else median,
                    overdue.get(s, 0),
                ]
            )
        everything = defaultdict(int)
        for per_street in days.values():
            for d, n in per_street.items():
                everything[d] += n
        median = median_of_histogram(everything)
        rows.append(
            [_("合计")]
            + [categories[c] for c in names]
            + [sum(categories.values()), "—" if median is None else median, sum(overdue.values())]
        )
        return Table(
            "reports",
            _("民情前哨：上报量、办结用时与超期"),
            [_("街道"), *names, _("合计"), _("办结用时中位数（天）"), _("当前超期")],
            rows,
            charts.bar_chart(_("各类别上报量"), [(c, categories[c]) for c in names])
            if names
            else None,
        )

    @cached_property
    def passport_rows(self):
        this_month = self.scope.today.replace(day=1)
        rows = self._rows(
            [Metric.PASSPORT_ACTIVE, Metric.PASSPORT_STAMPS, Metric.PASSPORT_HOURS],
            ranged=False,
            extra=Q(metric=Metric.PASSPORT_ACTIVE, month=this_month)
            | Q(
                metric__in=[Metric.PASSPORT_STAMPS, Metric.PASSPORT_HOURS],
                month__gte=self.scope.start,
                month__lte=self.scope.end,
            ),
        )
        return list(rows.values("metric", "street_id").annotate(n=Sum("value")))

    def passport(self) -> Table:
        grid = defaultdict(int)
        for row in self.passport_rows:
            grid[(row["metric"], row["street_id"])] += row["n"]
        rows = [
            [
                self._street(s),
                grid.get((Metric.PASSPORT_ACTIVE, s), 0),
                grid.get((Metric.PASSPORT_STAMPS, s), 0),
                grid.get((Metric.PASSPORT_HOURS, s), 0) / 10,
            ]
            for s in self.street_order
        ]
        return Table(
            "passport",
            _("先锋护照"),
            [_("街道"), _("本月活跃人数"), _("获得印章"), _("志愿服务时长（小时）")],
            rows,
            charts.bar_chart(_("各街道获得的护照印章"), [(r[0], r[2]) for r in rows]),
            note=_("活跃人数为本月获得积分的人数；印章和时长按所选时间范围统计。"),
        )


def _pct(value):
    return "—" if value is None else f"{value}%"


SECTIONS = [
    (
        "coverage",
        _("组织覆盖"),
        ["org_kinds", "branches_per_enterprise", "coverage", "group_coverage"],
    ),
    ("people", _("党员和群众"), ["members", "pipeline", "mobility"]),
    (
        "stations",
        _("服务站点"),
        ["station_gap", "station_trend", "busiest_stations", "idle_stations"],
    ),
    ("activities", _("活动"), ["activity_trend", "activity_programs", "compliance_by_street"]),
    ("reports", _("民情前哨"), ["report_volume"]),
    ("passport", _("先锋护照"), ["passport"]),
]
# Export slug (in URLs) -> the Dashboard method that builds the table.
TABLES = {name.replace("_", "-"): name for _s, _t, names in SECTIONS for name in names}


def table(dashboard: Dashboard, slug: str) -> Table:
    table = getattr(dashboard, TABLES[slug])()
    table.slug = slug
    return table


def sections(dashboard: Dashboard) -> list[Section]:
    return [
        Section(slug, title, [table(dashboard, name.replace("_", "-")) for name in names])
        for slug, title, names in SECTIONS
    ]
