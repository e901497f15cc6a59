"""`manage.py seed_demo [--with-demo-users] [--dry-run]`: load the demo district.

The fixed data (streets, enterprises, organization tree, stations, logins) is in
`yangpu_portal.demo_data`; the members are drawn here from `random.Random(demo_data.SEED)`, in
the same order on every run, so the same people come out each time. Rows are found by natural
key and created only when missing; existing rows are never changed (except the demo logins,
whose password and roles are reset).

Cost: about 6,000 queries on an empty database (model validation checks each constraint in a
query of its own, some 20 per member), under 200 when everything exists; about a second on
SQLite either way, plus one password hash with --with-demo-users.
"""

import random
from collections import Counter
from datetime import date, time, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from branches.actions import (
    member_advance_status,
    member_correct_status,
    member_create,
    organization_create,
    pairing_create,
    transfer_request,
    visit_create,
)
from branches.models import (
    ContactVisit,
    Enterprise,
    Instructor,
    Member,
    Organization,
    OrganizationKind,
    OrganizerAssignment,
    OrganizerRole,
    Pairing,
    PoliticalStatus,
    Street,
    Transfer,
)
from stations.actions import (
    Shift,
    outlet_survey,
    staff_assign,
    station_closure_add,
    station_create,
    station_features_set,
    station_hours_set,
)
from stations.geo import metres_per_degree
from stations.models import Outlet, Station, StationStaff
from yangpu_portal import demo_data as demo
from yangpu_portal.actions import dashboard_refresh
from yangpu_portal.navigation import roles_of

PARTY_MEMBERS = {PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL}


class Command(BaseCommand):
    help = (
        "Load Yangpu's demo district: 12 streets, platform enterprises, the party organization "
        f"tree, {demo.MEMBER_COUNT} generated members and about 30 stations. Safe to run twice: "
        "rows are matched by natural key (street slug, enterprise name, organization name under "
        "its parent, member phone, station name in its street) and only missing ones are "
        "created; nothing existing is changed. Deterministic (seeded generator). Member phones "
        "start with 100, which reaches no real person. --with-demo-users also creates the demo "
        f"logins of DESIGN.md with the password {demo.DEMO_PASSWORD} (reset on every run); it "
        "is refused when DEBUG is off. Everything runs in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-demo-users",
            action="store_true",
            help="Also create the demo logins (only when DEBUG is on).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything, report the counts, then roll back.",
        )

    def handle(self, *args, with_demo_users=False, dry_run=False, **options):
        if with_demo_users and not settings.DEBUG:
            raise CommandError(
                "--with-demo-users is refused when DEBUG is off: every demo login shares a "
                "published password. Run it on a development database with DJANGO_DEBUG=on."
            )
        seeder = Seeder(random.Random(demo.SEED))
        try:
            with transaction.atomic():
                seeder.seed()
                if with_demo_users:
                    seeder.seed_demo_users()
                # After the logins, so that the demo steps name `district` as their recorder.
                seeder.seed_histories()
                if dry_run:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            raise CommandError(f"seed_demo stopped and wrote nothing: {exc}") from exc
        except Group.DoesNotExist as exc:
            raise CommandError(
                "seed_demo stopped and wrote nothing: the role groups are missing "
                "(migration yangpu_portal 0002). Run manage.py migrate first."
            ) from exc

        prefix = "seed_demo (dry run, rolled back)" if dry_run else "seed_demo"
        self.stdout.write(f"{prefix}: {seeder.summary()}")
        if not dry_run:
            # The dashboard reads pre-aggregated figures: build them so the demo shows data.
            stamp = dashboard_refresh()
            self.stdout.write(f"dashboard refreshed: {stamp.rows} figures")
        if with_demo_users:
            self.stdout.write(demo_logins_table())


def demo_logins_table() -> str:
    width = max(len(user.username) for user in demo.DEMO_USERS) + 2
    lines = [f"Demo logins, password for all: {demo.DEMO_PASSWORD}"]
    lines += [f"  {user.username:<{width}}{user.role}" for user in demo.DEMO_USERS]
    lines.append(
        "district and auditor also need a two-factor code: run `python manage.py demo_totp` "
        f"(or add the secret {demo.DEMO_TOTP_SECRET} to an authenticator app)"
    )
    return "\n".join(lines)


class Seeder:
    """Creates whatever of the demo data is missing. Draws from `rng` in a fixed order whatever
    already exists, so a partial database is completed with the same values a fresh one gets."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.counts: dict[str, Counter] = {}  # label -> {True: created, False: existing}
        self.streets: dict[str, Street] = {}
        self.enterprises: dict[str, Enterprise] = {}
        self.organizations: dict[str, Organization] = {}

    def summary(self) -> str:
        return ", ".join(
            f"{label} {counts.total()} ({counts[True]} new)"
            for label, counts in self.counts.items()
        )

    def _tally(self, label: str, created: bool) -> None:
        self.counts.setdefault(label, Counter())[created] += 1

    # --- The district ---------------------------------------------------------------------------

    def seed(self) -> None:
        self._seed_streets()
        self._seed_enterprises()
        self._seed_organizations()
        self._seed_members()
        self._seed_stations()
        self._seed_pairings()
        self._seed_instructors()
        self._seed_outlets()
        self._seed_report_routing()
        self._seed_passport()
        self._seed_care()

    def _seed_passport(self) -> None:
        """Issue 6: the stamp goal, the micro-course series and the 杨浦滨江秀带线 route
        (idempotent: found again by name or title and left alone)."""
        from services.models import CourseSeries, Lesson, Route, RouteStop, StampGoal

        for name, required, benefit, amount in demo.STAMP_GOALS:
            _goal, created = StampGoal.objects.get_or_create(
                name=name,
                defaults={
                    "stamps_required": required,
                    "benefit_label": benefit,
                    "benefit_amount": amount,
                },
            )
            self._tally("stamp goals", created)
        for title, description, lessons in demo.COURSES:
            series, created = CourseSeries.objects.get_or_create(
                title=title, defaults={"description": description, "is_published": True}
            )
            self._tally("course series", created)
            for order, (lesson_title, minutes, video, text) in enumerate(lessons, start=1):
                _lesson, created = Lesson.objects.get_or_create(
                    series=series,
                    order=order,
                    defaults={
                        "title": lesson_title,
                        "duration_minutes": minutes,
                        "video_url": video,
                        "text": text,
                    },
                )
                self._tally("lessons", created)
        route, created = Route.objects.get_or_create(
            name=demo.ROUTE_NAME,
            defaults={"description": demo.ROUTE_DESCRIPTION, "is_published": True},
        )
        self._tally("routes", created)
        for order, (name, latitude, longitude, text) in enumerate(demo.ROUTE_STOPS, start=1):
            _stop, created = RouteStop.objects.get_or_create(
                route=route,
                order=order,
                defaults={
                    "name": name,
                    "latitude": latitude,
                    "longitude": longitude,
                    "description": text,
                },
            )
            self._tally("route stops", created)

    def _seed_report_routing(self) -> None:
        """Issue 7: each street's city-operations centre handles every report category there
        (idempotent: existing units and rules are left alone)."""
        from services.reports import HandlingUnit, ReportCategory, RoutingRule

        categories = list(ReportCategory.objects.all())
        for street in self.streets.values():
            unit, created = HandlingUnit.objects.get_or_create(
                name=f"{street.name}城市运行管理中心"
            )
            self._tally("handling units", created)
            for category in categories:
                _, created = RoutingRule.objects.get_or_create(
                    category=category, street=street, defaults={"unit": unit}
                )
                self._tally("routing rules", created)

    def _seed_streets(self) -> None:
        for order, spec in enumerate(demo.STREETS, start=1):
            street = Street.objects.filter(slug=spec.slug).first()
            created = street is None
            if created:
                street = Street(
                    slug=spec.slug,
                    name=spec.name,
                    sort_order=order,
                    latitude=spec.latitude,
                    longitude=spec.longitude,
                )
                street.full_clean()
                street.save()
            self._tally("streets", created)
            self.streets[spec.slug] = street

    def _seed_enterprises(self) -> None:
        for spec in demo.ENTERPRISES:
            enterprise = Enterprise.objects.filter(name=spec.name).first()
            created = enterprise is None
            if created:
                enterprise = Enterprise(
                    name=spec.name, short_name=spec.short_name, sector=spec.sector
                )
                enterprise.full_clean()
                enterprise.save()
            self._tally("enterprises", created)
            self.enterprises[spec.name] = enterprise

    def _seed_organizations(self) -> None:
        pks = {}
        for spec in demo.ORGANIZATIONS:
            secretary = self._person_name(male=self.rng.random() < 0.6)
            parent = None
            siblings = Organization.objects.get_root_nodes()
            if spec.parent is not None:
                # Re-read the parent: a sorted insert (node_order_by) may have moved its path.
                parent = Organization.objects.get(pk=pks[spec.parent])
                siblings = Organization.objects.get_children(parent)
            organization = siblings.filter(name=spec.name).first()
            created = organization is None
            if created:
                organization = organization_create(
                    parent=parent,
                    name=spec.name,
                    kind=spec.kind,
                    form=spec.form,
                    street=self.streets.get(spec.street),
                    enterprise=self.enterprises.get(spec.enterprise),
                    group_served=spec.group_served,
                    founded_on=spec.founded_on,
                    secretary_name=secretary,
                )
            self._tally("organizations", created)
            pks[spec.name] = organization.pk
        by_pk = Organization.objects.in_bulk(pks.values())
        self.organizations = {name: by_pk[pk] for name, pk in pks.items()}

    def _seed_members(self) -> None:
        specs = [self._draw_member(n) for n in range(1, demo.MEMBER_COUNT + 1)]
        existing = Member.objects.in_bulk([spec["phone"] for spec in specs], field_name="phone")
        for spec in specs:
            created = spec["phone"] not in existing
            if created:
                member_create(**spec)
            self._tally("members", created)

    def _seed_stations(self) -> None:
        south, north, west, east = demo.YANGPU_BBOX
        for spec in demo.STATIONS:
            street_spec = next(s for s in demo.STREETS if s.slug == spec.street)
            jitter = demo.STATION_JITTER
            latitude = street_spec.latitude + self.rng.uniform(-jitter, jitter)
            longitude = street_spec.longitude + self.rng.uniform(-jitter, jitter)
            address = spec.address or (
                f"{self.rng.choice(street_spec.roads)}{self.rng.randint(8, 1600)}号"
            )
            capacity = self.rng.randrange(10, 61, 5)
            street = self.streets[spec.street]
            station = Station.objects.filter(street=street, name=spec.name).first()
            created = station is None
            if created:
                station = station_create(
                    name=spec.name,
                    street=street,
                    kind=spec.kind,
                    brand=spec.brand,
                    host_organization=self.organizations.get(spec.host_organization),
                    host_name=spec.host_name,
                    address=address,
                    latitude=round(min(max(latitude, south), north), 6),
                    longitude=round(min(max(longitude, west), east), 6),
                    capacity=capacity,
                    description=spec.description,
                )
            self._tally("stations", created)
            self._seed_station_details(station, spec)

    def _seed_station_details(self, station: Station, spec: demo.StationSpec) -> None:
        """Hours, amenities, programs and closures, each only when the station has none."""
        has_hours = station.hours.exists()
        if not has_hours:
            station_hours_set(
                station=station,
                shifts=[
                    Shift(weekday=day, all_day=True)
                    if opens is None
                    else Shift(
                        weekday=day,
                        opens=time.fromisoformat(opens),
                        closes=time.fromisoformat(closes),
                    )
                    for days, opens, closes in demo.station_shifts(spec)
                    for day in days
                ],
            )
        self._tally("station hours", not has_hours)
        has_features = station.amenity_rows.exists() or station.program_rows.exists()
        if not has_features:
            station_features_set(
                station=station,
                amenities=demo.AMENITIES_BY_KIND[spec.kind],
                programs=demo.PROGRAMS_BY_KIND[spec.kind],
            )
        self._tally("station features", not has_features)
        if not station.closures.exists():
            for on, reason in demo.CLOSURES_BY_KIND.get(spec.kind, ()):
                station_closure_add(station=station, on=on, reason=reason)

    def _seed_outlets(self) -> None:
        existing = set(Outlet.objects.values_list("street__slug", "name"))
        for spec in demo.OUTLETS:
            created = (spec.street, spec.name) not in existing
            if created:
                street_spec = next(s for s in demo.STREETS if s.slug == spec.street)
                outlet_survey(
                    by=None,
                    enterprise=self.enterprises[spec.enterprise],
                    brand=spec.brand,
                    name=spec.name,
                    street=self.streets[spec.street],
                    address=spec.address,
                    latitude=round(street_spec.latitude + spec.offset[0], 6),
                    longitude=round(street_spec.longitude + spec.offset[1], 6),
                    rider_count=spec.riders,
                    surveyed_at=date(2026, 10, 15),
                )
            self._tally("outlets", created)

    def _seed_pairings(self) -> None:
        for spec in demo.PAIRINGS:
            organization = self.organizations[spec.organization]
            street = self.streets[spec.street]
            exists = Pairing.objects.filter(
                organization=organization, street=street, community=spec.community
            ).exists()
            if not exists:
                pairing_create(
                    organization=organization,
                    community=spec.community,
                    street=street,
                    started_on=spec.started_on,
                    notes=spec.notes,
                )
            self._tally("pairings", not exists)

    def seed_histories(self) -> None:
        """A few members whose lifecycle steps are recorded, and one pending transfer. A
        member's steps are recorded only when the member is created here."""
        recorder = get_user_model().objects.filter(username="district").first()
        for spec in demo.HISTORIES:
            member = Member.objects.filter(phone=spec.phone).first()
            created = member is None
            if created:
                member = member_create(
                    name=spec.name,
                    gender=spec.gender,
                    phone=spec.phone,
                    occupation=spec.occupation,
                    employer=self.enterprises.get(spec.employer),
                    street=self.streets[spec.street],
                    consent_to_contact=True,
                )
                organization = self.organizations[spec.organization]
                for step in spec.steps:
                    if step.correction:
                        member_correct_status(
                            member=member,
                            to_status=step.status,
                            on=step.on,
                            by=recorder,
                            reason=step.note,
                        )
                    else:
                        member_advance_status(
                            member=member,
                            to_status=step.status,
                            on=step.on,
                            by=recorder,
                            note=step.note,
                            organization=organization,
                        )
            self._tally("members", created)
        phone, organization_name, reason = demo.PENDING_TRANSFER
        member = Member.objects.get(phone=phone)
        exists = Transfer.objects.filter(member=member).exists()
        if not exists:
            transfer_request(
                member=member,
                to_organization=self.organizations[organization_name],
                by=recorder,
                reason=reason,
            )
        self._tally("transfers", not exists)
        self._seed_reports()

    def _seed_reports(self) -> None:
        """Issue 7: the demo rider's reports at several stages, handled by each street's
        centre, so the public map, "my reports" and the triage console have something to show.
        Only with the demo logins (the rider files them) and only once."""
        from services import report_actions
        from services.reports import Report, ReportCategory, RoutingRule

        User = get_user_model()
        rider = User.objects.filter(username="rider").first()
        handler = User.objects.filter(username="district").first()
        if rider is None or handler is None or Report.objects.filter(reporter__user=rider).exists():
            return
        now = timezone.now()
        for days, category, slug, (north, east), address, text, stage in demo.DEMO_REPORTS:
            spec = next(street for street in demo.STREETS if street.slug == slug)
            per_lat, per_lng = metres_per_degree(spec.latitude)
            at = now - timedelta(days=days)
            report = report_actions.report_submit(
                by=rider,
                category=ReportCategory.objects.get(name=category),
                description=text,
                latitude=round(spec.latitude + north / per_lat, 6),
                longitude=round(spec.longitude + east / per_lng, 6),
                address=address,
                street=self.streets[slug],
                now=at,
            )
            if stage != "submitted":
                report_actions.report_accept(report=report, by=handler)
            if stage in ("dispatched", "resolved"):
                rule = RoutingRule.objects.get(category=report.category, street=report.street)
                report_actions.report_dispatch(report=report, unit=rule.unit, by=handler)
            if stage == "resolved":
                report_actions.report_start(report=report, by=handler)
                report_actions.report_resolve(report=report, by=handler, note="已更换井盖。")
            self._tally("reports", True)

    def _seed_instructors(self) -> None:
        for name, enterprise_names, since in demo.INSTRUCTORS:
            instructor = Instructor.objects.filter(name=name).first()
            created = instructor is None
            if created:
                instructor = Instructor(name=name, since=since)
                instructor.full_clean()
                instructor.save()
                instructor.enterprises.add(*(self.enterprises[n] for n in enterprise_names))
            self._tally("instructors", created)

    # --- Drawing members ------------------------------------------------------------------------

    def _person_name(self, *, male: bool) -> str:
        rng = self.rng
        # Weighted by rank: 王 is about 20 times as likely as the last surname.
        surname = rng.choices(demo.SURNAMES, weights=range(len(demo.SURNAMES) + 20, 20, -1))[0]
        pool = demo.MALE_GIVEN if male else demo.FEMALE_GIVEN
        length = 1 if rng.random() < 0.25 else 2
        return surname + "".join(rng.choice(pool) for _ in range(length))

    def _draw_member(self, n: int) -> dict:
        """The n-th demo member's fields, as `member_create` takes them."""
        rng = self.rng
        occupation = _weighted(rng, demo.OCCUPATION_WEIGHTS)
        male = rng.randrange(100) < demo.MALE_PERCENT[occupation]
        name = self._person_name(male=male)
        street_spec = rng.choices(demo.STREETS, weights=[s.weight for s in demo.STREETS])[0]
        employer_name = _weighted(rng, demo.EMPLOYERS_BY_OCCUPATION[occupation])
        status = _weighted(rng, demo.POLITICAL_STATUS_WEIGHTS)
        worker_number = rng.randrange(10**7)
        is_party_member = status in PARTY_MEMBERS
        is_mobile = is_party_member and rng.random() < 0.3
        reported = is_party_member and rng.random() < 0.6
        community = rng.choice(street_spec.communities)
        reported_on = date(2023, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        consent = rng.random() < 0.75

        employer = self.enterprises.get(employer_name)
        worker_prefix = next(
            (e.worker_id_prefix for e in demo.ENTERPRISES if e.name == employer_name), ""
        )
        return {
            "name": name,
            "gender": "male" if male else "female",
            "phone": demo.demo_phone(n),
            "occupation": occupation,
            "employer": employer,
            "platform_worker_id": f"{worker_prefix}{worker_number:07d}" if employer else "",
            "street": self.streets[street_spec.slug],
            "organization": None
            if status == PoliticalStatus.MASSES
            else self._organization_for(occupation, employer_name, street_spec),
            "political_status": status,
            "is_mobile": is_mobile,
            "reported_community": community if reported else "",
            "reported_on": reported_on if reported else None,
            "consent_to_contact": consent,
        }

    def _organization_for(self, occupation, employer_name, street_spec) -> Organization:
        """The branch a party member or applicant belongs to: their enterprise's branch for
        their group (else its first branch) when the enterprise has a committee here; else their
        street's branch for their group; else their street's joint branch."""
        branches = [
            spec
            for spec in demo.ORGANIZATIONS
            if spec.kind == OrganizationKind.BRANCH and spec.enterprise == employer_name
        ]
        if not branches:
            branches = [
                spec
                for spec in demo.ORGANIZATIONS
                if spec.kind == OrganizationKind.BRANCH
                and spec.street == street_spec.slug
                and spec.enterprise is None
                and spec.group_served == occupation
            ]
        if branches:
            chosen = next((s for s in branches if s.group_served == occupation), branches[0])
            return self.organizations[chosen.name]
        return self.organizations[demo.joint_branch(street_spec)]

    def _seed_care(self) -> None:
        """Issue 6: the benefit that 6 stamps unlock (linked to a 6-stamp goal, if one exists),
        the aid program and the career track (idempotent: found again by name)."""
        from services.benefits import Benefit, BenefitProvider
        from services.care import AidProgram, CareerMilestone, CareerTrack
        from services.models import StampGoal

        provider, created = BenefitProvider.objects.get_or_create(name=demo.DEMO_BENEFIT_PROVIDER)
        self._tally("benefit providers", created)
        benefit = Benefit.objects.filter(
            provider=provider, title=demo.DEMO_BENEFIT["title"]
        ).first()
        if benefit is None:
            today = timezone.localdate()
            benefit = Benefit(
                provider=provider,
                valid_from=today,
                valid_until=today + timedelta(days=demo.DEMO_BENEFIT_DAYS),
                **demo.DEMO_BENEFIT,
            )
            benefit.full_clean()
            benefit.save()
            self._tally("benefits", True)
        else:
            self._tally("benefits", False)
        StampGoal.objects.filter(
            stamps_required=demo.DEMO_BENEFIT["min_stamps"], benefit__isnull=True
        ).update(benefit=benefit)

        spec = demo.DEMO_AID_PROGRAM
        _program, created = AidProgram.objects.get_or_create(
            name=spec["name"], defaults={k: v for k, v in spec.items() if k != "name"}
        )
        self._tally("aid programs", created)

        track, created = CareerTrack.objects.get_or_create(
            name=demo.DEMO_CAREER_TRACK, defaults={"description": demo.DEMO_CAREER_DESCRIPTION}
        )
        self._tally("career tracks", created)
        for order, title in enumerate(demo.DEMO_CAREER_MILESTONES, start=1):
            CareerMilestone.objects.get_or_create(
                track=track, order=order, defaults={"title": title}
            )

    def _demo_care(self, users) -> None:
        """The rider's approved aid application, approved commendation and career plan; the
        station login redeems the benefit's codes. Through the actions, once each."""
        from services import care_actions
        from services.benefits import BenefitProvider
        from services.care import AidApplication, AidProgram, CareerPlan, CareerTrack, Commendation

        rider = Member.objects.get(user=users["rider"])
        BenefitProvider.objects.get(name=demo.DEMO_BENEFIT_PROVIDER).staff.add(users["station"])

        program = AidProgram.objects.get(name=demo.DEMO_AID_PROGRAM["name"])
        exists = AidApplication.objects.filter(program=program, applicant=rider).exists()
        if not exists:
            application = care_actions.aid_apply(
                by=users["rider"], program=program, **demo.DEMO_AID_APPLICATION
            )
            care_actions.aid_move(
                application=application, move="review", by=users["wujiaochang"], note="材料齐全"
            )
            care_actions.aid_move(application=application, move="approve", by=users["district"])
        self._tally("aid applications", not exists)

        year = timezone.localdate().year
        spec = demo.DEMO_COMMENDATION
        exists = Commendation.objects.filter(member=rider, title=spec["title"], year=year).exists()
        if not exists:
            commendation = care_actions.commendation_nominate(
                by=users["meituan"], member=rider, year=year, **spec
            )
            care_actions.commendation_decide(
                commendation=commendation, approve=True, by=users["district"]
            )
        self._tally("commendations", not exists)

        track = CareerTrack.objects.get(name=demo.DEMO_CAREER_TRACK)
        created = not CareerPlan.objects.filter(track=track, member=rider).exists()
        if created:
            plan = care_actions.career_plan_start(by=users["meituan"], member=rider, track=track)
            care_actions.milestone_tick(
                plan=plan, milestone=track.milestones.get(order=1), by=users["meituan"]
            )
        self._tally("career plans", created)

    # --- Demo logins ----------------------------------------------------------------------------

    def seed_demo_users(self) -> None:
        # One hash for all six logins: PBKDF2 takes most of a second, and the password is
        # published anyway, so a shared salt gives nothing away.
        password = make_password(demo.DEMO_PASSWORD)
        users = {spec.username: self._demo_user(spec, password) for spec in demo.DEMO_USERS}
        self._assign(users["wujiaochang"], OrganizerRole.STREET, street=self.streets["wujiaochang"])
        self._assign(
            users["meituan"],
            OrganizerRole.ENTERPRISE,
            organization=self.organizations[demo.MEITUAN_COMMITTEE],
        )

        station = Station.objects.get(street=self.streets["wujiaochang"], name=demo.DEMO_STATION)
        exists = StationStaff.objects.filter(station=station, user=users["station"]).exists()
        staff_assign(station=station, user=users["station"])
        self._tally("station staff", not exists)

        self._demo_rider(users["rider"])
        for user in users.values():
            self._demo_totp(user)
        self._demo_visits(users["district"])
        self._demo_activities(users)
        self._demo_passport(users["rider"])
        self._demo_care(users)

    def _demo_passport(self, user) -> None:
        """Issue 6: the demo rider checked in at the demo station yesterday, finished the first
        lesson and walked the first two stops of the route, through the same actions a
        rider's phone calls, so /passport/ has stamps and a ledger. Each step happens once."""
        import time as clock

        from services import passport_actions
        from services.models import Lesson, RouteStop
        from stations.actions import checkin_record
        from stations.models import CheckIn
        from yangpu_portal.actions import consent_give

        member = Member.objects.get(user=user)
        station = Station.objects.get(name=demo.DEMO_STATION)
        # The demo rider registered like any worker: they consented to the privacy notice,
        # without which no check-in is stored (issue 9).
        consent_give(user=user, by=user)
        exists = CheckIn.objects.filter(member=member).exists()
        if not exists:
            checkin_record(
                member=member, station=station, by=user, at=timezone.now() - timedelta(days=1)
            )
        self._tally("station check-ins", not exists)
        lesson = Lesson.objects.filter(series__title=demo.COURSES[0][0], order=1).first()
        if lesson is not None:
            opened = clock.time() - lesson.duration_minutes * 60 - 60
            token = passport_actions.lesson_token(lesson=lesson, member=member, now=opened)
            finished = passport_actions.lesson_finish(lesson=lesson, by=user, token=token)
            self._tally("finished lessons", finished.created)
        for stop in RouteStop.objects.filter(route__name=demo.ROUTE_NAME, order__lte=2):
            visit = passport_actions.route_stop_checkin(stop=stop, by=user, method="qr")
            self._tally("route stop check-ins", visit.created)

    def _demo_totp(self, user) -> None:
        """The roles that require two-factor sign-in get an authenticator with the published
        demo secret, so the demo can be tried without setting one up."""
        if not roles_of(user).needs_two_factor:
            return
        exists = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        if not exists:
            TOTP.activate(user, demo.DEMO_TOTP_SECRET)
        self._tally("authenticators", not exists)

    def _demo_visits(self, user) -> None:
        today = timezone.localdate()
        for days_ago, enterprise_name, notes, follow_up, due_in in demo.VISITS:
            enterprise = self.enterprises[enterprise_name]
            exists = ContactVisit.objects.filter(enterprise=enterprise, notes=notes).exists()
            if not exists:
                visit_create(
                    by=user,
                    visited_on=today - timedelta(days=days_ago),
                    notes=notes,
                    enterprise=enterprise,
                    follow_up=follow_up,
                    follow_up_due=today + timedelta(days=due_in) if due_in else None,
                )
            self._tally("visits", not exists)
        # Issue 3: a visit to a station as well (stations.PlaceVisit beside the visit).
        from stations.actions import place_visit_create
        from stations.models import PlaceVisit

        station = Station.objects.get(street=self.streets["wujiaochang"], name=demo.DEMO_STATION)
        notes = "查看骑手休息区使用情况，补充饮水设施"
        exists = PlaceVisit.objects.filter(station=station, visit__notes=notes).exists()
        if not exists:
            place_visit_create(
                by=user, visited_on=today - timedelta(days=3), notes=notes, station=station
            )
        self._tally("visits", not exists)

    def _demo_activities(self, users) -> None:
        """Issue 5's demo activities, through the services actions (idempotent by host and
        title: an existing one is left alone)."""
        from datetime import datetime, time

        from services import actions as activity_actions
        from services.attendance import roster
        from services.models import Activity

        today = timezone.localdate()
        for spec in demo.ACTIVITIES:
            host = self.organizations[spec.host]
            if Activity.objects.filter(host_organization=host, title=spec.title).exists():
                self._tally("activities", False)
                continue
            by = users[spec.by]
            start = timezone.make_aware(
                datetime.combine(today + timedelta(days=spec.days), time(spec.hour))
            )
            venue = {"address": spec.address, "online_url": spec.online_url}
            if spec.station:
                venue["station"] = Station.objects.get(name=spec.station)
            activity = activity_actions.activity_create(
                by=by,
                publish=True,
                title=spec.title,
                kind=spec.kind,
                program=spec.program,
                host_organization=host,
                start=start,
                end=start + timedelta(hours=2),
                audience=spec.audience,
                capacity=spec.capacity,
                description=spec.description,
                **venue,
            )
            self._tally("activities", True)
            if spec.days >= 0:
                continue
            members = list(roster(activity)[:12])
            entries = [
                {"member": m, "status": "absent" if i % 5 == 4 else "present", "late": i == 1}
                for i, m in enumerate(members)
            ]
            activity_actions.attendance_mark(activity=activity, by=by, entries=entries)
            if spec.minutes:
                names = [m.name for m in members] or ["—"]
                minutes = activity_actions.minutes_save(
                    activity=activity,
                    by=by,
                    chair=names[0],
                    recorder=names[-1],
                    topic=spec.title,
                    content="传达学习上级精神；通报支部近期工作；讨论骑手关爱与安全。",
                    resolutions="一、按月开展交通安全提醒；二、做好发展党员工作。",
                )
                if spec.approve:
                    activity_actions.minutes_approve(minutes=minutes, by=by)

    def _demo_user(self, spec: demo.DemoUser, password: str):
        user_model = get_user_model()
        user = user_model.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = user_model(username=spec.username)
        user.last_name = spec.last_name
        user.first_name = spec.first_name
        user.is_staff = spec.is_staff
        user.is_superuser = False
        user.is_active = True
        user.password = password
        # The demo password is published, not temporary: no forced change, no expiry clock.
        user.password_changed_at = timezone.now()
        user.must_change_password = False
        user.full_clean()
        user.save()
        if spec.group:
            user.groups.add(Group.objects.get(name=spec.group))
        self._tally("users", created)
        return user

    def _assign(self, user, role: str, **target) -> None:
        assignment = OrganizerAssignment.objects.filter(user=user, **target).first()
        created = assignment is None
        if created:
            # branches.actions has no assignment action yet; validate as an action would.
            assignment = OrganizerAssignment(user=user, role=role, since=date(2025, 1, 1), **target)
            assignment.full_clean()
            assignment.save()
        self._tally("assignments", created)

    def _demo_rider(self, user) -> None:
        fields = {
            **demo.DEMO_RIDER,
            "employer": self.enterprises[demo.DEMO_RIDER["employer"]],
            "street": self.streets[demo.DEMO_RIDER["street"]],
            "organization": self.organizations[demo.DEMO_RIDER["organization"]],
        }
        member = Member.objects.filter(phone=fields["phone"]).first()
        created = member is None
        if created:
            member_create(user=user, **fields)
        elif member.user_id != user.pk:
            # The login was deleted and made again (Member.user is SET_NULL): link it back.
            member.user = user
            member.full_clean()
            member.save(update_fields=["user", "updated_at"])
        self._tally("members", created)


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]
