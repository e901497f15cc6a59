"""`/dashboard/` (district admins: the district; a street organizer: their street, same page),
its CSV/XLSX downloads, the printable monthly report, and the district's "refresh now".

Every figure comes from the pre-aggregated `DashboardFigure` rows (see `figures`); GET never
writes, except the audit record of a download (as the audit trail's own export does)."""

import csv
import hashlib
from datetime import date

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import Event
from audit.record import record_event
from branches.models import Enterprise, OrganizerRole, Street
from branches.resources import escape_formula
from stations.maps import for_display
from stations.models import Outlet, Station
from yangpu_portal.dashboard import figures
from yangpu_portal.dashboard.refresh import refresh_dashboard_task
from yangpu_portal.dashboard.summaries import HISTORY_MONTHS, month_add, quarter_start
from yangpu_portal.models import DashboardFigure, DashboardRefresh, Metric
from yangpu_portal.navigation import roles_of
from yangpu_portal.pagecache import cached_page

MAX_MONTHS = 36
# The map's shading: riders per open station, in steps of 250; 4 = riders and no station.
GAP_STEP = 250
GAP_LEVELS = [
    (0, gettext_lazy("少于 250 人/站")),
    (1, gettext_lazy("250–499 人/站")),
    (2, gettext_lazy("500–749 人/站")),
    (3, gettext_lazy("750 人/站以上")),
    (4, gettext_lazy("有骑手、无站点")),
]
EXPORT_FORMATS = {"csv", "xlsx"}


def parse_month(value: str) -> date | None:
    """`YYYY-MM` -> the first day of that month, or None when malformed."""
    try:
        year, month = (int(part) for part in value.strip().split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else None
    except (ValueError, AttributeError):
        return None


class MonthField(forms.CharField):
    default_error_messages = {"invalid": gettext_lazy("请按“年-月”填写，例如 2026-03。")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class DashboardFilterForm(forms.Form):
    start = MonthField(label=gettext_lazy("起始月份"), required=False)
    end = MonthField(label=gettext_lazy("截止月份"), required=False)
    street = forms.ModelChoiceField(
        label=gettext_lazy("街道"),
        queryset=Street.objects.none(),
        required=False,
        empty_label=gettext_lazy("全区"),
    )
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("平台企业"),
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部企业"),
    )

    def __init__(self, data, *, streets, enterprises, district: bool):
        super().__init__(data)
        for name in ("start", "end"):
            self.fields[name].widget.input_type = "month"
        self.fields["street"].queryset = Street.objects.all()
        self.fields["street"].choices = [("", _("全区"))] + [(s.pk, s.name) for s in streets]
        self.fields["enterprise"].queryset = Enterprise.objects.all()
        self.fields["enterprise"].choices = [("", _("全部企业"))] + [
            (e.pk, e.short_name or e.name) for e in enterprises
        ]
        if not district:
            del self.fields["street"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("起始月份不能晚于截止月份。"))
            if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                raise forms.ValidationError(_("时间范围最长 %(n)s 个月。") % {"n": MAX_MONTHS})
        return data


def _allowed_streets(user):
    """None for district admins (the whole district); the streets a street organizer
    organizes; 403 for everyone else."""
    if roles_of(user).district_admin:
        return None
    streets = tuple(
        Street.objects.filter(
            organizer_assignments__user=user, organizer_assignments__role=OrganizerRole.STREET
        ).values_list("pk", flat=True)
    )
    if not streets:
        raise PermissionDenied
    return streets


def _build(request):
    """The form, the scope and the dashboard for this request (no figures queried yet)."""
    allowed = _allowed_streets(request.user)
    today = timezone.localdate()
    all_streets = list(Street.objects.all())
    streets = [s for s in all_streets if allowed is None or s.pk in allowed]
    enterprises = list(Enterprise.objects.order_by("name"))
    form = DashboardFilterForm(
        request.GET or None, streets=streets, enterprises=enterprises, district=allowed is None
    )
    end = today.replace(day=1)
    start = month_add(end, -11)
    scope_streets, enterprise = allowed, None
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        if start > end:
            start = end
        street = form.cleaned_data.get("street")
        if street is not None:
            scope_streets = (street.pk,)
        if form.cleaned_data["enterprise"] is not None:
            enterprise = form.cleaned_data["enterprise"].pk
    asked = request.GET.get("street", "")
    if allowed is not None and asked:
        # A street organizer asking for another street's figures: outside their scope.
        if asked not in {str(pk) for pk in allowed}:
            raise Http404
        scope_streets = (int(asked),)
    earliest = month_add(end.replace(day=1), -(HISTORY_MONTHS - 1))
    scope = figures.Scope(scope_streets, enterprise, max(start, earliest), end, today)
    return form, scope, figures.Dashboard(scope, streets, enterprises), allowed


def _presets(today: date) -> list[tuple[str, str]]:
    """Quick ranges: query strings for this month, this quarter, last quarter, 12 months."""
    month = today.replace(day=1)
    quarter = quarter_start(today)
    last_quarter = month_add(quarter, -3)

    def qs(a, b):
        return f"?start={a:%Y-%m}&end={b:%Y-%m}"

    return [
        (_("本月"), qs(month, month)),
        (_("本季度"), qs(quarter, month_add(quarter, 2))),
        (_("上季度"), qs(last_quarter, month_add(last_quarter, 2))),
        (_("近12个月"), qs(month_add(month, -11), month)),
    ]


def _map_data(request, dashboard, allowed) -> dict:
    """The coverage map's data island: open stations, outlets for street organizers, and a
    circle per street shaded by its coverage gap (riders per open station)."""
    tiles, to_display = for_display(settings.STATIONS_MAP_TILES, settings.STATIONS_TIANDITU_KEY)
    scope = dashboard.scope.streets
    stations = Station.objects.active()
    if scope is not None:
        stations = stations.filter(street__in=scope)

    def point(lat, lng):
        lat, lng = to_display(lat, lng)
        return [round(lat, 5), round(lng, 5)]

    data = {
        "tiles": tiles,
        "stations": [
            [*point(lat, lng), name]
            for lat, lng, name in stations.values_list("latitude", "longitude", "name")
        ],
        "outlets": [],
        "streets": [],
        "labels": {"station": _("站点"), "outlet": _("网点"), "gap": _("每站骑手")},
    }
    if allowed is not None:
        # `allowed` are streets the user organizes, whose outlets `Outlet.visible_to` grants
        # them; filtering by them directly spares its permission lookups.
        outlets = Outlet.objects.filter(street__in=allowed)
        data["outlets"] = [
            [*point(lat, lng), name, riders]
            for lat, lng, name, riders in outlets.values_list(
                "latitude", "longitude", "name", "rider_count"
            )
        ]
    gap = {row[0]: row for row in dashboard.station_gap().rows}
    for street in dashboard.streets:
        if street.latitude is None or street.longitude is None:
            continue
        if scope is not None and street.pk not in scope:
            continue
        row = gap.get(street.name)
        if row is None:
            continue
        ratio = row[4] / row[1] if row[1] else (None if not row[4] else float("inf"))
        level = (
            0 if ratio is None else 4 if ratio == float("inf") else min(int(ratio // GAP_STEP), 3)
        )
        data["streets"].append(
            {
                "name": street.name,
                "centre": point(street.latitude, street.longitude),
                "level": level,
                "text": force_str(row[5]),
            }
        )
    return data


# Rendered sections are kept this long at most; a refresh changes the key anyway.
SECTIONS_CACHE_SECONDS = 3600


def _filter_query(form, scope, allowed) -> str:
    """The filters the page applies, as a query string for the download links and the cache
    key: only accepted values, in one spelling (any other parameter is dropped, so arbitrary
    query strings neither reach the links nor make new cache entries)."""
    params = {}
    if form.is_bound and form.is_valid():
        for name in ("start", "end"):
            if form.cleaned_data[name]:
                params[name] = f"{form.cleaned_data[name]:%Y-%m}"
        if form.cleaned_data["enterprise"] is not None:
            params["enterprise"] = form.cleaned_data["enterprise"].pk
    if scope.streets is not None and len(scope.streets) == 1 and scope.streets != allowed:
        params["street"] = scope.streets[0]
    return urlencode(params)


def _sections_html(request, scope, board, allowed, refreshed, query) -> str:
    """The sections and the map, rendered once per refresh, scope, filters and language, then
    read from the shared cache: the figures change only at a refresh, whose time is part of the
    key (so a refresh invalidates every entry at once). A miss costs the figure queries and
    the rendering; a hit one cache read."""
    parts = [
        refreshed.refreshed_at.isoformat(),
        get_language(),
        repr(allowed),
        repr(scope),
        query,
    ]
    key = "dashboard:sections:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "dashboard/includes/sections.html",
            {
                "sections": figures.sections(board),
                "map_data": _map_data(request, board, allowed),
                "gap_levels": GAP_LEVELS,
                "district": allowed is None,
                "query": query,
            },
        )
        cache.set(key, html, SECTIONS_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (rendered above by our own template)


@login_required
@require_GET
@cached_page
def dashboard(request):
    """The dashboard: figures as of the last refresh, by section, with filters."""
    form, scope, board, allowed = _build(request)
    refreshed = DashboardRefresh.objects.filter(pk=1).first()
    context = {
        "form": form,
        "scope": scope,
        "refreshed": refreshed,
        "sections_html": (
            _sections_html(
                request, scope, board, allowed, refreshed, _filter_query(form, scope, allowed)
            )
            if refreshed
            else ""
        ),
        "presets": _presets(scope.today),
        "district": allowed is None,
    }
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_GET
def dashboard_export(request, slug, fmt):
    """One table (the numbers behind a chart) as CSV or XLSX, with the page's filters.
    Cells a spreadsheet would run as a formula are escaped; the download is recorded in the
    audit trail (if that record cannot be written, there is no download)."""
    if fmt not in EXPORT_FORMATS or slug not in figures.TABLES:
        raise Http404
    _form, scope, board, _allowed = _build(request)
    table = figures.table(board, slug)
    data = tablib.Dataset(headers=[force_str(h) for h in table.headers])
    for row in table.rows:
        data.append(
            [escape_formula(force_str(c)) if not isinstance(c, int | float) else c for c in row]
        )
    with transaction.atomic():
        record_event(
            event=Event.EXPORT,
            actor=request.user,
            detail={
                "what": f"dashboard:{slug}",
                "format": fmt,
                "streets": list(scope.streets) if scope.streets is not None else "all",
                "enterprise": scope.enterprise,
                "months": [f"{scope.start:%Y-%m}", f"{scope.end:%Y-%m}"],
                "rows": len(table.rows),
            },
        )
    name = f"{force_str(table.title)}-{scope.start:%Y%m}-{scope.end:%Y%m}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # Excel in China opens UTF-8 CSV correctly only with a BOM
        csv.writer(response).writerows([data.headers, *data])
    else:
        response = HttpResponse(
            data.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_POST
def dashboard_refresh_now(request):
    """District admins: rebuild the figures now (a background task; inline with the default
    immediate backend)."""
    if not roles_of(request.user).district_admin:
        raise PermissionDenied
    refresh_dashboard_task.enqueue()
    messages.success(request, _("已开始刷新看板数据。"))
    return redirect("dashboard")


# --- The monthly report -------------------------------------------------------------------------

MONTHLY_FIGURES = [
    ("stations", gettext_lazy("向新就业群体开放的站点")),
    ("served", gettext_lazy("服务新就业群体（报到和来访人次）")),
    ("reached", gettext_lazy("报到人数")),
    ("activities", gettext_lazy("开展活动（场次）")),
    ("attended", gettext_lazy("参加活动（人次）")),
    ("meetings", gettext_lazy("召开三会一课（次）")),
    ("reports", gettext_lazy("收到民情前哨上报（件）")),
    ("resolved", gettext_lazy("办结民情前哨上报（件）")),
]


def monthly_figures(streets, month: date) -> list[dict]:
    """This month's and last month's figures, with the change (one query)."""
    previous = month_add(month, -1)
    rows = (
        DashboardFigure.objects.in_streets(streets)
        .filter(
            Q(metric=Metric.STATIONS_CREATED, month__lte=month)
            | Q(
                month__in=[previous, month],
                metric__in=[
                    Metric.CHECKINS,
                    Metric.VISITORS,
                    Metric.MEMBERS_REACHED,
                    Metric.ACTIVITIES,
                    Metric.ATTENDANCE,
                    Metric.COMPLIANCE_HELD,
                    Metric.REPORTS,
                    Metric.REPORT_RESOLVE_DAYS,
                ],
            )
        )
        .filter(~Q(metric=Metric.ATTENDANCE) | Q(key="present"))
        .values("metric", "month")
        .annotate(n=Sum("value"))
        .order_by()
    )
    grid = {}
    for row in rows:
        grid[(row["metric"], row["month"])] = grid.get((row["metric"], row["month"]), 0) + row["n"]

    def value(name, m):
        get = lambda metric: grid.get((metric, m), 0)  # noqa: E731
        if name == "stations":
            return sum(
                n
                for (metric, when), n in grid.items()
                if metric == Metric.STATIONS_CREATED and when <= m
            )
        return {
            "served": get(Metric.CHECKINS) + get(Metric.VISITORS),
            "reached": get(Metric.MEMBERS_REACHED),
            "activities": get(Metric.ACTIVITIES),
            "attended": get(Metric.ATTENDANCE),
            "meetings": get(Metric.COMPLIANCE_HELD),
            "reports": get(Metric.REPORTS),
            "resolved": get(Metric.REPORT_RESOLVE_DAYS),
        }[name]

    result = []
    for name, label in MONTHLY_FIGURES:
        now, before = value(name, month), value(name, previous)
        result.append(
            {
                "name": name,
                "label": label,
                "value": now,
                "previous": before,
                "change": now - before,
                "percent": figures.percent(now - before, before),
            }
        )
    return result


@login_required
@require_GET
def monthly(request):
    """`/dashboard/monthly/?month=YYYY-MM`: the month's figures against the previous month,
    laid out for print. A malformed or out-of-range month is a clear message (status 400)."""
    allowed = _allowed_streets(request.user)
    today = timezone.localdate()
    raw = request.GET.get("month", "")
    month = parse_month(raw) if raw else month_add(today.replace(day=1), -1)
    earliest = month_add(today.replace(day=1), -(HISTORY_MONTHS - 1))
    error = None
    if month is None:
        error = _("“%(value)s”不是有效的月份，请按“年-月”填写，例如 2026-03。") % {"value": raw}
    elif month > today.replace(day=1) or month < earliest:
        error = _("只能查看 %(first)s 至 %(last)s 的月报。") % {
            "first": f"{earliest:%Y-%m}",
            "last": f"{today:%Y-%m}",
        }
    refreshed = DashboardRefresh.objects.filter(pk=1).first()
    street_names = []
    if allowed is not None:
        street_names = list(Street.objects.filter(pk__in=allowed).values_list("name", flat=True))
    context = {
        "error": error,
        "month": month if error is None else None,
        "month_value": raw or (f"{month:%Y-%m}" if month else ""),
        "refreshed": refreshed,
        "street_names": street_names,
        "rows": monthly_figures(allowed, month) if error is None and refreshed else [],
    }
    return render(request, "dashboard/monthly.html", context, status=400 if error else 200)
