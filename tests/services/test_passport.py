"""The vanguard passport (issue 6): the award path, its constraint and caps, corrections,
volunteer hours, lessons, routes and the wiring from check-ins, attendance and reports."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from branches.models import Member
from services import passport, passport_actions, report_actions
from services.models import (
    ActivityKind,
    Audience,
    CourseSeries,
    LedgerKind,
    Lesson,
    LessonCompletion,
    PointEntry,
    PointRule,
    Route,
    RouteStop,
    RouteStopVisit,
    SourceKind,
    Stamp,
    StampType,
    VolunteerService,
    VolunteerStatus,
)
from services.reports import ReportCategory
from stations.actions import checkin_record as station_checkin
from stations.geo import metres_per_degree
from tests.services.conftest import make_activity

pytestmark = pytest.mark.django_db

STOP = (31.2543, 121.5262)


@pytest.fixture
def rider(member):
    return Member.objects.get(user=member)


def award(member, kind=SourceKind.STATION_CHECKIN, source_id=1, **kw):
    return passport.award(member=member, source_kind=kind, source_id=source_id, **kw)


# --- Award, constraint, caps --------------------------------------------------------------------


def test_migration_seeds_a_stamp_type_and_a_rule_for_every_source():
    kinds = set(SourceKind.values)
    assert set(StampType.objects.values_list("source_kind", flat=True)) == kinds
    assert set(PointRule.objects.values_list("action", flat=True)) == kinds


def test_award_twice_for_one_source_writes_once(rider):
    first = award(rider, label="五角场HUI新屋")
    second = award(rider, label="五角场HUI新屋")
    assert first.created and first.stamp and first.entry.points == 5
    assert not second.created and second.stamp is None and second.entry is None
    assert passport.stamp_count(rider) == 1
    assert passport.points_balance(rider) == 5


def test_database_refuses_a_second_stamp_or_award_for_one_source(rider):
    award(rider)
    stamp_type = StampType.objects.get(code="station-checkin")
    with pytest.raises(IntegrityError), transaction.atomic():
        Stamp.objects.create(
            member=rider, type=stamp_type, source_kind=SourceKind.STATION_CHECKIN, source_id=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PointEntry.objects.create(
            member=rider,
            points=5,
            source_kind=SourceKind.STATION_CHECKIN,
            source_id=1,
            local_date=timezone.localdate(),
        )


def test_same_source_id_of_another_kind_is_another_source(rider):
    award(rider, SourceKind.STATION_CHECKIN, 7)
    assert award(rider, SourceKind.ACTIVITY, 7).created
    assert passport.stamp_count(rider) == 2


def test_daily_cap_cuts_points_but_not_stamps(rider):
    PointRule.objects.filter(action=SourceKind.STATION_CHECKIN).update(
        points=5, daily_cap=12, period_cap=None
    )
    results = [award(rider, source_id=n) for n in range(1, 5)]
    assert [r.entry.points if r.entry else 0 for r in results] == [5, 5, 2, 0]
    assert passport.stamp_count(rider) == 4
    # The next day the allowance is back.
    tomorrow = award(rider, source_id=9, at=timezone.now() + timedelta(days=1))
    assert tomorrow.entry.points == 5


def test_period_cap_counts_the_whole_month(rider):
    PointRule.objects.filter(action=SourceKind.ACTIVITY).update(
        points=10, daily_cap=None, period="month", period_cap=25
    )
    day = timezone.now().replace(day=2, hour=12)
    points = [
        award(rider, SourceKind.ACTIVITY, n, at=day + timedelta(days=n)).entry for n in range(1, 5)
    ]
    assert [e.points if e else 0 for e in points] == [10, 10, 5, 0]
    next_month = (day.replace(day=28) + timedelta(days=5)).replace(day=3)
    assert award(rider, SourceKind.ACTIVITY, 9, at=next_month).entry.points == 10


def test_period_start():
    from datetime import date

    assert passport.period_start(date(2026, 8, 17), "quarter") == date(2026, 7, 1)
    assert passport.period_start(date(2026, 8, 17), "year") == date(2026, 1, 1)
    assert passport.period_start(date(2026, 8, 17), "month") == date(2026, 8, 1)


def test_no_rule_or_inactive_type_still_awards_what_exists(rider):
    PointRule.objects.filter(action=SourceKind.REPORT).update(is_active=False)
    result = award(rider, SourceKind.REPORT, 3)
    assert result.stamp and result.entry is None
    StampType.objects.filter(source_kind=SourceKind.VOLUNTEER).update(is_active=False)
    result = award(rider, SourceKind.VOLUNTEER, 3)
    assert result.stamp is None and result.entry.points == 15
    assert not award(rider, SourceKind.VOLUNTEER, 3).created


# --- Corrections --------------------------------------------------------------------------------


def test_correction_is_a_reversing_entry_with_reason_and_who(rider, district_admin):
    entry = award(rider).entry
    correction = passport.points_reverse(entry=entry, reason="重复报到", by=district_admin)
    entry.refresh_from_db()
    assert entry.points == 5  # the original is kept as it was
    assert correction.kind == LedgerKind.CORRECTION
    assert (correction.points, correction.reverses, correction.created_by) == (
        -5,
        entry,
        district_admin,
    )
    assert passport.points_balance(rider) == 0
    with pytest.raises(ValidationError):
        passport.points_reverse(entry=entry, reason="再来一次", by=district_admin)
    with pytest.raises(ValidationError):
        passport.points_reverse(entry=correction, reason="反冲", by=district_admin)
    assert PointEntry.objects.filter(member=rider).count() == 2


def test_correction_needs_a_reason_and_the_permission(rider, district_admin, street_organizer):
    entry = award(rider).entry
    with pytest.raises(ValidationError):
        passport.points_reverse(entry=entry, reason="  ", by=district_admin)
    with pytest.raises(PermissionDenied):
        passport.points_reverse(entry=entry, reason="错了", by=street_organizer)
    # The database refuses a correction without a reason or an author, too.
    with pytest.raises(IntegrityError), transaction.atomic():
        PointEntry.objects.create(
            member=rider,
            kind=LedgerKind.CORRECTION,
            points=-5,
            source_kind=entry.source_kind,
            source_id=entry.source_id,
            local_date=timezone.localdate(),
            reverses=entry,
        )
    assert passport.points_balance(rider) == 5


# --- Wiring -------------------------------------------------------------------------------------


def test_station_checkin_awards_once_a_day(rider, station_a):
    station_checkin(member=rider, station=station_a, by=rider.user)
    station_checkin(member=rider, station=station_a, by=rider.user)
    stamp = Stamp.objects.get(member=rider)
    assert (stamp.source_kind, stamp.label) == (SourceKind.STATION_CHECKIN, station_a.name)
    assert passport.points_balance(rider) == 5


def test_station_checkin_without_the_hook_awards_nothing(settings, rider, station_a):
    settings.STATIONS_CHECKIN_HOOK = ""
    station_checkin(member=rider, station=station_a, by=rider.user)
    assert passport.stamp_count(rider) == 0


def test_activity_attendance_awards_and_volunteer_hours_count(
    member, rider, station_staff, committee_a, station_a
):
    from services import actions

    activity = make_activity(
        by=station_staff,
        host=committee_a,
        station=station_a,
        title="夏日送清凉",
        kind=ActivityKind.VOLUNTEER,
        audience=Audience.PUBLIC,
        start=timezone.now() - timedelta(minutes=10),
        end=timezone.now() + timedelta(hours=2, minutes=50),
    )
    actions.checkin_record(activity=activity, by=member)
    actions.checkin_record(activity=activity, by=member)
    assert Stamp.objects.get(member=rider).source_kind == SourceKind.ACTIVITY
    service = VolunteerService.objects.get(member=rider)
    assert (service.hours, service.status) == (Decimal("3.0"), VolunteerStatus.APPROVED)
    assert passport.volunteer_hours(rider) == Decimal("3.0")


def _report(member_user, category, lat, lng, **kw):
    return report_actions.report_submit(
        by=member_user,
        category=category,
        description="井盖缺了一角",
        latitude=lat,
        longitude=lng,
        **kw,
    )


def test_verified_report_awards_once_per_category_50m_and_day(
    member, rider, street_a, district_admin
):
    street_a.latitude, street_a.longitude = 31.2995, 121.5145
    street_a.save()
    manhole = ReportCategory.objects.get(name="井盖破损或缺失")
    lamp = ReportCategory.objects.get(name="路灯损坏")
    per_lat, _ = metres_per_degree(31.2995)
    first = _report(member, manhole, 31.2995, 121.5145)
    near = _report(member, manhole, 31.2995 + 30 / per_lat, 121.5145)  # 30 m away
    other_kind = _report(member, lamp, 31.2995, 121.5145)
    far = _report(member, manhole, 31.2995 + 80 / per_lat, 121.5145)  # 80 m away
    yesterday = _report(member, manhole, 31.2995, 121.5145, now=timezone.now() - timedelta(days=1))
    for report in (first, near, other_kind, far, yesterday):
        report_actions.report_accept(report=report, by=district_admin)
    stamped = set(Stamp.objects.filter(member=rider).values_list("source_id", flat=True))
    assert stamped == {first.pk, other_kind.pk, far.pk, yesterday.pk}


def test_submitted_report_awards_nothing(member, rider, street_a):
    _report(member, ReportCategory.objects.get(name="路灯损坏"), 31.2995, 121.5145, street=street_a)
    assert passport.stamp_count(rider) == 0


# --- Volunteer declarations ---------------------------------------------------------------------


@pytest.fixture
def declared(member):
    return passport_actions.volunteer_declare(
        by=member,
        description="社区助老送餐",
        served_on=timezone.localdate() - timedelta(days=2),
        hours=Decimal("2.5"),
    )


def test_declared_service_waits_then_approval_counts_and_awards(declared, rider, street_organizer):
    assert declared.status == VolunteerStatus.PENDING
    assert passport.volunteer_hours(rider) == 0
    passport_actions.volunteer_approve(service=declared, by=street_organizer)
    assert passport.volunteer_hours(rider) == Decimal("2.5")
    assert Stamp.objects.get(member=rider).source_kind == SourceKind.VOLUNTEER
    with pytest.raises(ValidationError):
        passport_actions.volunteer_refuse(service=declared, by=street_organizer, reason="晚了")


def test_refusal_needs_a_reason_and_counts_nothing(declared, rider, enterprise_organizer):
    with pytest.raises(ValidationError):
        passport_actions.volunteer_refuse(service=declared, by=enterprise_organizer, reason="")
    passport_actions.volunteer_refuse(service=declared, by=enterprise_organizer, reason="无证明")
    declared.refresh_from_db()
    assert (declared.status, declared.refusal_reason) == (VolunteerStatus.REFUSED, "无证明")
    assert passport.volunteer_hours(rider) == 0 and passport.stamp_count(rider) == 0


def test_only_organizers_in_scope_decide_never_the_member(declared, outsider, member):
    for user in (outsider, member):
        with pytest.raises(PermissionDenied):
            passport_actions.volunteer_approve(service=declared, by=user)
    assert VolunteerService.objects.get(pk=declared.pk).status == VolunteerStatus.PENDING


def test_declaration_in_the_future_or_out_of_range_is_refused(member):
    with pytest.raises(ValidationError):
        passport_actions.volunteer_declare(
            by=member,
            description="x",
            served_on=timezone.localdate() + timedelta(days=1),
            hours=1,
        )
    with pytest.raises(ValidationError):
        passport_actions.volunteer_declare(
            by=member, description="x", served_on=timezone.localdate(), hours=Decimal("30")
        )
    assert not VolunteerService.objects.exists()


# --- Lessons ------------------------------------------------------------------------------------


@pytest.fixture
def lesson(db):
    series = CourseSeries.objects.create(title="骑手安全", is_published=True)
    return Lesson.objects.create(
        series=series, title="头盔", order=1, duration_minutes=5, text="戴好头盔"
    )


def test_lesson_finished_too_early_is_refused(lesson, member, rider):
    token = passport_actions.lesson_token(lesson=lesson, member=rider, now=time.time() - 120)
    with pytest.raises(ValidationError) as exc:
        passport_actions.lesson_finish(lesson=lesson, by=member, token=token)
    assert exc.value.code == "too_early"
    assert not LessonCompletion.objects.exists() and passport.stamp_count(rider) == 0


def test_lesson_finished_after_its_duration_awards_once(lesson, member, rider):
    token = passport_actions.lesson_token(lesson=lesson, member=rider, now=time.time() - 301)
    assert passport_actions.lesson_finish(lesson=lesson, by=member, token=token).created
    assert not passport_actions.lesson_finish(lesson=lesson, by=member, token=token).created
    assert passport.stamp_count(rider) == 1 and passport.points_balance(rider) == 5


def test_lesson_token_of_another_member_lesson_or_forged_is_refused(
    lesson, member, rider, second_rider
):
    other = Member.objects.get(user=second_rider)
    old = time.time() - 3600
    tokens = [
        passport_actions.lesson_token(lesson=lesson, member=other, now=old),
        "x" + passport_actions.lesson_token(lesson=lesson, member=rider, now=old),
        passport_actions.lesson_token(lesson=lesson, member=rider, now=old - 8 * 24 * 3600),
    ]
    for token in tokens:
        with pytest.raises(ValidationError):
            passport_actions.lesson_finish(lesson=lesson, by=member, token=token)
    assert not LessonCompletion.objects.exists()


# --- Routes -------------------------------------------------------------------------------------


@pytest.fixture
def route(db):
    route = Route.objects.create(name="杨浦滨江秀带线", is_published=True)
    per_lat, _ = metres_per_degree(STOP[0])
    for order in (1, 2):
        RouteStop.objects.create(
            route=route,
            order=order,
            name=f"站点{order}",
            latitude=STOP[0] + (order - 1) * 500 / per_lat,
            longitude=STOP[1],
        )
    return route


def _metres_north(metres):
    per_lat, _ = metres_per_degree(STOP[0])
    return STOP[0] + metres / per_lat, STOP[1]


def test_location_checkin_within_100_m_only(route, member, rider):
    stop = route.stops.get(order=1)
    lat, lng = _metres_north(130)
    with pytest.raises(ValidationError) as exc:
        passport_actions.route_stop_checkin(
            stop=stop, by=member, method="location", latitude=lat, longitude=lng
        )
    assert exc.value.code == "too_far"
    assert not RouteStopVisit.objects.exists()
    lat, lng = _metres_north(95)
    result = passport_actions.route_stop_checkin(
        stop=stop, by=member, method="location", latitude=lat, longitude=lng
    )
    assert result.created and not result.route_finished
    assert Stamp.objects.get(member=rider).source_kind == SourceKind.ROUTE_STOP


def test_every_stop_awards_the_route_badge_once(route, member, rider):
    badge = StampType.objects.create(
        code="binjiang", name="滨江徽章", icon="🌊", source_kind=SourceKind.ROUTE
    )
    route.badge = badge
    route.save()
    first, second = route.stops.order_by("order")
    passport_actions.route_stop_checkin(stop=first, by=member, method="qr")
    result = passport_actions.route_stop_checkin(stop=second, by=member, method="qr")
    again = passport_actions.route_stop_checkin(stop=second, by=member, method="qr")
    assert result.route_finished and not again.created
    assert Stamp.objects.get(member=rider, source_kind=SourceKind.ROUTE).type == badge
    assert passport.stamp_count(rider) == 3


def test_unpublished_route_refuses_checkin(route, member):
    Route.objects.filter(pk=route.pk).update(is_published=False)
    with pytest.raises(ValidationError):
        passport_actions.route_stop_checkin(stop=route.stops.first(), by=member, method="qr")


# --- Card and names -----------------------------------------------------------------------------


def test_card_token_is_signed(rider):
    token = passport.card_token(rider)
    assert passport.member_id_from_card(token) == rider.pk
    assert passport.member_id_from_card(f"{rider.pk + 1}:{token.split(':')[1]}") is None
    assert passport.member_id_from_card(str(rider.pk)) is None


@pytest.mark.parametrize(
    ("name", "masked"), [("王小明", "王*明"), ("李强", "李*"), ("欧阳娜娜", "欧**娜"), ("A", "A")]
)
def test_mask_name(name, masked):
    assert passport.mask_name(name) == masked


def test_leaderboard_opt_in_is_kept(member, rider):
    passport_actions.passport_leaderboard_set(by=member, opt_in=True)
    assert rider.passport_settings.leaderboard_opt_in
    passport_actions.passport_leaderboard_set(by=member, opt_in=False)
    rider.passport_settings.refresh_from_db()
    assert not rider.passport_settings.leaderboard_opt_in


def test_no_member_record_cannot_opt_in(street_organizer):
    with pytest.raises(ValidationError):
        passport_actions.passport_leaderboard_set(by=street_organizer, opt_in=True)
