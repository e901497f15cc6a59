"""The large benchmark data set (issue 10): a real-sized district, bulk-inserted.

`BenchSeeder(scale).seed()` writes, at scale 1: 12 streets, 300 organizations, 20,000
members, 400 stations, 2,000 outlets, 50,000 activities, 500,000 attendance and check-in
rows (300,000 + 200,000) and 20,000 reports, plus four bench logins (`BENCH_USERS`). Streets
are weighted (五角场 and 殷行 busy, 复兴岛-side 定海路 and 长海路 quiet), so scoped pages see
realistic spreads.

Everything goes through `bulk_create` in batches (no actions, no per-row validation): the
rows are built to satisfy every database constraint, which the database checks anyway. This
bypasses the audit trail on purpose: it is synthetic data for a throw-away database, and
`seed_bench` refuses any database that holds other data (`foreign_data`).

Deterministic: one `random.Random(SEED)`; the same scale gives the same rows."""

import random
import uuid
from datetime import date, datetime, time, timedelta

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from branches.models import (
    Enterprise,
    Member,
    Organization,
    OrganizationKind,
    OrganizerAssignment,
    OrganizerRole,
    Street,
)
from branches.roles import DISTRICT_ADMIN_GROUP
from stations.models import (
    Amenity,
    CheckIn,
    OpeningHours,
    Outlet,
    Program,
    Station,
    StationAmenity,
    StationKind,
    StationProgram,
    StationStaff,
)
from stations.models.stations import STATION_TIME_ZONE
from yangpu_portal import demo_data as demo

SEED = 20261126
# The district root's name marks a bench database: `seed_bench` refuses any other data.
BENCH_ROOT_NAME = "杨浦区委（基准数据）"
# Member phones 109xxxxxxxx reach nobody (the demo's start with 100).
BENCH_PHONE_PREFIX = "109"
BENCH_USER_PREFIX = "bench-"
BENCH_TOTP_SECRET = demo.DEMO_TOTP_SECRET
BATCH = 5000

# Full-scale counts (scale 1.0). Attendance + check-ins = 500,000.
COUNTS = {
    "organizations": 300,
    "members": 20_000,
    "stations": 400,
    "outlets": 2_000,
    "activities": 50_000,
    "attendance": 300_000,
    "checkins": 200_000,
    "reports": 20_000,
}
# Relative activity of each street (DESIGN order): squared demo weights make the busy streets
# (五角场, 殷行, 控江路) several times the quiet ones.
BUSY_STREET = "wujiaochang"

# Who `make bench` signs in as (username -> role).
BENCH_USERS = {
    "bench-district": "district admin",
    "bench-street": "street organizer, 五角场街道",
    "bench-station": "staff of one station in 五角场街道",
    "bench-rider": "a rider, party member with check-ins and attendance",
}

SERVICE_KINDS = [
    ("theme_day", "ideology"),
    ("micro_care", "assistance"),
    ("micro_lecture", "ideology"),
    ("micro_charity", "assistance"),
    ("skills", "career"),
    ("counselling", "health"),
    ("health_check", "health"),
    ("care", "rest_stop"),
    ("volunteer", "passport"),
    ("recreation", "culture"),
    ("policy_talk", "policy"),
]
MEETINGS_MONTHLY = ("branch_committee", "group_meeting")
MEETINGS_QUARTERLY = ("branch_assembly", "party_lecture")


def foreign_data() -> list[str]:
    """What in the database is not bench data (empty when it is empty or bench-only)."""
    User = get_user_model()
    found = []
    if Member.objects.exclude(phone__startswith=BENCH_PHONE_PREFIX).exists():
        found.append("members")
    if User.objects.exclude(username__startswith=BENCH_USER_PREFIX).exists():
        found.append("user accounts")
    bench_tree = Organization.objects.filter(depth=1, name=BENCH_ROOT_NAME).first()
    others = Organization.objects.all()
    if bench_tree is not None:
        others = others.exclude(path__startswith=bench_tree.path)
    if others.exists():
        found.append("organizations")
    if bench_tree is None and Station.objects.exists():
        found.append("stations")
    return found


def is_seeded() -> bool:
    return Organization.objects.filter(depth=1, name=BENCH_ROOT_NAME).exists()


class BenchSeeder:
    def __init__(self, scale: float = 1.0, *, now: datetime | None = None, log=None):
        self.scale = scale
        self.rng = random.Random(SEED)  # noqa: S311 (synthetic data, not security)
        self.now = now or timezone.now()
        self.log = log or (lambda message: None)
        self.counts: dict[str, int] = {}

    def n(self, what: str, minimum: int = 1) -> int:
        return max(minimum, round(COUNTS[what] * self.scale))

    def seed(self) -> dict[str, int]:
        self.streets = self._streets()
        self.weights = [spec.weight**2 for spec in demo.STREETS]
        self.enterprises = self._enterprises()
        self._organizations()
        self._members()
        self._stations()
        self._outlets()
        self._users()
        self._activities()
        self._attendance()
        self._checkins()
        self._reports()
        return self.counts

    # --- helpers --------------------------------------------------------------------------------

    def _bulk(self, model, rows, label=None):
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        if label:
            self.counts[label] = self.counts.get(label, 0) + len(created)
        return created

    def _street_index(self) -> int:
        return self.rng.choices(range(len(self.streets)), weights=self.weights)[0]

    def _point(self, street_index: int, jitter: float = 0.008) -> tuple[float, float]:
        spec = demo.STREETS[street_index]
        south, north, west, east = demo.YANGPU_BBOX
        lat = spec.latitude + self.rng.uniform(-jitter, jitter)
        lng = spec.longitude + self.rng.uniform(-jitter, jitter)
        return round(min(max(lat, south), north), 6), round(min(max(lng, west), east), 6)

    def _aware(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=STATION_TIME_ZONE)

    # --- reference data -------------------------------------------------------------------------

    def _streets(self) -> list[Street]:
        existing = {s.slug: s for s in Street.objects.all()}
        missing = [
            Street(
                slug=spec.slug,
                name=spec.name,
                sort_order=order,
                latitude=spec.latitude,
                longitude=spec.longitude,
            )
            for order, spec in enumerate(demo.STREETS, start=1)
            if spec.slug not in existing
        ]
        self._bulk(Street, missing, "streets")
        by_slug = {s.slug: s for s in Street.objects.all()}
        return [by_slug[spec.slug] for spec in demo.STREETS]

    def _enterprises(self) -> list[Enterprise]:
        existing = set(Enterprise.objects.values_list("name", flat=True))
        self._bulk(
            Enterprise,
            [
                Enterprise(name=e.name, short_name=e.short_name, sector=e.sector)
                for e in demo.ENTERPRISES
                if e.name not in existing
            ],
            "enterprises",
        )
        names = [e.name for e in demo.ENTERPRISES]
        return sorted(Enterprise.objects.filter(name__in=names), key=lambda e: names.index(e.name))

    def _organizations(self) -> None:
        """The tree built directly as materialized paths (treebeard's format: 4-character
        base-36 steps), siblings numbered in name order as `node_order_by` expects."""
        path_of = Organization._get_path
        root = Organization(
            name=BENCH_ROOT_NAME, kind=OrganizationKind.DISTRICT, depth=1, path=path_of("", 1, 1)
        )
        committees = []
        for street in self.streets:
            committees.append(
                Organization(
                    name=f"{street.name}党工委",
                    kind=OrganizationKind.STREET_COMMITTEE,
                    street=street,
                    depth=2,
                )
            )
        for enterprise in self.enterprises:
            committees.append(
                Organization(
                    name=f"{enterprise.name}党委",
                    kind=OrganizationKind.ENTERPRISE_COMMITTEE,
                    enterprise=enterprise,
                    street=self.streets[9],
                    depth=2,
                )
            )
        committees.sort(key=lambda o: o.name)
        for step, committee in enumerate(committees, start=1):
            committee.path = path_of(root.path, 2, step)
        branch_total = max(len(committees), self.n("organizations") - 1 - len(committees))
        children = {id(c): [] for c in committees}
        occupations = [o for o, _w in demo.OCCUPATION_WEIGHTS]
        street_committees = [c for c in committees if c.kind == OrganizationKind.STREET_COMMITTEE]
        enterprise_committees = [
            c for c in committees if c.kind != OrganizationKind.STREET_COMMITTEE
        ]
        branches = []
        for k in range(branch_total):
            if k % 4 == 3 and enterprise_committees:
                parent = enterprise_committees[k // 4 % len(enterprise_committees)]
                street = self.streets[self._street_index()]
                enterprise = parent.enterprise
            else:
                # Busy streets have more branches.
                street = self.streets[self._street_index()]
                parent = street_committees[self.streets.index(street)]
                enterprise = None
            branch = Organization(
                name=f"{parent.name[:-3]}第{len(children[id(parent)]) + 1:03d}党支部",
                kind=OrganizationKind.BRANCH,
                street=street,
                enterprise=enterprise,
                group_served=self.rng.choice(occupations),
                depth=3,
            )
            children[id(parent)].append(branch)
            branches.append(branch)
        for committee in committees:
            kids = sorted(children[id(committee)], key=lambda o: o.name)
            for step, branch in enumerate(kids, start=1):
                branch.path = path_of(committee.path, 3, step)
            committee.numchild = len(kids)
        root.numchild = len(committees)
        self._bulk(Organization, [root, *committees, *branches], "organizations")
        self.root = root
        self.committee_of_street = {c.street_id: c for c in street_committees}
        self.branches = branches
        self.branches_by_street: dict[int, list] = {}
        for branch in branches:
            self.branches_by_street.setdefault(branch.street_id, []).append(branch)

    # --- people ---------------------------------------------------------------------------------

    def _members(self) -> None:
        rng = self.rng
        statuses = [
            ("masses", 60),
            ("applicant", 5),
            ("activist", 5),
            ("candidate", 3),
            ("probationary", 2),
            ("full", 25),
        ]
        values, weights = zip(*statuses, strict=True)
        occupations, occ_weights = zip(*demo.OCCUPATION_WEIGHTS, strict=True)
        rows = []
        for n in range(self.n("members", 10)):
            street_index = self._street_index()
            street = self.streets[street_index]
            status = rng.choices(values, weights=weights)[0]
            organization = None
            if status != "masses":
                organization = rng.choice(self.branches_by_street.get(street.pk) or self.branches)
            rows.append(
                Member(
                    name=rng.choice(demo.SURNAMES)
                    + "".join(rng.choice(demo.MALE_GIVEN) for _ in range(rng.randint(1, 2))),
                    gender=rng.choice(("male", "female")),
                    phone=f"{BENCH_PHONE_PREFIX}{n:08d}",
                    occupation=rng.choices(occupations, weights=occ_weights)[0],
                    employer=rng.choice(self.enterprises),
                    street=street,
                    organization=organization,
                    political_status=status,
                    is_mobile=status in ("probationary", "full") and rng.random() < 0.3,
                    consent_to_contact=rng.random() < 0.75,
                )
            )
        self.members = self._bulk(Member, rows, "members")
        self.members_by_street: dict[int, list] = {}
        self.members_by_org: dict[int, list] = {}
        for member in self.members:
            self.members_by_street.setdefault(member.street_id, []).append(member)
            if member.organization_id:
                self.members_by_org.setdefault(member.organization_id, []).append(member)

    def _stations(self) -> None:
        rng = self.rng
        kinds = list(StationKind.values)
        stations, per_street = [], {}
        busy = next(i for i, s in enumerate(demo.STREETS) if s.slug == BUSY_STREET)
        for k in range(self.n("stations", 2)):
            # The first one in the busy street: the bench's station staff run it.
            street_index = busy if k == 0 else self._street_index()
            street = self.streets[street_index]
            number = per_street[street.pk] = per_street.get(street.pk, 0) + 1
            lat, lng = self._point(street_index)
            spec = demo.STREETS[street_index]
            stations.append(
                Station(
                    name=f"{spec.name[:-2]}第{number:03d}号服务站",
                    kind=rng.choice(kinds),
                    street=street,
                    host_organization=self.committee_of_street[street.pk],
                    address=f"{rng.choice(spec.roads)}{rng.randint(8, 1600)}号",
                    latitude=lat,
                    longitude=lng,
                    capacity=rng.randrange(10, 61, 5),
                    description="基准数据站点。",
                    is_active=rng.random() < 0.95,
                )
            )
        self.stations = self._bulk(Station, stations, "stations")
        hours, amenities, programs = [], [], []
        for i, station in enumerate(self.stations):
            for day in range(7):
                if i % 2:
                    hours.append(OpeningHours(station=station, weekday=day, all_day=True))
                else:
                    hours.append(
                        OpeningHours(station=station, weekday=day, opens=time(9), closes=time(21))
                    )
            for amenity in rng.sample(Amenity.values, 4):
                amenities.append(StationAmenity(station=station, amenity=amenity))
            for program in rng.sample(Program.values, 3):
                programs.append(StationProgram(station=station, program=program))
        self._bulk(OpeningHours, hours)
        self._bulk(StationAmenity, amenities)
        self._bulk(StationProgram, programs)
        self.stations_by_street: dict[int, list] = {}
        for station in self.stations:
            self.stations_by_street.setdefault(station.street_id, []).append(station)

    def _outlets(self) -> None:
        rng = self.rng
        rows, per_street = [], {}
        surveyed = self.now.date() - timedelta(days=40)
        for _ in range(self.n("outlets")):
            street_index = self._street_index()
            street = self.streets[street_index]
            number = per_street[street.pk] = per_street.get(street.pk, 0) + 1
            enterprise = rng.choice(self.enterprises)
            lat, lng = self._point(street_index)
            rows.append(
                Outlet(
                    enterprise=enterprise,
                    brand=enterprise.short_name,
                    name=f"{enterprise.short_name}{demo.STREETS[street_index].name[:-2]}"
                    f"{number:04d}站",
                    street=street,
                    address=f"{rng.choice(demo.STREETS[street_index].roads)}{number}号",
                    latitude=lat,
                    longitude=lng,
                    rider_count=rng.randint(5, 80),
                    surveyed_at=surveyed - timedelta(days=rng.randrange(300)),
                )
            )
        self._bulk(Outlet, rows, "outlets")

    def _users(self) -> None:
        """The bench logins, with an unusable password (`make bench` makes their sessions
        directly). The district login has an authenticator, as its role requires."""
        User = get_user_model()
        busy = next(s for s in self.streets if s.slug == BUSY_STREET)
        users = {}
        for username in BENCH_USERS:
            user = User(username=username, last_name="基准", first_name=username[6:])
            user.set_unusable_password()
            user.save()
            users[username] = user
        users["bench-district"].groups.add(Group.objects.get(name=DISTRICT_ADMIN_GROUP))
        TOTP.activate(users["bench-district"], BENCH_TOTP_SECRET)
        OrganizerAssignment.objects.create(
            user=users["bench-street"], role=OrganizerRole.STREET, street=busy
        )
        self.bench_station = self.stations_by_street[busy.pk][0]
        StationStaff.objects.create(station=self.bench_station, user=users["bench-station"])
        # The rider: a party member of a busy-street branch, picked from the generated members.
        rider = next(
            m
            for m in self.members_by_street[busy.pk]
            if m.political_status == "full" and m.organization_id
        )
        rider.user = users["bench-rider"]
        rider.save(update_fields=["user"])
        self.rider = rider
        self.users = users
        self.counts["users"] = len(users)

    # --- activities and attendance ----------------------------------------------------------------

    def _activities(self) -> None:
        from services.models import Activity, Minutes

        rng = self.rng
        today = self.now.astimezone(STATION_TIME_ZONE).date()
        first_month = date(today.year - 2, today.month, 1)
        months = []
        day = first_month
        while day <= today:
            months.append(day)
            day = (day + timedelta(days=32)).replace(day=1)
        target = self.n("activities", 20)
        rows = []
        meetings = []
        # 三会一课: each branch holds about 70 % of its due meetings (some branches much less).
        diligence = {b.pk: rng.choice((0.3, 0.6, 0.8, 0.95, 1.0)) for b in self.branches}
        for branch in self.branches:
            for month in months:
                kinds = MEETINGS_MONTHLY + (MEETINGS_QUARTERLY if month.month % 3 == 0 else ())
                for kind in kinds:
                    if len(meetings) >= target * 0.3 or rng.random() > diligence[branch.pk]:
                        continue
                    start = self._aware(month + timedelta(days=rng.randrange(27)), 19)
                    if start > self.now:
                        continue
                    meetings.append(
                        Activity(
                            title=f"{branch.name[-7:]}{dict(Activity._meta.get_field('kind').choices)[kind]}",
                            kind=kind,
                            program="ideology",
                            host_organization=branch,
                            street_id=branch.street_id,
                            address="支部活动室",
                            start=start,
                            end=start + timedelta(hours=1, minutes=30),
                            audience="organization",
                            status="finished",
                            code=uuid.UUID(int=rng.getrandbits(128), version=4),
                        )
                    )
        span_days = (today - first_month).days + 60
        for _ in range(target - len(meetings)):
            street_index = self._street_index()
            street = self.streets[street_index]
            station = rng.choice(self.stations_by_street.get(street.pk) or self.stations)
            kind, program = rng.choice(SERVICE_KINDS)
            day = first_month + timedelta(days=rng.randrange(span_days))
            start = self._aware(day, rng.choice((9, 10, 14, 15, 19)))
            past = start < self.now
            rows.append(
                Activity(
                    title=f"{station.name[-8:]}{dict(Activity._meta.get_field('kind').choices)[kind]}",
                    kind=kind,
                    program=program,
                    host_organization=self.committee_of_street[station.street_id],
                    street_id=station.street_id,
                    station=station,
                    start=start,
                    end=start + timedelta(hours=2),
                    capacity=rng.choice((None, 20, 30, 50)),
                    audience=rng.choice(("public", "workers", "party")),
                    status="finished" if past and rng.random() < 0.8 else "published",
                    code=uuid.UUID(int=rng.getrandbits(128), version=4),
                )
            )
        rows = meetings + rows
        self.activities = self._bulk(Activity, rows, "activities")
        minutes = []
        for i, meeting in enumerate(self.activities[: len(meetings)]):
            if rng.random() < 0.6:
                approved = i % 2 == 0
                minutes.append(
                    Minutes(
                        activity=meeting,
                        chair="书记",
                        recorder="委员",
                        topic=meeting.title,
                        content="传达学习上级精神；讨论支部工作。",
                        status="approved" if approved else "draft",
                        approved_at=meeting.end if approved else None,
                    )
                )
        self._bulk(Minutes, minutes, "minutes")

    def _attendance(self) -> None:
        from services.models import Attendance

        rng = self.rng
        past = [a for a in self.activities if a.start < self.now]
        target = self.n("attendance", 10)
        rows, total = [], 0
        rider_attended = 0
        for i, activity in enumerate(past):
            if total >= target:
                break
            # What is still missing, spread over the activities left (small branches cannot
            # take their share, so the others make it up): the total reaches the target.
            per_activity = (target - total) / (len(past) - i)
            if activity.station_id is None:
                pool = self.members_by_org.get(activity.host_organization_id, [])
            else:
                pool = self.members_by_street.get(activity.street_id, [])
            if not pool:
                continue
            k = min(len(pool), max(1, round(rng.gauss(per_activity, per_activity / 3))))
            chosen = rng.sample(pool, k)
            # The bench rider attends a few dozen activities in their street (the passport).
            if (
                rider_attended < 40
                and activity.street_id == self.rider.street_id
                and self.rider not in chosen
                and rng.random() < 0.05
            ):
                chosen.append(self.rider)
                rider_attended += 1
            for member in chosen:
                present = rng.random() < 0.85
                rows.append(
                    Attendance(
                        activity=activity,
                        member=member,
                        status="present" if present else "absent",
                        late=present and rng.random() < 0.05,
                        checked_in_at=activity.start if present else None,
                    )
                )
            total += len(chosen)
            if len(rows) >= BATCH * 4:
                self._bulk(Attendance, rows, "attendance")
                rows = []
        self._bulk(Attendance, rows, "attendance")

    def _checkins(self) -> None:
        rng = self.rng
        today = self.now.astimezone(STATION_TIME_ZONE).date()
        seen = set()
        rows = []
        target = self.n("checkins", 10)
        attempts = 0
        while len(seen) < target and attempts < target * 2:
            attempts += 1
            member = (
                self.rider if attempts % 500 == 0 else rng.choice(self.members)
            )  # the rider checks in now and then
            stations = self.stations_by_street.get(member.street_id) or self.stations
            station = rng.choice(stations) if rng.random() < 0.85 else rng.choice(self.stations)
            day = today - timedelta(days=rng.randrange(365))
            key = (member.pk, station.pk, day)
            if key in seen:
                continue
            seen.add(key)
            at = self._aware(day, rng.randrange(7, 23), rng.randrange(60))
            rows.append(CheckIn(member=member, station=station, checked_in_at=at, local_date=day))
            if len(rows) >= BATCH * 4:
                self._bulk(CheckIn, rows, "checkins")
                rows = []
        self._bulk(CheckIn, rows, "checkins")

    # --- reports ----------------------------------------------------------------------------------

    def _reports(self) -> None:
        from services.reports import HandlingUnit, Report, ReportCategory

        rng = self.rng
        categories = list(ReportCategory.objects.all())
        units = {}
        for street in self.streets:
            units[street.pk], _ = HandlingUnit.objects.get_or_create(
                name=f"{street.name}城市运行管理中心（基准）"
            )
        states = [
            ("resolved", 55),
            ("submitted", 10),
            ("accepted", 8),
            ("dispatched", 10),
            ("in_progress", 7),
            ("rejected", 10),
        ]
        values, weights = zip(*states, strict=True)
        rows = []
        for _ in range(self.n("reports")):
            street_index = self._street_index()
            street = self.streets[street_index]
            reporter = rng.choice(self.members_by_street.get(street.pk) or self.members)
            state = rng.choices(values, weights=weights)[0]
            submitted = self.now - timedelta(minutes=rng.randrange(365 * 24 * 60))
            assigned = state in ("dispatched", "in_progress", "resolved")
            lat, lng = self._point(street_index)
            category = rng.choice(categories)
            rows.append(
                Report(
                    category=category,
                    description="路面有坑洼，电动车经过容易摔倒。",
                    latitude=lat,
                    longitude=lng,
                    address=f"{rng.choice(demo.STREETS[street_index].roads)}附近",
                    street=street,
                    reporter=reporter,
                    state=state,
                    unit_id=units[street.pk].pk if assigned else None,
                    due_date=(submitted + timedelta(days=category.time_limit_days)).date()
                    if assigned
                    else None,
                    reason="不属于受理范围。" if state == "rejected" else "",
                    submitted_at=submitted,
                    resolved_at=submitted + timedelta(hours=rng.randrange(4, 24 * 20))
                    if state == "resolved"
                    else None,
                    resolution_note="已处理。" if state == "resolved" else "",
                )
            )
        self._bulk(Report, rows, "reports")
