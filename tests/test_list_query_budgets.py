"""Issue 10: every list page makes the same number of queries with 10 and with 1,000 rows, and
no list page loads a relation lazily (Django 6.1's fetch mode RAISE is on while they render).

Rows are bulk-created; one test per page. `lazy_loads_raise` makes every queryset built
during the request use `FETCH_RAISE`, so `{{ row.station.name }}` on a row whose station was
not selected fails the test instead of costing a query per row."""

import contextlib
import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import query as django_query
from django.db.models.fetch_modes import FETCH_RAISE
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.actions import organization_create
from branches.models import Member, Organization, OrganizationKind
from services.models import Activity, Minutes
from services.reports import Report, ReportCategory
from stations.models import Outlet, Station
from tests.stations.test_views_finder import add_details, make_rows
from yangpu_portal import freshness

_phones = itertools.count(13_700_000_000)


@contextlib.contextmanager
def lazy_loads_raise():
    """Every queryset created inside uses FETCH_RAISE: a lazy foreign-key load raises
    FieldFetchBlocked. (QuerySet reads the module default when it is created.)"""
    saved = django_query.DEFAULT_FETCH_MODE
    django_query.DEFAULT_FETCH_MODE = FETCH_RAISE
    try:
        yield
    finally:
        django_query.DEFAULT_FETCH_MODE = saved


def queries_of(client, url, data=None) -> tuple[int, str]:
    with lazy_loads_raise(), CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200, response
    return len(captured), response.content.decode()


def same_at_10_and_1000(client, url, grow, data=None, cached=()) -> tuple[str, str]:
    """Grow to 10 rows, measure, grow to 1,000, measure; the counts must match. Pages with
    cached figures (`cached` names their freshness topics) are measured on a miss, the path
    that reads the rows."""
    grow(10)
    client.get(url, data)  # warm-up: per-process caches (content types, translations)
    freshness.bump(*cached)
    small, small_html = queries_of(client, url, data)
    grow(990)
    freshness.bump(*cached)
    large, large_html = queries_of(client, url, data)
    assert large == small, f"{url}: {small} queries at 10 rows, {large} at 1,000"
    return small_html, large_html


@pytest.mark.django_db
def test_lazy_loads_raise_blocks_a_lazy_foreign_key(street_a, rider_branch):
    from django.core.exceptions import FieldFetchBlocked

    add_members(1, street=street_a, organization=rider_branch)
    with lazy_loads_raise():
        row = Member.objects.first()
        with pytest.raises(FieldFetchBlocked):
            row.street  # noqa: B018 (the lazy load under test)
        assert Member.objects.select_related("street").first().street == street_a
    assert Member.objects.first().street == street_a  # back to normal


# --- row factories (bulk) --------------------------------------------------------------------


def add_members(n, *, street, organization):
    Member.objects.bulk_create(
        Member(
            name=f"成员{next(_phones) % 100000:05d}",
            gender="male",
            phone=str(next(_phones)),
            occupation="rider",
            street=street,
            organization=organization,
            political_status="full",
        )
        for _ in range(n)
    )


def add_activities(n, *, host, station, start=None):
    start = start or timezone.localtime().replace(hour=12, minute=0)
    Activity.objects.bulk_create(
        Activity(
            title=f"活动{i}",
            kind="care",
            program="health",
            host_organization=host,
            street_id=station.street_id,
            station=station,
            start=start,
            end=start + timedelta(hours=1),
            audience="public",
            status="published",
        )
        for i in range(n)
    )


def add_reports(n, *, reporter, street, state="submitted"):
    category = ReportCategory.objects.first()
    Report.objects.bulk_create(
        Report(
            category=category,
            description="井盖缺失",
            latitude=31.30,
            longitude=121.51,
            street=street,
            reporter=reporter,
            state=state,
        )
        for _ in range(n)
    )


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_roster(client, district_admin, street_a, rider_branch):
    client.force_login(district_admin)
    _small, large = same_at_10_and_1000(
        client,
        reverse("branches:member-list"),
        lambda n: add_members(n, street=street_a, organization=rider_branch),
    )
    assert large.count('href="/branches/members/') >= 50


@pytest.mark.django_db
def test_roster_of_a_street_organizer(client, street_organizer, street_a, rider_branch):
    client.force_login(street_organizer)
    same_at_10_and_1000(
        client,
        reverse("branches:member-list"),
        lambda n: add_members(n, street=street_a, organization=rider_branch),
        {"political_status": "full"},
    )


@pytest.mark.django_db
def test_station_finder(client, street_a):
    made = itertools.count()

    def grow(n):
        start = next(made) * 10
        add_details(Station.objects.bulk_create(make_rows(street_a, n, start=start * 100)))

    small, large = same_at_10_and_1000(
        client, reverse("stations:station-list"), grow, cached=(freshness.STATIONS,)
    )
    # A page of 30 cards either way.
    assert (small.count('class="station-card'), large.count('class="station-card')) == (10, 30)


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["month", "list"])
def test_calendar(view, client, district_admin, committee_a, station_a):
    """All on one day: the grid shows three and the day's total, the list a page of 50."""
    client.force_login(district_admin)
    _small, large = same_at_10_and_1000(
        client,
        reverse("services:activity-list"),
        lambda n: add_activities(n, host=committee_a, station=station_a),
        {"view": view},
    )
    assert large.count("data-activity=") == (3 if view == "month" else 50)
    if view == "month":
        assert "共 1000 项" in large
        day = timezone.localtime(Activity.objects.first().start).date()
        assert f'data-more="{day:%Y-%m-%d}"' in large
        html = client.get(
            reverse("services:activity-list"),
            {"view": "list", "month": day.strftime("%Y-%m"), "day": day.day},
        ).content.decode()
        assert html.count("data-activity=") == 50 and "查看整月" in html


@pytest.mark.django_db
def test_public_reports(client, member, street_a):
    reporter = Member.objects.get(user=member)
    _small, large = same_at_10_and_1000(
        client,
        reverse("services:report-list"),
        lambda n: add_reports(n, reporter=reporter, street=street_a),
        cached=(freshness.REPORTS,),
    )
    assert "五角场街道：1000" in large


@pytest.mark.django_db
def test_triage(client, street_organizer, member, street_a):
    reporter = Member.objects.get(user=member)
    client.force_login(street_organizer)
    _small, large = same_at_10_and_1000(
        client,
        reverse("services:report-triage"),
        lambda n: add_reports(n, reporter=reporter, street=street_a),
    )
    assert "井盖缺失" in large or "李强" in large


@pytest.mark.django_db
def test_compliance_board(client, district_admin, committee_a, street_a):
    """Rows here are meetings held (with minutes) by ten branches."""
    client.force_login(district_admin)
    branches = [
        organization_create(
            parent=committee_a, name=f"支部{i:02d}", kind=OrganizationKind.BRANCH, street=street_a
        )
        for i in range(10)
    ]
    today = timezone.localdate()
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    begin = timezone.make_aware(
        timezone.datetime.combine(quarter_start, timezone.datetime.min.time())
    ) + timedelta(hours=9)

    def grow(n):
        rows = Activity.objects.bulk_create(
            Activity(
                title="支部委员会",
                kind="branch_committee",
                program="ideology",
                host_organization=branches[i % 10],
                street=street_a,
                address="活动室",
                start=begin + timedelta(minutes=i),
                end=begin + timedelta(minutes=i + 60),
                status="finished",
            )
            for i in range(n)
        )
        Minutes.objects.bulk_create(
            Minutes(activity=a, chair="甲", recorder="乙", topic="议题", content="内容")
            for a in rows
        )

    _small, large = same_at_10_and_1000(
        client, reverse("services:compliance-board"), grow, cached=(freshness.COMPLIANCE,)
    )
    assert "支部09" in large


@pytest.mark.django_db
def test_organization_tree(client, district_admin, committee_a, street_a, rider_branch):
    client.force_login(district_admin)
    made = itertools.count()

    def grow(n):
        # Branches (tree rows) and their members.
        for _ in range(min(n, 20)):
            organization_create(
                parent=Organization.objects.get(pk=committee_a.pk),
                name=f"支部{next(made):03d}",
                kind=OrganizationKind.BRANCH,
                street=street_a,
            )
        add_members(n, street=street_a, organization=rider_branch)

    _small, large = same_at_10_and_1000(client, reverse("branches:organization-tree"), grow)
    assert "支部019" in large


@pytest.mark.django_db
def test_outlets(client, district_admin, street_a, enterprise):
    client.force_login(district_admin)
    made = itertools.count()

    def grow(n):
        Outlet.objects.bulk_create(
            Outlet(
                enterprise=enterprise,
                name=f"网点{next(made):04d}",
                street=street_a,
                address="政通路1号",
                latitude=31.30,
                longitude=121.51,
                rider_count=12,
                surveyed_at=timezone.localdate(),
            )
            for _ in range(n)
        )

    _small, large = same_at_10_and_1000(client, reverse("stations:outlet-list"), grow)
    assert "网点0000" in large
