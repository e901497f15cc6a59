"""Time the dashboard on the large data set: 12 streets, 300 organizations, 20,000 members,
400 stations, 2,000 outlets, 50,000 activities, 300,000 check-ins + 200,000 attendance rows
(500,000), 20,000 reports, with busy and quiet streets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench8 DJANGO_DEBUG=on \\
        .venv/bin/python bench/dashboard.py            # build the data (once), then time
    ... bench/dashboard.py --serve 8108                 # + gunicorn and wrk -c16 (if installed)

The database must be migrated (and `createcachetable` run). The data is built once: a second
run finds its marker street and reuses the data. It times:

1. `manage.py refresh_dashboard` (the materialized figures, from the raw rows);
2. `/dashboard/` as the district admin, in-process through Django's test client, 100 times
   (median, p90, p99, queries), against the floor (a view that touches nothing) and against
   the old way (aggregating the raw rows per request, i.e. `summaries.build()` alone);
3. with `--serve PORT`: gunicorn (gunicorn.conf.py: 2 gthread workers; run with production
   settings: DJANGO_DEBUG=off, a DJANGO_SECRET_KEY, DJANGO_HTTPS=off, collectstatic done) and
   `wrk -c16 -d15s` on the floor (the favicon redirect: no query, no template; there is no
   bench-only view) and the dashboard pages, with the district admin's session cookie.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangpu_portal.settings")

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from branches.actions import organization_create  # noqa: E402
from branches.models import (  # noqa: E402
    Enterprise,
    Member,
    OccupationGroup,
    Organization,
    OrganizationKind,
    PoliticalStatus,
    Street,
)
from branches.roles import DISTRICT_ADMIN_GROUP  # noqa: E402
from services.models import Activity, Attendance  # noqa: E402
from services.reports import HandlingUnit, Report, ReportCategory  # noqa: E402
from stations.models import CheckIn, Outlet, Station  # noqa: E402
from yangpu_portal.actions import dashboard_refresh  # noqa: E402
from yangpu_portal.dashboard.summaries import build  # noqa: E402

MARKER = "bench-dashboard"
STREETS = 12
MEMBERS = 20_000
STATIONS = 400
OUTLETS = 2_000
ACTIVITIES = 50_000
CHECKINS = 300_000
ATTENDANCE = 200_000
REPORTS = 20_000
BATCH = 5_000


def weights(rng, n):
    """Some streets busy, some quiet: weights from 1 to 8."""
    return [rng.choice([1, 1, 2, 3, 5, 8]) for _ in range(n)]


def make_data(rng):
    started = time.perf_counter()
    streets = [
        Street.objects.create(
            name=f"基准{n:02d}街道", slug=f"{MARKER}-{n}", sort_order=100 + n,
            latitude=31.26 + 0.01 * (n % 4), longitude=121.50 + 0.01 * (n // 4),
        )
        for n in range(STREETS)
    ]  # fmt: skip
    w = weights(rng, STREETS)
    enterprises = [
        Enterprise.objects.get_or_create(
            name=f"基准企业{n}", defaults={"short_name": f"企{n}", "sector": "food_delivery"}
        )[0]
        for n in range(6)
    ]
    root = Organization.objects.filter(kind=OrganizationKind.DISTRICT).first() or (
        organization_create(parent=None, name="基准区委", kind=OrganizationKind.DISTRICT)
    )
    branches = []
    for i, street in enumerate(streets):
        committee = organization_create(
            parent=root, name=f"{street.name}党工委", kind=OrganizationKind.STREET_COMMITTEE,
            street=street,
        )  # fmt: skip
        for n in range(24):
            branches.append(
                organization_create(
                    parent=committee, name=f"{street.name}支部{n}", kind=OrganizationKind.BRANCH,
                    street=street, enterprise=enterprises[(i + n) % 6],
                    group_served=OccupationGroup.values[n % 6],
                )
            )  # fmt: skip
    statuses = PoliticalStatus.values
    members = Member.objects.bulk_create(
        (
            Member(
                name=f"成员{n}", gender="male", phone=f"17{n:09d}",
                occupation=OccupationGroup.values[n % 6],
                street=(street := rng.choices(streets, w)[0]),
                organization=branches[n % len(branches)] if n % 3 == 0 else None,
                political_status=statuses[5] if n % 3 == 0 else statuses[n % 2 * 1],
                employer=enterprises[n % 6], is_mobile=n % 17 == 0,
            )
            for n in range(MEMBERS)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    stations = Station.objects.bulk_create(
        Station(
            name=f"基准站点{n}", kind="party_service", street=rng.choices(streets, w)[0],
            address="基准路", latitude=31.25 + rng.random() * 0.08,
            longitude=121.49 + rng.random() * 0.06, is_active=n % 20 != 0,
        )
        for n in range(STATIONS)
    )  # fmt: skip
    Outlet.objects.bulk_create(
        (
            Outlet(
                enterprise=enterprises[n % 6], name=f"基准网点{n}",
                street=rng.choices(streets, w)[0], address="基准路",
                latitude=31.25 + rng.random() * 0.08, longitude=121.49 + rng.random() * 0.06,
                rider_count=rng.randint(5, 80), surveyed_at=date(2026, 1, 1),
            )
            for n in range(OUTLETS)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    now = timezone.now()
    kinds = ["theme_day", "skills", "branch_committee", "group_meeting", "health_check"]
    activities = Activity.objects.bulk_create(
        (
            Activity(
                title="基准活动", kind=kinds[n % 5], program="ideology",
                host_organization=(branch := branches[n % len(branches)]),
                street_id=branch.street_id, station=stations[n % STATIONS],
                start=(start := now - timedelta(days=rng.randint(1, 720), hours=3)),
                end=start + timedelta(hours=1), status="finished",
            )
            for n in range(ACTIVITIES)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    seen = set()

    def checkins():
        while len(seen) < CHECKINS:
            m, s, d = rng.randrange(MEMBERS), rng.randrange(STATIONS), rng.randint(0, 720)
            if (m, s, d) in seen:
                continue
            seen.add((m, s, d))
            at = now - timedelta(days=d)
            yield CheckIn(member=members[m], station=stations[s], checked_in_at=at,
                          local_date=timezone.localtime(at).date())  # fmt: skip

    CheckIn.objects.bulk_create(checkins(), batch_size=BATCH)
    pairs = set()

    def attendance():
        while len(pairs) < ATTENDANCE:
            a, m = rng.randrange(ACTIVITIES), rng.randrange(MEMBERS)
            if (a, m) in pairs:
                continue
            pairs.add((a, m))
            yield Attendance(activity=activities[a], member=members[m],
                             status="present" if rng.random() < 0.85 else "absent")  # fmt: skip

    Attendance.objects.bulk_create(attendance(), batch_size=BATCH)
    categories = list(ReportCategory.objects.all()) or [ReportCategory.objects.create(name="基准")]
    unit, _ = HandlingUnit.objects.get_or_create(name="基准处置单位")

    def reports():
        for n in range(REPORTS):
            submitted = now - timedelta(days=rng.randint(0, 700))
            resolved = n % 3 != 0
            yield Report(
                category=categories[n % len(categories)], description="基准", latitude=31.28,
                longitude=121.52, street=rng.choices(streets, w)[0], reporter=members[n],
                state="resolved" if resolved else "dispatched", unit=unit,
                due_date=submitted.date() + timedelta(days=7), submitted_at=submitted,
                resolved_at=submitted + timedelta(days=rng.randint(0, 20)) if resolved else None,
            )  # fmt: skip

    Report.objects.bulk_create(reports(), batch_size=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"data built in {time.perf_counter() - started:.0f} s")


def timed(client, url, runs):
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 301), (url, response.status_code)
    times.sort()
    return {
        "median": statistics.median(times),
        "p90": times[int(len(times) * 0.9) - 1],
        "p99": times[int(len(times) * 0.99) - 1],
        "queries": len(queries),
    }


def district_user():
    user, _created = get_user_model().objects.get_or_create(
        username=f"{MARKER}-district", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=DISTRICT_ADMIN_GROUP))
    if not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # two-factor is required
    return user


def serve(port: int, cookie: str) -> None:
    """gunicorn (production settings from the environment, 2 gthread workers, no access log)
    and wrk at 16 connections: the floor, then the dashboard pages."""
    import re
    import shutil
    import subprocess

    if not shutil.which("wrk"):
        print("wrk not installed (apt-get install wrk): skipping the load test")
        return
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PORT": str(port), "GUNICORN_WORKERS": "2"}
    server = subprocess.Popen(  # noqa: S603
        [str(root / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "--access-logfile",
         "/dev/null", "yangpu_portal.wsgi"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(4)
        base = f"http://127.0.0.1:{port}"
        one = Street.objects.get(slug=f"{MARKER}-3").pk
        rows = []
        for name, path in [
            ("floor (/favicon.ico redirect)", "/favicon.ico"),
            ("/dashboard/", "/dashboard/"),
            ("/dashboard/?street=…", f"/dashboard/?street={one}"),
            ("/dashboard/monthly/", "/dashboard/monthly/"),
        ]:
            # The floor is anonymous (no session to load); the pages carry the admin's cookie.
            header = [] if path == "/favicon.ico" else ["-H", cookie]
            subprocess.run(["wrk", "-c16", "-t2", "-d3s", base + path, *header],  # noqa: S603,S607
                           capture_output=True, check=False)  # warm-up  # fmt: skip
            out = subprocess.run(  # noqa: S603
                ["wrk", "-c16", "-t2", "-d15s", "--latency", base + path, *header],  # noqa: S607
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            p50 = re.search(r"50%\s+(\S+)", out).group(1)
            p99 = re.search(r"99%\s+(\S+)", out).group(1)
            bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            rows.append((name, rps, p50, p99, bad.group(1) if bad else "0"))
        floor = rows[0][1]
        print("| page | req/s | ratio to floor | p50 | p99 | non-2xx/3xx |")
        print("|---|---|---|---|---|---|")
        for name, rps, p50, p99, bad in rows:
            print(f"| {name} | {rps:,.0f} | {rps / floor:.1%} | {p50} | {p99} | {bad} |")
    finally:
        server.terminate()
        server.wait(timeout=20)


def main():
    rng = random.Random(8)  # noqa: S311 (benchmark data)
    if not Street.objects.filter(slug__startswith=MARKER).exists():
        make_data(rng)
    print(f"{connection.vendor}: {CheckIn.objects.count():,} check-ins, "
          f"{Attendance.objects.count():,} attendance rows, {Activity.objects.count():,} "
          f"activities, {Member.objects.count():,} members")  # fmt: skip
    started = time.perf_counter()
    stamp = dashboard_refresh()
    print(f"refresh_dashboard: {time.perf_counter() - started:.2f} s, {stamp.rows:,} figures")
    started = time.perf_counter()
    build()
    print(f"aggregating the raw rows once (what a request would cost without the summary): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip
    one_street = Street.objects.get(slug=f"{MARKER}-3").pk
    client = Client(HTTP_HOST="localhost")
    client.force_login(district_user())
    for name, url, runs in [
        ("floor (favicon redirect, anonymous)", "/favicon.ico", 200),
        ("/dashboard/", "/dashboard/", 100),
        ("/dashboard/ one street", f"/dashboard/?street={one_street}", 50),
        ("/dashboard/monthly/", "/dashboard/monthly/", 50),
    ]:  # fmt: skip
        anonymous = Client(HTTP_HOST="localhost")
        r = timed(anonymous if url == "/favicon.ico" else client, url, runs)
        print(f"{name}: median {r['median']:.1f} ms, p90 {r['p90']:.1f} ms, "
              f"p99 {r['p99']:.1f} ms, {r['queries']} queries")  # fmt: skip
    if "--serve" in sys.argv:
        port = int(sys.argv[sys.argv.index("--serve") + 1])
        name = settings.SESSION_COOKIE_NAME
        cookie = f"Cookie: {name}={client.cookies[name].value}"
        serve(port, cookie)


if __name__ == "__main__":
    main()
