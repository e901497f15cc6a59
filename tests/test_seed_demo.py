"""`manage.py seed_demo`: the demo district is complete, safe to load twice, reaches no real
phone, and its demo logins exist only where DEBUG is on."""

import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from branches.models import (
    Enterprise,
    Member,
    OccupationGroup,
    Organization,
    OrganizationForm,
    OrganizationKind,
    OrganizerAssignment,
    OrganizerRole,
    Pairing,
    PoliticalStatus,
    Street,
    Transfer,
    TransferStatus,
)
from branches.roles import DISTRICT_ADMIN_GROUP
from stations.models import Station, StationStaff

PASSWORD = "Yangpu-demo-2026"
DEMO_USERNAMES = ["district", "auditor", "wujiaochang", "meituan", "station", "rider"]
# Yangpu district, generously (WGS-84): south, north, west, east.
SOUTH, NORTH, WEST, EAST = 31.25, 31.34, 121.50, 121.56

MODELS = [
    Street,
    Enterprise,
    Organization,
    Member,
    Station,
    Pairing,
    Transfer,
    OrganizerAssignment,
    StationStaff,
    get_user_model(),
]


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def parent_of(organization: Organization) -> Organization:
    return Organization.objects.get_parent(organization)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def snapshot() -> tuple[list, list]:
    """The rows a second run must leave alone, with their `updated_at`."""
    members = Member.objects.order_by("phone").values_list("phone", "name", "updated_at")
    stations = Station.objects.order_by("pk").values_list("name", "latitude", "updated_at")
    return list(members), list(stations)


@pytest.mark.django_db
class TestDemoDistrict:
    """Read-only checks of one seeded district (seeded once for the class: `demo_district`)."""

    def test_seed_loads_the_whole_district(self, demo_district):
        assert Street.objects.count() == 12
        assert Street.objects.filter(name="五角场街道", slug="wujiaochang").exists()
        short_names = set(Enterprise.objects.values_list("short_name", flat=True))
        assert {"美团", "哔哩哔哩", "达达"} <= short_names
        assert 190 <= Member.objects.count() <= 210
        assert 25 <= Station.objects.count() <= 35
        # Every street has its own HUI新屋 station.
        assert set(
            Station.objects.filter(brand="HUI新屋").values_list("street__slug", flat=True)
        ) == set(Street.objects.values_list("slug", flat=True))

    def test_tree_hangs_from_the_district_committee(self, demo_district):
        root = Organization.objects.get_root_nodes().get()
        assert root.name == "中共上海市杨浦区委"
        assert root.kind == OrganizationKind.DISTRICT
        others = Organization.objects.exclude(pk=root.pk)
        assert others.exists()
        assert all(org.path.startswith(root.path) and org.depth > 1 for org in others)

        rider_branch = Organization.objects.get(name="外卖骑手党支部")
        assert parent_of(rider_branch).name == "美团(上海)党委"
        assert parent_of(rider_branch).enterprise.short_name == "美团"
        assert rider_branch.group_served == OccupationGroup.RIDER
        creator_branch = Organization.objects.get(name="UP主党支部")
        assert creator_branch.form == OrganizationForm.ONLINE
        assert creator_branch.group_served == OccupationGroup.CREATOR
        assert parent_of(creator_branch).name == "哔哩哔哩党委"
        assert parent_of(Organization.objects.get(name="达疆党支部")).name == "达达党委"
        mobile = Organization.objects.filter(form=OrganizationForm.ON_WHEELS)
        assert mobile.filter(kind=OrganizationKind.BRANCH).exists()
        # Street committees and everything under them carry their street.
        for committee in Organization.objects.filter(kind=OrganizationKind.STREET_COMMITTEE):
            assert committee.street is not None
            descendants = Organization.objects.get_descendants(committee)
            assert not descendants.exclude(street=committee.street).exists()
        assert Organization.objects.filter(kind=OrganizationKind.STREET_COMMITTEE).count() == 12

    def test_party_members_belong_to_an_organization_and_masses_to_none(self, demo_district):
        masses = Member.objects.filter(political_status=PoliticalStatus.MASSES)
        others = Member.objects.exclude(political_status=PoliticalStatus.MASSES)
        assert masses.exists()
        assert others.exists()
        assert not masses.filter(organization__isnull=False).exists()
        assert not others.filter(organization__isnull=True).exists()

    def test_every_phone_is_in_the_unreachable_100_range(self, demo_district):
        phones = list(Member.objects.values_list("phone", flat=True))
        assert phones
        assert all(re.fullmatch(r"100\d{8}", phone) for phone in phones)

    def test_every_station_and_street_lies_in_yangpu(self, demo_district):
        points = list(Station.objects.values_list("name", "latitude", "longitude"))
        points += list(Street.objects.values_list("name", "latitude", "longitude"))
        outside = [
            name for name, lat, lng in points if not (SOUTH <= lat <= NORTH and WEST <= lng <= EAST)
        ]
        assert outside == []

    def test_every_station_has_hours_amenities_and_programs(self, demo_district):
        from stations.models import OpeningHours, StationAmenity, StationProgram

        stations = set(Station.objects.values_list("pk", flat=True))
        assert set(OpeningHours.objects.values_list("station", flat=True)) == stations
        assert set(StationAmenity.objects.values_list("station", flat=True)) == stations
        assert set(StationProgram.objects.values_list("station", flat=True)) == stations
        # The demo shows a 24-hour station and an overnight shift.
        assert OpeningHours.objects.filter(station__name="殷行骑手驿站", all_day=True).count() == 7
        night = OpeningHours.objects.get(station__name="达达骑士之家", weekday=0, opens="22:00")
        assert night.is_overnight

    def test_demo_outlets_lie_in_their_streets(self, demo_district):
        from stations.models import Outlet

        outlets = list(Outlet.objects.values_list("latitude", "longitude"))
        assert len(outlets) == 6
        assert all(SOUTH <= lat <= NORTH and WEST <= lng <= EAST for lat, lng in outlets)

    def test_demo_users_can_sign_in_with_their_roles(self, demo_district):
        output = demo_district

        assert PASSWORD in output
        for username in DEMO_USERNAMES:
            user = authenticate(username=username, password=PASSWORD)
            assert user is not None, username
            assert user.get_full_name(), username

        users = get_user_model().objects
        district = users.get(username="district")
        assert district.is_staff
        assert not district.is_superuser
        assert district.groups.filter(name=DISTRICT_ADMIN_GROUP).exists()
        assert users.get(username="auditor").groups.filter(name="auditor").exists()

        rider = users.get(username="rider")
        assert rider.member.organization.name == "外卖骑手党支部"
        assert rider.member.political_status == PoliticalStatus.FULL
        assert rider.member.employer.short_name == "美团"

        station = StationStaff.objects.get(user__username="station").station
        assert station.street.name == "五角场街道"

        assert OrganizerAssignment.objects.filter(
            user__username="wujiaochang", role=OrganizerRole.STREET, street__name="五角场街道"
        ).exists()
        assert OrganizerAssignment.objects.filter(
            user__username="meituan",
            role=OrganizerRole.ENTERPRISE,
            organization__name="美团(上海)党委",
        ).exists()

    def test_demo_has_histories_a_correction_a_pending_transfer_and_pairings(self, demo_district):
        from branches.models import MemberStatusChange

        assert MemberStatusChange.objects.count() == 10
        assert MemberStatusChange.objects.filter(is_correction=True).count() == 1
        transfer = Transfer.objects.get()
        assert transfer.status == TransferStatus.PENDING
        assert transfer.to_organization.street.slug == "wujiaochang"
        assert Pairing.objects.count() == 3

    def test_demo_activities_with_attendance_and_minutes(self, demo_district):
        from services.models import Activity, Attendance, Minutes, MinutesStatus

        committee = Activity.objects.get(title="支部委员会：研究骑手关爱工作")
        assert committee.host_organization.name == "外卖骑手党支部"
        assert committee.station.street.slug == "wujiaochang"
        assert Activity.objects.filter(audience="public").count() == 2
        assert Minutes.objects.filter(status=MinutesStatus.APPROVED).count() == 1
        assert Attendance.objects.filter(status="present").exists()

    def test_demo_passport_goal_course_route_and_the_riders_stamps(self, demo_district):
        from services.models import Lesson, Route, Stamp, StampGoal

        assert Route.objects.get(name="杨浦滨江秀带线").stops.count() == 4
        assert Lesson.objects.filter(series__title__startswith="大家微讲堂").count() == 2
        assert StampGoal.objects.get().stamps_required == 6
        rider = Stamp.objects.filter(member__user__username="rider").first().member
        kinds = set(Stamp.objects.filter(member=rider).values_list("source_kind", flat=True))
        assert {"station_checkin", "lesson", "route_stop"} <= kinds

    def test_demo_benefit_aid_commendation_and_career_plan(self, demo_district):
        from services.benefits import Benefit
        from services.care import AidApplication, AidState, CareerPlan, Commendation

        benefit = Benefit.objects.get()
        assert benefit.min_stamps == 6 and "300" in benefit.title
        assert benefit.provider.staff.filter(username="station").exists()
        application = AidApplication.objects.get()
        assert application.state == AidState.APPROVED and application.actions.count() == 3
        assert Commendation.objects.honour_roll().count() == 1
        assert CareerPlan.objects.get().completions.count() == 1

    def test_no_seeded_account_is_a_superuser_or_holds_two_admin_roles(self, demo_district):
        from yangpu_portal.duties import violations

        assert not get_user_model().objects.filter(is_superuser=True).exists()
        assert violations() == []

    def test_demo_logins_that_need_it_have_the_published_authenticator(
        self, demo_district, debug_on
    ):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        from tests.conftest import totp_code
        from yangpu_portal.demo_data import DEMO_TOTP_SECRET

        owners = sorted(
            Authenticator.objects.filter(type="totp").values_list("user__username", flat=True)
        )
        assert owners == ["auditor", "district"]
        authenticator = Authenticator.objects.get(user__username="district", type="totp")
        assert TOTP(authenticator).validate_code(totp_code(DEMO_TOTP_SECRET))
        out = io.StringIO()
        call_command("demo_totp", stdout=out)
        assert out.getvalue().split()[0] == totp_code(DEMO_TOTP_SECRET)

    def test_a_second_run_changes_nothing_but_resets_demo_passwords(self, demo_district, debug_on):
        from allauth.mfa.models import Authenticator

        from branches.models import ContactVisit, Instructor
        from services.models import Activity, Stamp

        first_counts, first_rows = counts(), snapshot()
        activities = Activity.objects.count()
        district = get_user_model().objects.get(username="district")
        district.set_password("changed-by-someone-2026")
        district.save()

        stamps = Stamp.objects.count()
        output = seed("--with-demo-users")

        assert counts() == first_counts
        assert Stamp.objects.count() == stamps
        assert "route stop check-ins 2 (0 new)" in output
        for label in ("benefits", "aid applications", "commendations", "career plans"):
            assert f"{label} 1 (0 new)" in output
        assert snapshot() == first_rows
        assert Activity.objects.count() == activities
        assert "(0 new)" in output
        assert re.search(r"\([1-9]\d* new\)", output) is None
        assert get_user_model().objects.filter(username__in=DEMO_USERNAMES).count() == 6
        assert OrganizerAssignment.objects.count() == 2
        assert StationStaff.objects.count() == 1
        assert Member.objects.filter(user__username="rider").count() == 1
        assert authenticate(username="district", password=PASSWORD) is not None
        assert Authenticator.objects.filter(type="totp").count() == 2
        assert ContactVisit.objects.count() == 3  # still two enterprise visits and one station
        assert (
            ContactVisit.objects.filter(target_kind="place", place__station__isnull=False).count()
            == 1
        )
        assert Instructor.objects.count() == 2


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    output = seed("--dry-run")

    assert "rolled back" in output
    assert Street.objects.count() == 0
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_demo_users_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed("--with-demo-users")

    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()
    assert Street.objects.count() == 0
