"""The dashboards (issue 8): who sees what, the figures against the raw rows and the other
pages, downloads, the monthly report, the query budget and the public counters."""

import csv
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Event
from branches.models import OccupationGroup, PoliticalStatus
from stations.models import CheckIn, Outlet, Station, VisitorCount
from tests.conftest import make_member, make_station, make_user
from yangpu_portal.actions import consent_give, dashboard_refresh
from yangpu_portal.dashboard.charts import bar_chart, line_chart
from yangpu_portal.dashboard.figures import median_of_histogram
from yangpu_portal.models import DashboardFigure, DashboardRefresh, Metric


def consenting(member):
    """`member` with an account that consented to the privacy notice (check-ins need it)."""
    if member.user_id is None:
        member.user = make_user(f"member{member.pk}")
        member.save(update_fields=["user"])
    consent_give(user=member.user)
    return member


DASHBOARD = reverse("dashboard")


@pytest.fixture
def world(street_a, street_b, station_a, station_b, rider_branch, enterprise, committee_a):
    """Two streets: A with 3 members, 2 stations (one closed) and an outlet of 40 riders;
    B with one member. Check-ins this month at A's station."""
    members = [
        make_member(street=street_a, name="甲", organization=rider_branch),
        make_member(
            street=street_a,
            name="乙",
            political_status=PoliticalStatus.ACTIVIST,
            organization=rider_branch,
            is_mobile=True,
        ),
        make_member(street=street_a, name="丙", occupation=OccupationGroup.COURIER),
    ]
    make_member(street=street_b, name="丁")
    make_station(street=street_a, name="关闭的站", is_active=False)
    Outlet.objects.create(
        enterprise=enterprise,
        name="美团五角场站",
        street=street_a,
        address="国定路 2 号",
        latitude=31.30,
        longitude=121.51,
        rider_count=40,
        surveyed_at=date(2026, 1, 5),
    )
    today = timezone.localdate()
    CheckIn.objects.bulk_create(
        CheckIn(member=m, station=station_a, checked_in_at=timezone.now(), local_date=today)
        for m in members
    )
    return {"members": members}


def refreshed(**kwargs):
    return dashboard_refresh(**kwargs)


# --- who sees what -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "station_staff", "enterprise_organizer", "auditor"])
def test_people_without_a_dashboard_get_403(persona, as_persona, client, street_a):
    as_persona(persona)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("dashboard-monthly")).status_code == 403
    assert client.get(reverse("dashboard-export", args=["coverage", "csv"])).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    for url in (
        DASHBOARD,
        reverse("dashboard-monthly"),
        reverse("dashboard-export", args=["coverage", "csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("dashboard-refresh"))
    assert response.status_code == 302 and not DashboardRefresh.objects.exists()


@pytest.mark.django_db
def test_each_street_organizer_gets_their_own_streets_monthly_report(
    world, as_persona, client, outsider
):
    refreshed()
    month = f"{timezone.localdate():%Y-%m}"
    as_persona("street_organizer")
    response = client.get(reverse("dashboard-monthly"), {"month": month})
    rows = {r["name"]: r["value"] for r in response.context["rows"]}
    assert rows["served"] == 3 and rows["stations"] == 1
    client.logout()
    as_persona("outsider")
    response = client.get(reverse("dashboard-monthly"), {"month": month})
    assert "殷行街道" in response.content.decode()
    rows = {r["name"]: r["value"] for r in response.context["rows"]}
    assert rows["served"] == 0 and rows["stations"] == 1


@pytest.mark.django_db
def test_wrong_methods_get_405(as_persona, client, district_admin):
    as_persona("district_admin")
    assert client.post(DASHBOARD).status_code == 405
    assert client.get(reverse("dashboard-refresh")).status_code == 405
    assert client.post(reverse("dashboard-monthly")).status_code == 405
    assert client.post(reverse("dashboard-export", args=["coverage", "csv"])).status_code == 405


@pytest.mark.django_db
def test_district_sees_every_street_and_a_street_organizer_only_theirs(
    world, as_persona, client, district_admin
):
    refreshed()
    as_persona("district_admin")
    page = client.get(DASHBOARD).content.decode()
    assert "全区数据看板" in page and "五角场街道" in page and "殷行街道" in page
    client.logout()
    as_persona("street_organizer")
    response = client.get(DASHBOARD)
    page = response.content.decode()
    assert "街道数据看板" in page
    assert "五角场街道" in page and "殷行街道" not in page
    assert 'name="street"' not in page  # the street filter is for district users
    gap = next(t for s in response.context["sections"] for t in s.tables if t.slug == "station-gap")
    assert [row[0] for row in gap.rows] == ["五角场街道"]


@pytest.mark.django_db
def test_street_organizer_asking_for_another_street_gets_404(world, as_persona, client, street_b):
    refreshed()
    as_persona("street_organizer")
    assert client.get(DASHBOARD, {"street": street_b.pk}).status_code == 404
    export = reverse("dashboard-export", args=["coverage", "csv"])
    assert client.get(export, {"street": street_b.pk}).status_code == 404


@pytest.mark.django_db
def test_only_district_admins_refresh_and_a_get_never_writes(
    world, as_persona, client, district_admin, street_organizer
):
    as_persona("street_organizer")
    page = client.get(DASHBOARD).content.decode()
    assert "刷新时间：无" in page
    assert not DashboardRefresh.objects.exists() and not DashboardFigure.objects.exists()
    assert client.post(reverse("dashboard-refresh")).status_code == 403
    client.logout()
    as_persona("district_admin")
    response = client.post(reverse("dashboard-refresh"))
    assert response.status_code == 302
    assert DashboardRefresh.objects.get().rows == DashboardFigure.objects.count() > 0
    assert "数据截至" in client.get(DASHBOARD).content.decode()


# --- the figures -------------------------------------------------------------------------------


def _table(response, slug):
    return next(t for s in response.context["sections"] for t in s.tables if t.slug == slug)


@pytest.mark.django_db
def test_wujiaochang_figures_match_the_roster_and_station_pages(
    world, as_persona, client, district_admin, street_a
):
    refreshed()
    as_persona("district_admin")
    roster = client.get(reverse("branches:member-list"), {"street": street_a.pk})
    finder = client.get(reverse("stations:station-list"), {"street": street_a.pk})
    dashboard = client.get(DASHBOARD, {"street": street_a.pk})
    members_total = sum(row[-1] for row in _table(dashboard, "members").rows)
    assert members_total == roster.context["page"].paginator.count == 3
    gap = _table(dashboard, "station-gap").rows[0]
    assert gap[0] == "五角场街道"
    assert gap[1] == finder.context["page"].paginator.count == 1  # the closed one not counted
    # riders: the outlet's 40 beat the 3 riders and couriers on the roster
    assert gap[2:6] == [40, 3, 40, 40]
    trend = _table(dashboard, "station-trend").rows
    assert trend[-1][1] == 3  # this month's check-ins
    mobility = dict(_table(dashboard, "mobility").rows)
    assert mobility["流动党员"] == 1


@pytest.mark.django_db
def test_enterprise_filter_narrows_enterprise_figures_only(
    world, as_persona, client, district_admin, enterprise
):
    refreshed()
    as_persona("district_admin")
    response = client.get(DASHBOARD, {"enterprise": enterprise.pk})
    assert dict(_table(response, "org-kinds").rows)["党支部"] == 1
    assert dict(_table(response, "org-kinds").rows)["街道党工委"] == 0
    assert _table(response, "station-trend").rows[-1][1] == 3  # check-ins are not by enterprise


@pytest.mark.django_db
def test_bad_filters_are_form_errors_not_500(world, as_persona, client, district_admin):
    refreshed()
    as_persona("district_admin")
    response = client.get(DASHBOARD, {"start": "2026-13", "end": "nonsense", "enterprise": "x"})
    assert response.status_code == 200
    assert "请按“年-月”填写" in response.content.decode()
    response = client.get(DASHBOARD, {"start": "2026-05", "end": "2026-01"})
    assert "起始月份不能晚于截止月份" in response.content.decode()


@pytest.mark.django_db
def test_a_quarter_range_sums_its_months(world, as_persona, client, district_admin, station_a):
    VisitorCount.objects.create(
        station=station_a,
        date=date(2026, 1, 10),
        purpose="rest",
        count=7,
        recorded_by=district_admin,
    )
    VisitorCount.objects.create(
        station=station_a,
        date=date(2026, 4, 10),
        purpose="rest",
        count=5,
        recorded_by=district_admin,
    )
    refreshed(today=date(2026, 6, 30))
    as_persona("district_admin")
    response = client.get(DASHBOARD, {"start": "2026-01", "end": "2026-03"})
    rows = _table(response, "station-trend").rows
    assert [r[0] for r in rows] == ["2026-01", "2026-02", "2026-03"]
    assert sum(r[2] for r in rows) == 7


def test_median_of_a_histogram():
    assert median_of_histogram({}) is None
    assert median_of_histogram({1: 1, 5: 1, 9: 1}) == 5
    assert median_of_histogram({2: 2, 4: 2}) == 3
    assert median_of_histogram({0: 5, 10: 1}) == 0


def test_charts_scale_to_the_largest_value():
    chart = bar_chart("t", [("a", 10), ("b", 5)])
    assert chart.bars[0].width == 2 * chart.bars[1].width
    lines = line_chart("t", ["2026-01", "2026-02"], [("x", [0, 4])])
    assert lines.lines[0].points.endswith(",16.0")  # the top value touches the top margin


# --- downloads ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_chart_downloads_as_csv_and_xlsx_escaped_and_audited(
    world, as_persona, client, district_admin, station_a
):
    Station.objects.filter(pk=station_a.pk).update(name="=HYPERLINK(1)")
    refreshed()
    as_persona("district_admin")
    url = reverse("dashboard-export", args=["busiest-stations", "csv"])
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["站点", "报到和来访人次"], ["'=HYPERLINK(1)", "3"]]
    response = client.get(reverse("dashboard-export", args=["coverage", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "街道" and ["五角场街道", 1, 0, "0%"] in values
    events = AuditEvent.objects.filter(event=Event.EXPORT).order_by("pk")
    assert [e.detail["what"] for e in events] == [
        "dashboard:busiest-stations",
        "dashboard:coverage",
    ]
    assert client.get(reverse("dashboard-export", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("dashboard-export", args=["coverage", "pdf"])).status_code == 404


# --- the monthly report -------------------------------------------------------------------------


@pytest.mark.django_db
def test_monthly_report_compares_with_the_previous_month(world, as_persona, client, district_admin):
    refreshed()
    as_persona("district_admin")
    month = timezone.localdate().replace(day=1)
    response = client.get(reverse("dashboard-monthly"), {"month": f"{month:%Y-%m}"})
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["served"]["value"] == 3 and rows["served"]["previous"] == 0
    assert rows["stations"]["value"] == 2  # the open stations of the district
    assert "+3" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["2026-13", "abc", "1999-01", "2999-01"])
def test_monthly_report_explains_a_bad_month(month, as_persona, client, district_admin):
    as_persona("district_admin")
    response = client.get(reverse("dashboard-monthly"), {"month": month})
    assert response.status_code == 400
    page = response.content.decode()
    assert "月报" in page and ("不是有效的月份" in page or "只能查看" in page)


# --- cost ----------------------------------------------------------------------------------------


def _grow(street, station, n, day0):
    from branches.models import Member

    members = Member.objects.bulk_create(
        Member(name=f"人{i}", gender="male", phone=f"166{street.pk % 100:02d}{i:06d}",
               occupation=OccupationGroup.RIDER, street=street,
               political_status=PoliticalStatus.MASSES)
        for i in range(n)
    )  # fmt: skip
    CheckIn.objects.bulk_create(
        CheckIn(
            member=m,
            station=station,
            checked_in_at=timezone.now(),
            local_date=day0 - timedelta(days=40 * (i % 9)),
        )
        for i, m in enumerate(members)
    )


@pytest.mark.django_db
def test_dashboard_query_count_is_the_same_at_3_and_30_rows(
    as_persona, client, district_admin, street_a, station_a, street_b, station_b
):
    as_persona("district_admin")
    today = timezone.localdate()
    _grow(street_a, station_a, 3, today)
    refreshed()
    with CaptureQueriesContext(connection) as small:
        client.get(DASHBOARD)
    _grow(street_b, station_b, 27, today)
    make_station(street=street_b, name="新站")
    refreshed()
    with CaptureQueriesContext(connection) as large:
        response = client.get(DASHBOARD)
    assert _table(response, "station-gap").rows  # the figures are there
    assert len(small) == len(large) <= 25


@pytest.mark.django_db
def test_street_dashboard_query_count_is_bounded(world, as_persona, client, street_organizer):
    refreshed()
    as_persona("street_organizer")
    with CaptureQueriesContext(connection) as queries:
        client.get(DASHBOARD)
    assert len(queries) <= 25
    # The same page again: the rendered sections come from the cache.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert len(queries) <= 10 and "五角场街道" in response.content.decode()
    assert "\\u7f8e\\u56e2" in response.content.decode()  # 美团: the street's outlet on its map


@pytest.mark.django_db
def test_unknown_parameters_reach_neither_the_links_nor_the_cache(
    world, as_persona, client, street_a
):
    refreshed()
    as_persona("district_admin")
    client.get(DASHBOARD, {"start": "2026-01", "street": street_a.pk})
    # Junk beside the same filters: the cached sections are reused (a hit is a few queries),
    # and the download links carry only the accepted filters, in one spelling.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            DASHBOARD, {"street": street_a.pk, "start": "2026-01", "junk": "<b>x</b>"}
        )
    page = response.content.decode()
    assert len(queries) <= 10
    links = re.findall(r'href="(/dashboard/export/[^"]*)"', page)
    assert links
    assert all(link.endswith(f"?start=2026-01&amp;street={street_a.pk}") for link in links)


# --- the home page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_public_counters_only(world, client):
    refreshed()
    page = client.get(reverse("home")).content.decode()
    assert 'data-counter="stations">2<' in page
    assert 'data-counter="served">3<' in page
    assert "甲" not in page


# --- refresh after writes -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_checkin_rebuilds_the_figures_once_per_debounce_window(
    world, settings, station_a, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from stations.actions import checkin_record

    settings.DASHBOARD_REFRESH_ON_WRITE = True
    cache.delete("dashboard:refresh-pending")
    newcomer = consenting(make_member(street=station_a.street, name="戊"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        checkin_record(member=newcomer, station=station_a, by=None)
    assert len(callbacks) == 1
    assert DashboardFigure.objects.filter(metric=Metric.CHECKINS).get().value == 4
    first = DashboardRefresh.objects.get().refreshed_at
    with django_capture_on_commit_callbacks(execute=True):
        checkin_record(
            member=consenting(world["members"][0]),
            station=station_a,
            by=None,
            at=timezone.now() + timedelta(days=1),
        )
    assert DashboardRefresh.objects.get().refreshed_at == first  # debounced: no second rebuild


@pytest.mark.django_db
def test_passport_section_counts_stamps_and_hours_by_street(
    world, as_persona, client, district_admin, station_a
):
    from services.models import VolunteerService
    from stations.actions import checkin_record

    newcomer = consenting(make_member(street=station_a.street, name="己"))
    checkin_record(member=newcomer, station=station_a, by=None)
    VolunteerService.objects.create(
        member=newcomer,
        description="送餐",
        served_on=timezone.localdate(),
        hours="2.5",
        status="approved",
        decided_by=district_admin,
        decided_at=timezone.now(),
    )
    refreshed()
    as_persona("district_admin")
    row = _table(client.get(DASHBOARD), "passport").rows
    wujiaochang = next(r for r in row if r[0] == "五角场街道")
    assert wujiaochang == ["五角场街道", 1, 1, 2.5]


@pytest.mark.django_db
def test_median_days_counts_reports_resolved_the_same_day(
    as_persona, client, district_admin, street_a, member
):
    from services.reports import HandlingUnit, Report, ReportCategory

    reporter = member.member
    unit = HandlingUnit.objects.create(name="单位")
    category = ReportCategory.objects.first()
    now = timezone.now()
    Report.objects.bulk_create(
        Report(category=category, description="坑", latitude=31.3, longitude=121.5,
               street=street_a, reporter=reporter, state="resolved", unit=unit,
               due_date=now.date(), submitted_at=now - timedelta(days=days), resolved_at=now)
        for days in (0, 0, 4)
    )  # fmt: skip
    refreshed()
    as_persona("district_admin")
    rows = _table(client.get(DASHBOARD), "report-volume").rows
    assert rows[0][0] == "五角场街道" and rows[0][-2:] == [0.0, 0]
