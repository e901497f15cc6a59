"""Pages of the vanguard passport, micro-courses and routes (issue 6), tried by each persona;
query counts of the passport and its ledger at two sizes."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import Member
from services import passport, passport_actions
from services.models import (
    CourseSeries,
    Lesson,
    LessonCompletion,
    PassportSettings,
    PointEntry,
    Route,
    RouteStop,
    RouteStopVisit,
    SourceKind,
    Stamp,
    StampGoal,
    StampType,
    VolunteerService,
    VolunteerStatus,
)
from stations.geo import metres_per_degree
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

NON_MEMBERS = [p for p in PERSONAS if p not in ("anonymous", "member")]


@pytest.fixture
def rider(member):
    return Member.objects.get(user=member)


def login_url(next_url):
    return f"{reverse('account_login')}?next={next_url}"


def fill(member, n):
    """`n` stamps and `n` points entries for `member`, in two queries."""
    stamp_type = StampType.objects.get(code="station-checkin")
    Stamp.objects.bulk_create(
        Stamp(
            member=member,
            type=stamp_type,
            source_kind=SourceKind.STATION_CHECKIN,
            source_id=i,
            label=f"站点{i}",
        )
        for i in range(n)
    )
    PointEntry.objects.bulk_create(
        PointEntry(
            member=member,
            points=5,
            source_kind=SourceKind.STATION_CHECKIN,
            source_id=i,
            label=f"站点{i}",
            local_date=timezone.localdate(),
        )
        for i in range(n)
    )


# --- /passport/ ---------------------------------------------------------------------------------


def test_member_sees_stamps_points_hours_goal_and_card(client, member, rider):
    StampGoal.objects.create(name="集章六枚", stamps_required=6, benefit_label="骑手专属优惠券")
    passport.award(member=rider, source_kind=SourceKind.STATION_CHECKIN, source_id=1, label="HUI")
    passport.award(member=rider, source_kind=SourceKind.LESSON, source_id=1, label="头盔课")
    client.force_login(member)
    html = client.get(reverse("services:passport")).content.decode()
    assert "data-stamp-count>2<" in html and "data-balance>10<" in html
    assert "头盔课" in html and "🏠" in html and "📖" in html
    assert "集满 6 枚印章可获得骑手专属优惠券" in html and 'value="2"' in html
    assert '<svg class="member-card-qr"' in html


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_people_without_member_record_are_told_so(persona, as_persona, client):
    as_persona(persona)
    response = client.get(reverse("services:passport"))
    assert b"data-no-member" in response.content
    assert client.get(reverse("services:passport-ledger")).status_code == 404


def test_anonymous_goes_to_login_and_post_is_405(client, member):
    for name in ("passport", "passport-ledger", "passport-leaderboard", "volunteer-review"):
        url = reverse(f"services:{name}")
        assert client.get(url).url == login_url(url)
    client.force_login(member)
    assert client.post(reverse("services:passport")).status_code == 405
    assert client.get(reverse("services:passport-optin")).status_code == 405
    assert client.get(reverse("services:volunteer-declare")).status_code == 405


def test_passport_queries_do_not_grow_with_stamps_and_entries(
    client, member, rider, django_assert_num_queries
):
    client.force_login(member)
    fill(rider, 3)
    with CaptureQueriesContext(connection) as small:
        assert b"data-stamp-count>3<" in client.get(reverse("services:passport")).content
    Stamp.objects.all().delete()
    PointEntry.objects.all().delete()
    fill(rider, 30)
    with django_assert_num_queries(len(small)):
        assert b"data-stamp-count>30<" in client.get(reverse("services:passport")).content


def test_ledger_is_paginated_with_constant_queries(
    client, member, rider, django_assert_num_queries
):
    client.force_login(member)
    fill(rider, 3)
    url = reverse("services:passport-ledger")
    with CaptureQueriesContext(connection) as small:
        html = client.get(url).content.decode()
    assert html.count("<tr data-entry=") == 3 and "data-balance>15<" in html
    Stamp.objects.all().delete()
    PointEntry.objects.all().delete()
    fill(rider, 30)
    with django_assert_num_queries(len(small)):
        html = client.get(url).content.decode()
    assert html.count("<tr data-entry=") == 20 and "data-balance>150<" in html
    assert client.get(url, {"page": 2}).content.decode().count("<tr data-entry=") == 10


# --- Leaderboards -------------------------------------------------------------------------------


def test_leaderboard_shows_only_opted_in_members_masked(
    client, member, rider, second_rider, enterprise
):
    other = Member.objects.get(user=second_rider)
    Member.objects.filter(pk__in=[rider.pk, other.pk]).update(employer=enterprise)
    for m, n in ((rider, 1), (other, 2)):
        passport.award(member=m, source_kind=SourceKind.ACTIVITY, source_id=n)
    client.force_login(member)
    response = client.post(reverse("services:passport-optin"), {"opt_in": "on"})
    assert response.url == reverse("services:passport")
    assert PassportSettings.objects.get(member=rider).leaderboard_opt_in
    for params in ({}, {"enterprise": enterprise.pk}):
        html = client.get(reverse("services:passport-leaderboard"), params).content.decode()
        assert "李*" in html and "李强" not in html.split("data-leaderboard")[1]
        assert "王*" not in html  # 王芳 did not opt in
    client.post(reverse("services:passport-optin"), {})
    html = client.get(reverse("services:passport-leaderboard")).content.decode()
    assert "李*" not in html


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_leaderboard_opens_for_every_signed_in_persona(persona, as_persona, client, street_a):
    as_persona(persona)
    response = client.get(reverse("services:passport-leaderboard"))
    assert "先锋护照排行榜" in response.content.decode()


# --- Volunteer declarations and review ----------------------------------------------------------


def test_member_declares_and_organizer_approves(client, member, rider, street_organizer):
    client.force_login(member)
    client.post(
        reverse("services:volunteer-declare"),
        {"description": "社区助老", "served_on": timezone.localdate().isoformat(), "hours": "2"},
    )
    service = VolunteerService.objects.get(member=rider)
    client.force_login(street_organizer)
    html = client.get(reverse("services:volunteer-review")).content.decode()
    assert "社区助老" in html
    client.post(reverse("services:volunteer-decide", args=[service.pk]), {"decision": "approve"})
    service.refresh_from_db()
    assert service.status == VolunteerStatus.APPROVED
    assert passport.volunteer_hours(rider) == Decimal(2)


def test_bad_declaration_is_a_message_not_a_500(client, member):
    client.force_login(member)
    response = client.post(
        reverse("services:volunteer-declare"),
        {"description": "", "served_on": "not a date", "hours": "99"},
        follow=True,
    )
    assert "申报未提交" in response.content.decode()
    assert not VolunteerService.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status", "listed"),
    [
        ("member", 403, False),
        ("station_staff", 403, False),
        ("auditor", 403, False),
        ("street_organizer", 200, True),
        ("enterprise_organizer", 200, True),
        ("outsider", 200, False),
        ("district_admin", 200, True),
    ],
)
def test_review_queue_by_persona(persona, status, listed, as_persona, client, member):
    passport_actions.volunteer_declare(
        by=member, description="社区助老", served_on=timezone.localdate(), hours=1
    )
    client.logout()
    as_persona(persona)
    response = client.get(reverse("services:volunteer-review"))
    assert response.status_code == status
    assert ("社区助老" in response.content.decode()) is listed


def test_decide_outside_scope_is_404_and_changes_nothing(client, member, outsider):
    service = passport_actions.volunteer_declare(
        by=member, description="社区助老", served_on=timezone.localdate(), hours=1
    )
    url = reverse("services:volunteer-decide", args=[service.pk])
    for user in (outsider, member):
        client.force_login(user)
        assert client.post(url, {"decision": "approve"}).status_code == 404
    assert client.get(url).status_code == 405
    assert VolunteerService.objects.get().status == VolunteerStatus.PENDING


# --- The member card ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("member", 200),
        ("station_staff", 404),
        ("street_organizer", 200),
        ("enterprise_organizer", 200),
        ("outsider", 404),
        ("district_admin", 200),
    ],
)
def test_card_lookup_within_scope_only(persona, status, as_persona, client, rider):
    passport.award(member=rider, source_kind=SourceKind.ACTIVITY, source_id=1, label="党课")
    as_persona(persona)
    response = client.get(reverse("services:passport-card", args=[passport.card_token(rider)]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "李强" in html and "data-balance>10<" in html


def test_forged_card_is_404_and_anonymous_goes_to_login(client, rider, district_admin):
    url = reverse("services:passport-card", args=[passport.card_token(rider)])
    assert client.get(url).url.startswith(reverse("account_login"))
    client.force_login(district_admin)
    forged = reverse("services:passport-card", args=[f"{rider.pk}:forged"])
    assert client.get(forged).status_code == 404


def test_district_reverses_from_the_card_others_cannot(
    client, rider, district_admin, street_organizer, outsider
):
    entry = passport.award(member=rider, source_kind=SourceKind.ACTIVITY, source_id=1).entry
    url = reverse("services:entry-reverse", args=[entry.pk])
    client.force_login(outsider)
    assert client.post(url, {"reason": "错了"}).status_code == 404
    client.force_login(street_organizer)
    assert client.post(url, {"reason": "错了"}).status_code == 403
    client.force_login(district_admin)
    assert client.get(url).status_code == 405
    client.post(url, {"reason": ""})
    assert passport.points_balance(rider) == 10
    client.post(url, {"reason": "重复记分"})
    assert passport.points_balance(rider) == 0
    assert PointEntry.objects.filter(reverses=entry, reason="重复记分").exists()


# --- Micro-courses ------------------------------------------------------------------------------


@pytest.fixture
def lesson(db):
    series = CourseSeries.objects.create(title="骑手安全微讲堂", is_published=True)
    return Lesson.objects.create(
        series=series, title="头盔的学问", order=1, duration_minutes=3, text="戴好头盔"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_courses_open_to_everyone(persona, as_persona, client, lesson):
    as_persona(persona)
    assert "头盔的学问" in client.get(reverse("services:course-list")).content.decode()
    html = client.get(reverse("services:lesson-detail", args=[lesson.pk])).content.decode()
    assert "戴好头盔" in html
    assert ('name="token"' in html) is (persona == "member")


def test_lesson_page_writes_nothing_and_finishing_early_is_refused(client, member, lesson):
    client.force_login(member)
    client.get(reverse("services:lesson-detail", args=[lesson.pk]))
    assert not LessonCompletion.objects.exists()
    rider = Member.objects.get(user=member)
    url = reverse("services:lesson-finish", args=[lesson.pk])
    early = passport_actions.lesson_token(lesson=lesson, member=rider, now=time.time() - 60)
    response = client.post(url, {"token": early})
    assert response.status_code == 400 and "请学习满 3 分钟" in response.content.decode()
    assert client.post(url, {"token": "garbage"}).status_code == 400
    assert not LessonCompletion.objects.exists()
    late = passport_actions.lesson_token(lesson=lesson, member=rider, now=time.time() - 200)
    client.post(url, {"token": late})
    assert LessonCompletion.objects.filter(member=rider, lesson=lesson).exists()
    assert passport.stamp_count(rider) == 1
    assert (
        "您已于" in client.get(reverse("services:lesson-detail", args=[lesson.pk])).content.decode()
    )


def test_lesson_finish_needs_login_and_post(client, lesson):
    url = reverse("services:lesson-finish", args=[lesson.pk])
    assert client.post(url).url == login_url(url)


def test_unpublished_lesson_is_404(client, lesson):
    CourseSeries.objects.update(is_published=False)
    assert client.get(reverse("services:lesson-detail", args=[lesson.pk])).status_code == 404


def test_course_list_queries_do_not_grow(client, member, lesson, django_assert_num_queries):
    client.force_login(member)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("services:course-list"))
    Lesson.objects.bulk_create(
        Lesson(series=lesson.series, title=f"第{i}课", order=i, duration_minutes=1, text="x")
        for i in range(2, 30)
    )
    with django_assert_num_queries(len(small)):
        assert "第29课" in client.get(reverse("services:course-list")).content.decode()


# --- Routes -------------------------------------------------------------------------------------

STOP = (31.2543, 121.5262)


@pytest.fixture
def route(db):
    route = Route.objects.create(name="杨浦滨江秀带线", is_published=True)
    RouteStop.objects.create(
        route=route, order=1, name="人民城市建设规划展示馆", latitude=STOP[0], longitude=STOP[1]
    )
    return route


@pytest.mark.parametrize("persona", PERSONAS)
def test_routes_open_to_everyone_with_the_map(persona, as_persona, client, route):
    as_persona(persona)
    assert "杨浦滨江秀带线" in client.get(reverse("services:route-list")).content.decode()
    html = client.get(reverse("services:route-detail", args=[route.pk])).content.decode()
    assert 'id="route-map-data"' in html and "人民城市建设规划展示馆" in html
    assert ("data-stop-locate" in html) is (persona == "member")
    assert ("stop-poster" in html or "打印站点二维码" in html) is (persona == "district_admin")


def test_location_checkin_from_the_route_page(client, member, route):
    client.force_login(member)
    stop = route.stops.get()
    url = reverse("services:stop-checkin", args=[stop.pk])
    per_lat, _ = metres_per_degree(STOP[0])
    response = client.post(
        url, {"latitude": STOP[0] + 150 / per_lat, "longitude": STOP[1]}, follow=True
    )
    assert "需在 100 米内" in response.content.decode()
    assert client.post(url, {}, follow=True).status_code == 200  # no position: a message
    assert not RouteStopVisit.objects.exists()
    response = client.post(
        url, {"latitude": STOP[0] + 50 / per_lat, "longitude": STOP[1]}, follow=True
    )
    html = response.content.decode()
    assert "走完整条路线" in html and "data-visited" in html
    assert client.get(url).status_code == 405


def test_stop_qr_landing(client, member, street_organizer, route):
    stop = route.stops.get()
    url = reverse("services:stop-qr", args=[stop.code])
    assert client.get(url).url == login_url(url)
    client.force_login(street_organizer)
    assert client.get(url).status_code == 403  # no member record: nothing to check in
    client.force_login(member)
    assert "确认打卡" in client.get(url).content.decode()
    assert not RouteStopVisit.objects.exists()  # GET writes nothing
    client.post(url)
    assert RouteStopVisit.objects.get().method == "qr"
    assert "您已在该站点打过卡" in client.get(url).content.decode()


def test_stop_poster_for_route_managers_only(client, member, district_admin, route):
    stop = route.stops.get()
    url = reverse("services:stop-poster", args=[stop.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(district_admin)
    html = client.get(url).content.decode()
    assert str(stop.code) in html and '<svg class="poster-qr"' in html


def test_unpublished_route_is_404(client, route):
    Route.objects.update(is_published=False)
    assert client.get(reverse("services:route-detail", args=[route.pk])).status_code == 404
    stop = route.stops.get()
    assert client.get(reverse("services:stop-qr", args=[stop.code])).status_code == 404


def test_declared_hours_show_on_the_passport(client, member, rider):
    VolunteerService.objects.create(
        member=rider,
        description="助老",
        served_on=timezone.localdate() - timedelta(days=1),
        hours=Decimal("1.5"),
        status=VolunteerStatus.APPROVED,
        decided_at=timezone.now(),
    )
    client.force_login(member)
    html = client.get(reverse("services:passport")).content.decode()
    assert "data-hours>1.5<" in html and "助老" in html
