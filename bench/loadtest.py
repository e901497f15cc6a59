"""Load and fault test (`make loadtest`): riders reading, checking in, signing up and reporting,
against gunicorn with production settings on PostgreSQL, loopback only, bounded in time.

    make loadtest                         # 32 clients, 60 s, no fault
    make loadtest FAULT=pg-restart        # PostgreSQL restarted in the middle
    make loadtest FAULT=worker-kill       # one gunicorn worker SIGKILLed in the middle
    make loadtest FAULT=instance-stop     # through nginx (make cluster): one instance stopped
    make loadtest FAULT=instance-kill     # the same, the instance SIGKILLed (master + workers)
    make loadtest CLIENTS=8 DURATION=15   # a short run

    .venv/bin/python bench/loadtest.py --help

What it does:
1. Prepares the load database (LOAD_DATABASE_URL, default yangpu_load): migrate, the demo
   district (seed_demo), then for this run fresh rider accounts (one per client), extra stations
   and future public activities, all tagged with the run's number.
2. Starts gunicorn (production settings, 2 workers x 4 threads) on 127.0.0.1:8130, or, for
   FAULT=instance-stop / instance-kill / --cluster, nginx on 8134 in front of two instances
   (bench/cluster.py).
3. Each client signs in as its own rider from its own loopback address (127.0.0.10, .11, ...:
   allauth limits sign-ins per address) and loops until the end: 70 % page reads, 20 % station
   check-ins and activity sign-ups, 10 % hazard reports. A client keeps its connection alive,
   reconnects when the server closed it, and retries a GET once on a connection that broke
   before any answer (as browsers do); it never retries a POST.
4. Optionally injects the fault at 40 % of the run, then checks the database: every write the
   client saw acknowledged is there (check-ins and sign-ups by their natural keys, reports by
   id and by a unique token in the text), none is stored twice.
5. Prints a table and exits 1 when a bound is broken (see `check_bounds`).

Acknowledged means: a 302 whose `messages` cookie carries the success message of that action
(check-in: success or "already today"; sign-up: confirmed or waitlisted), and for a report a
302 to `/reports/mine/#report-<id>`.
"""

import argparse
import base64
import http.client
import json
import os
import random
import secrets
import select
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cluster  # noqa: E402  (bench/cluster.py)

PASSWORD = "Load-test-2026-riders"  # noqa: S105 (throw-away accounts of the load database)
LEVEL_INFO, LEVEL_SUCCESS, LEVEL_WARNING = 20, 25, 30
READ_SHARE, WRITE_SHARE = 0.70, 0.20  # the rest (10 %) are reports
# Bounds of the issue.
MAX_SECONDS = 10.0  # no request over 10 s, even while PostgreSQL is down
RECOVERY_SECONDS = 5.0  # full service within 5 s of PostgreSQL accepting again
REPORTS_PER_RIDER = 18  # the portal allows 20 per member and day


# --- The database side (Django in this process) ----------------------------------------------


def django_setup(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "yangpu_portal.settings"
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(clients: int, tag: int) -> dict:
    """Migrate and seed once (safe to repeat), then make this run's riders, stations and
    activities. Returns the plan the clients need."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from branches.actions import member_create
    from branches.models import OccupationGroup, Organization, PoliticalStatus, Street
    from services.models import Activity, ActivityKind, ActivityStatus, Audience
    from services.reports import ReportCategory
    from stations.models import Program, Station
    from yangpu_portal.actions import consent_give

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Station.objects.exists():
        call_command("seed_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    streets = list(Street.objects.order_by("pk"))
    with transaction.atomic():
        # Enough stations that no rider runs out of places to check in (one per day each).
        template = Station.objects.filter(is_active=True).order_by("pk").first()
        extra = []
        for i in range(max(0, 120 - Station.objects.filter(is_active=True).count())):
            station = Station.objects.get(pk=template.pk)
            station.pk = None
            station.code = uuid.uuid4()
            station.name = f"负载测试站 {i + 1}"
            station.street = streets[i % len(streets)]
            extra.append(station)
        Station.objects.bulk_create(extra)
        # Future public activities of this run, no capacity limit.
        host = Organization.objects.order_by("path").first()
        venues = list(Station.objects.filter(is_active=True).order_by("pk")[:10])
        start = timezone.now() + timezone.timedelta(days=30)
        activities = []
        for i in range(60):
            begins = start + timezone.timedelta(hours=i)
            venue = venues[i % len(venues)]
            activities.append(
                Activity(
                    title=f"负载测试活动 {tag}-{i + 1}",
                    kind=ActivityKind.POLICY_TALK,
                    program=Program.POLICY,
                    host_organization=host,
                    street=venue.street,
                    station=venue,
                    start=begins,
                    end=begins + timezone.timedelta(hours=1),
                    audience=Audience.PUBLIC,
                    status=ActivityStatus.PUBLISHED,
                )
            )
        Activity.objects.bulk_create(activities)
        # One rider per client; one password hash for all (hashing is the slow part).
        encoded = make_password(PASSWORD)
        User = get_user_model()
        users = User.objects.bulk_create(
            User(username=f"load{tag}-{i:02d}", password=encoded) for i in range(clients)
        )
        for i, user in enumerate(users):
            member_create(
                name=f"骑手{i:02d}",
                gender="male",
                phone=f"101{tag % 100000:05d}{i:03d}",
                occupation=OccupationGroup.RIDER,
                street=streets[i % len(streets)],
                political_status=PoliticalStatus.MASSES,
                user=user,
            )
            # As the sign-up form records it: without consent a check-in is refused (issue 9).
            consent_give(user=user, by=user)
    return {
        "tag": tag,
        "riders": [u.username for u in users],
        "stations": [
            (s.pk, str(s.code)) for s in Station.objects.filter(is_active=True).order_by("pk")
        ],
        "activities": [
            a.pk for a in Activity.objects.filter(title__startswith=f"负载测试活动 {tag}-")
        ],
        "categories": list(ReportCategory.objects.filter(active=True).values_list("pk", flat=True)),
        "streets": [s.pk for s in streets],
    }


def verify(plan: dict, results: list) -> dict:
    """Compare what the clients saw acknowledged with the database."""
    from django.db import connection
    from django.db.models import Count

    from services.models import Signup
    from services.reports import Report
    from stations.models import CheckIn

    connection.close()
    riders = plan["riders"]
    checkins = set(
        CheckIn.objects.filter(member__user__username__in=riders).values_list(
            "member__user__username", "station__code"
        )
    )
    checkins = {(user, str(code)) for user, code in checkins}
    signups = set(
        Signup.objects.filter(member__user__username__in=riders).values_list(
            "member__user__username", "activity_id"
        )
    )
    reports = Report.objects.filter(reporter__user__username__in=riders)
    report_ids = dict(reports.values_list("pk", "description"))
    twice = (
        reports.values("description").annotate(n=Count("pk")).filter(n__gt=1).count()
    )  # the same submission stored twice
    acked = {"checkin": set(), "signup": set(), "report": set()}
    for r in results:
        if r.ack is not None:
            acked[r.op].add(r.ack)
    missing = {
        "checkin": sorted(acked["checkin"] - checkins),
        "signup": sorted(acked["signup"] - signups),
        "report": sorted(
            (pk, token) for pk, token in acked["report"] if report_ids.get(pk, "")[:40] != token
        ),
    }
    return {
        "acked": {k: len(v) for k, v in acked.items()},
        "stored": {"checkin": len(checkins), "signup": len(signups), "report": len(report_ids)},
        "missing": missing,
        "twice": twice,
    }


# --- The client side (stdlib HTTP, one thread per client) ------------------------------------


@dataclass
class Result:
    op: str
    start: float
    end: float
    status: int | None  # None: no HTTP answer (connection refused/reset, timeout)
    error: str = ""
    ack: object = None  # what the client saw acknowledged (natural key or (id, token))
    retried: bool = False

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 500


def read_messages(cookie: str | None) -> list[tuple[int, str]]:
    """The (level, text) pairs in Django's signed `messages` cookie (readable, not trusted)."""
    if not cookie:
        return []
    value = urllib.parse.unquote(cookie.strip('"'))
    payload = value.split(":", 1)[0]  # payload:timestamp:signature
    compressed = payload.startswith(".")
    payload = payload.lstrip(".")
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        if compressed:
            data = zlib.decompress(data)
        items = json.loads(data)
    except (ValueError, zlib.error):
        return []
    return [(item[2], item[3]) for item in items if isinstance(item, list) and len(item) >= 4]


class Browser:
    """One rider's keep-alive connection and cookies."""

    def __init__(self, host: str, port: int, source: str):
        self.host, self.port, self.source = host, port, source
        self.conn = None
        self.cookies: dict[str, str] = {}
        # Over MAX_SECONDS is a broken bound anyway; a hung request must still end.
        self.timeout = 30.0

    def _connection(self):
        if self.conn is not None and self.conn.sock is not None:
            # The server closed an idle keep-alive connection (worker recycled, restarted): the
            # socket reads as ready (EOF). Reconnect instead of writing into it.
            readable, _, _ = select.select([self.conn.sock], [], [], 0)
            if readable:
                self.conn.close()
                self.conn = None
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout, source_address=(self.source, 0)
            )
        return self.conn

    def request(self, method: str, path: str, form: dict | None = None):
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Accept-Language": "zh-hans", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            conn = self._connection()
            reused = conn.sock is not None
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                conn.close()
                self.conn = None
                if (
                    attempt == 1
                    and reused
                    and method == "GET"
                    and not isinstance(exc, TimeoutError)
                ):
                    continue  # a stale keep-alive connection: browsers retry a GET once
                raise
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                self.conn = None
            self._store_cookies(response)
            return response, content, attempt == 2
        raise AssertionError("unreachable")

    def _store_cookies(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, _, attrs = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attrs.lower().replace(" ", "") or (value in ('""', "")):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def take_messages(self) -> list[tuple[int, str]]:
        """The messages of the last redirect, as a browser would show them, then forgotten."""
        return read_messages(self.cookies.pop("messages", None))


class Client(threading.Thread):
    def __init__(self, n, plan, target, start_event, deadline, results, lock):
        super().__init__(daemon=True, name=f"client-{n}")
        self.n = n
        self.rng = random.Random(plan["tag"] * 100 + n)
        self.plan = plan
        self.username = plan["riders"][n]
        self.browser = Browser(target[0], target[1], f"127.0.0.{10 + n}")
        self.start_event, self.deadline = start_event, deadline
        self.results, self.lock = results, lock
        self.stations = list(plan["stations"])
        self.rng.shuffle(self.stations)
        self.activities = list(plan["activities"])
        self.rng.shuffle(self.activities)
        self.reports = 0
        self.signed_in = False
        self.error = ""

    def run(self):
        try:
            self.sign_in()
        except Exception as exc:
            self.error = f"sign-in: {exc}"
            return
        self.start_event.wait()
        while time.monotonic() < self.deadline[0]:
            roll = self.rng.random()
            if roll < READ_SHARE:
                self.timed("read", self.read)
            elif roll < READ_SHARE + WRITE_SHARE:
                if self.rng.random() < 0.5 and self.stations:
                    self.timed("checkin", self.checkin)
                elif self.activities:
                    self.timed("signup", self.signup)
                else:
                    self.timed("read", self.read)
            elif self.reports < REPORTS_PER_RIDER:
                self.timed("report", self.report)
            else:
                self.timed("read", self.read)

    def sign_in(self):
        """Before the clock starts. Each sign-in hashes a password (PBKDF2, about a second of
        CPU here), and all clients queue for the same two cores: allow minutes."""
        b = self.browser
        b.timeout = 180.0
        response, _, _ = b.request("GET", "/accounts/login/")
        response, _, _ = b.request(
            "POST",
            "/accounts/login/",
            {
                "login": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": b.cookies.get("csrftoken", ""),
            },
        )
        if response.status != 302:
            raise RuntimeError(f"sign-in answered {response.status}")
        b.take_messages()
        b.timeout = 30.0
        if b.conn is not None and b.conn.sock is not None:
            b.conn.sock.settimeout(b.timeout)
        self.signed_in = True

    def timed(self, op, action):
        start = time.monotonic()
        try:
            status, ack, retried = action()
            result = Result(op, start, time.monotonic(), status, ack=ack, retried=retried)
        except Exception as exc:
            result = Result(op, start, time.monotonic(), None, error=type(exc).__name__)
        with self.lock:
            self.results.append(result)

    def read(self):
        rng = self.rng
        station_pk = rng.choice(self.plan["stations"])[0]
        path = rng.choice(
            [
                "/",
                "/stations/",
                f"/stations/?street={rng.choice(self.plan['streets'])}",
                f"/stations/{station_pk}/",
                "/activities/",
                f"/activities/{rng.choice(self.plan['activities'])}/",
                "/activities/mine/",
                "/reports/",
                "/reports/mine/",
            ]
        )
        response, _, retried = self.browser.request("GET", path)
        if response.status == 302 and "/accounts/login/" in response.getheader("Location", ""):
            return 401, None, retried  # the session was lost: counted as a failure below
        return response.status, None, retried

    def _post(self, path, form):
        form["csrfmiddlewaretoken"] = self.browser.cookies.get("csrftoken", "")
        response, _, retried = self.browser.request("POST", path, form)
        return response, self.browser.take_messages(), retried

    def checkin(self):
        _pk, code = self.stations.pop()
        response, messages, retried = self._post(f"/s/{code}/", {})
        ok = response.status == 302 and any(
            level in (LEVEL_SUCCESS, LEVEL_INFO) for level, _ in messages
        )
        return response.status, (self.username, code) if ok else None, retried

    def signup(self):
        activity = self.activities.pop()
        response, messages, retried = self._post(f"/activities/{activity}/signup/", {})
        ok = response.status == 302 and any(
            level in (LEVEL_SUCCESS, LEVEL_WARNING) for level, _ in messages
        )
        return response.status, (self.username, activity) if ok else None, retried

    def report(self):
        self.reports += 1
        token = f"LT{self.plan['tag']}-{self.n:02d}-{self.reports:02d}-{secrets.token_hex(4)}"
        form = {
            "category": self.rng.choice(self.plan["categories"]),
            "description": f"{token} 负载测试：路面坑洼，请处理。",
            "latitude": f"{31.27 + self.rng.uniform(-0.02, 0.02):.6f}",
            "longitude": f"{121.52 + self.rng.uniform(-0.02, 0.02):.6f}",
            "address": "负载测试路 1 号",
            "street": self.rng.choice(self.plan["streets"]),
            "hide_identity": "on",
            "file_anyway": "True",
        }
        response, _messages, retried = self._post("/reports/new/", form)
        location = response.getheader("Location", "")
        ack = None
        if response.status == 302 and "#report-" in location:
            ack = (int(location.rsplit("#report-", 1)[1]), form["description"][:40])
        return response.status, ack, retried


# --- Faults -------------------------------------------------------------------------------------


@dataclass
class Fault:
    kind: str
    at: float = 0.0  # when it was injected (monotonic)
    cleared: float = 0.0  # PostgreSQL accepting again / worker replaced / instance gone
    down_at: float = 0.0  # PostgreSQL stopped accepting connections
    stopped_port: int = 0  # instance-*: the instance stopped
    upstream_errors: int = 0  # nginx's failed attempts at the stopped instance
    other_upstream_errors: int = 0  # ... and at any other
    notes: list = field(default_factory=list)


def pg_cluster_for(url: str) -> tuple[str, str]:
    """(version, name) of the local cluster listening on the URL's port (pg_lsclusters)."""
    port = str(urllib.parse.urlsplit(url).port or 5432)
    out = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, name
    raise SystemExit(f"no local PostgreSQL cluster on port {port} (pg_lsclusters)")


def watch_postgres(url: str, fault: "Fault", stop: threading.Event) -> None:
    """Try a new connection every 50 ms: note when PostgreSQL stopped accepting and when it
    accepted again (the outage as a client sees it)."""
    import psycopg

    while not stop.is_set():
        try:
            with psycopg.connect(url, connect_timeout=1) as conn:
                conn.execute("SELECT 1")
            if fault.down_at and not fault.cleared:
                fault.cleared = time.monotonic()
                return
        except psycopg.Error:
            if not fault.down_at:
                fault.down_at = time.monotonic()
        time.sleep(0.05)


def restart_postgres(fault: Fault, url: str) -> None:
    """`pg_ctlcluster <version> <name> restart -m fast`: stops (ending every session), starts,
    returns when it accepts connections again. Never leaves it stopped."""
    version, name = pg_cluster_for(url)
    stop = threading.Event()
    watcher = threading.Thread(target=watch_postgres, args=(url, fault, stop), daemon=True)
    fault.at = time.monotonic()
    watcher.start()
    try:
        subprocess.run(
            ["pg_ctlcluster", version, name, "restart", "-m", "fast"], check=True, timeout=60
        )
    finally:
        status = subprocess.run(["pg_ctlcluster", version, name, "status"], check=False)
        if status.returncode != 0:
            subprocess.run(["pg_ctlcluster", version, name, "start"], check=False, timeout=60)
    watcher.join(timeout=30)
    stop.set()
    fault.notes.append(f"pg_ctlcluster {version} {name} restart -m fast")
    if fault.down_at:
        fault.notes.append(
            f"not accepting connections from t+{fault.down_at - fault.at:.2f} s "
            f"to t+{fault.cleared - fault.at:.2f} s"
        )


def worker_pids(master_pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout
    return [int(p) for p in out.split()]


def kill_worker(fault: Fault, master_pid: int) -> None:
    before = worker_pids(master_pid)
    victim = before[0]
    fault.at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    fault.notes.append(f"SIGKILL worker {victim} of {before}")
    end = time.monotonic() + 30
    while time.monotonic() < end:
        now = worker_pids(master_pid)
        if victim not in now and len(now) == len(before):
            fault.cleared = time.monotonic()
            fault.notes.append(f"replaced after {fault.cleared - fault.at:.1f} s: {now}")
            return
        time.sleep(0.05)
    fault.notes.append("NOT replaced within 30 s")


def wait_port_closed(port: int, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            return
        time.sleep(0.01)


def stop_instance(fault: Fault, instance, *, hard: bool) -> None:
    """Gracefully (SIGTERM: it finishes what it has in hand, as for a deployment) or, `hard`,
    SIGKILL to the master and its workers at once (a host that dies)."""
    fault.at = time.monotonic()
    if hard:
        os.killpg(instance.pid, signal.SIGKILL)
        instance.process.wait(timeout=10)
    else:
        instance.stop(sig=signal.SIGTERM)
    # Each worker has its own listening socket (reuse_port): the port answers until the last
    # worker is gone, which after a SIGKILL can be a moment after the master.
    wait_port_closed(instance.port)
    fault.cleared = time.monotonic()
    fault.stopped_port = instance.port
    how = "SIGKILL to master and workers" if hard else "SIGTERM, graceful"
    fault.notes.append(f"instance on port {instance.port} stopped ({how})")


# --- Report -------------------------------------------------------------------------------------


def pct(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def summarise(results, t0, duration):
    rows = []
    for op in ("read", "checkin", "signup", "report", "all"):
        rs = [r for r in results if op in ("all", r.op)]
        ms = [r.seconds * 1000 for r in rs]
        rows.append(
            (
                op,
                len(rs),
                len(rs) / duration,
                sum(1 for r in rs if r.status and r.status < 400),
                sum(1 for r in rs if r.status and 400 <= r.status < 500),
                sum(1 for r in rs if r.status and r.status >= 500),
                sum(1 for r in rs if r.status is None),
                statistics.median(ms) if ms else 0,
                pct(ms, 0.99),
                max(ms, default=0),
            )
        )
    return rows


def check_bounds(args, results, verdict, fault, clients, in_flight_at_fault):
    """The issue's bounds; returns the broken ones."""
    broken = []
    not_signed_in = [c.username for c in clients if not c.signed_in]
    if not_signed_in:
        broken.append(f"{len(not_signed_in)} clients could not sign in: {clients[0].error}")
    slow = [r for r in results if r.seconds > MAX_SECONDS]
    if slow:
        broken.append(f"{len(slow)} requests took over {MAX_SECONDS:.0f} s")
    lost = [r for r in results if r.status == 401]
    if lost:
        broken.append(f"{len(lost)} requests found their session gone (sent to sign in)")
    if sum(len(v) for v in verdict["missing"].values()):
        broken.append(f"acknowledged writes missing from the database: {verdict['missing']}")
    if verdict["twice"]:
        broken.append(f"{verdict['twice']} report submissions stored twice")
    # A run whose writes were all refused proves nothing about keeping them.
    for op, count in verdict["acked"].items():
        sent = sum(1 for r in results if r.op == op)
        if sent and not count:
            broken.append(f"none of the {sent} {op} requests was acknowledged")
    failed = [r for r in results if r.failed]
    if args.fault == "none":
        if failed:
            broken.append(f"{len(failed)} failures (5xx or no answer) without any fault")
    elif args.fault == "pg-restart":
        late = [r for r in failed if r.start > fault.cleared + RECOVERY_SECONDS]
        early = [r for r in failed if r.end < fault.at]
        if late:
            broken.append(
                f"{len(late)} failures started more than {RECOVERY_SECONDS:.0f} s after "
                "PostgreSQL accepted connections again"
            )
        if early:
            broken.append(f"{len(early)} failures before PostgreSQL was stopped")
        not_503 = [r for r in failed if r.status != 503]
        if not_503:
            broken.append(f"{len(not_503)} failures were not a 503 page: {not_503[:3]}")
    elif args.fault == "worker-kill":
        # Only requests in flight with the killed worker may fail. Each worker listens on its
        # own socket (gunicorn.conf.py, reuse_port): a connection the kernel gave to the killed
        # worker's socket before its exit had completed is reset with it, so the worker counts
        # as in flight from the kill until its replacement is up (0.1 s here).
        outside = [r for r in failed if r.end < fault.at or r.start > fault.cleared]
        if outside:
            broken.append(f"{len(outside)} failures outside the kill-to-replacement window")
        if len(failed) > in_flight_at_fault:
            broken.append(f"{len(failed)} failures > {in_flight_at_fault} requests in flight")
        if not fault.cleared:
            broken.append("the killed worker was not replaced")
    else:
        # instance-*: an instance is in flight from the signal until its master has exited
        # (a graceful stop finishes what its workers hold, but connections still queued on
        # its listening socket are reset when the last worker exits). Every failure must lie
        # in that window and be one of nginx's failed attempts at the stopped instance.
        outside = [r for r in failed if r.end < fault.at or r.start > fault.cleared]
        if outside:
            broken.append(f"{len(outside)} failures outside the instance's stopping window")
        if len(failed) > fault.upstream_errors:
            broken.append(
                f"{len(failed)} failures > {fault.upstream_errors} requests nginx had sent to "
                "the stopped instance and lost"
            )
        if fault.other_upstream_errors:
            broken.append(f"{fault.other_upstream_errors} nginx errors on the other instance")
    return broken


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument(
        "--fault",
        choices=["none", "pg-restart", "worker-kill", "instance-stop", "instance-kill"],
        default="none",
    )
    parser.add_argument("--cluster", action="store_true", help="through nginx, two instances")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yangpu_load"
        ),
    )
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL", ""))
    args = parser.parse_args()
    if args.clients > 200:
        parser.error("at most 200 clients (127.0.0.10-209)")
    use_cluster = args.cluster or args.fault.startswith("instance-")

    env = cluster.app_environment(
        database_url=args.database_url,
        redis_url=args.redis_url or (cluster.REDIS_URL if use_cluster else ""),
        behind_proxy=use_cluster,
    )
    ensure_database(args.database_url)
    django_setup(env)
    tag = int(time.time())
    t_prep = time.monotonic()
    plan = prepare(args.clients, tag)
    print(f"prepared run {tag} in {time.monotonic() - t_prep:.1f} s: {args.clients} riders")

    servers = cluster.Cluster(env, instances=2 if use_cluster else 1, nginx=use_cluster)
    servers.start()
    results: list[Result] = []
    lock = threading.Lock()
    fault = Fault(args.fault)
    try:
        start_event = threading.Event()
        deadline = [float("inf")]
        clients = [
            Client(n, plan, servers.target, start_event, deadline, results, lock)
            for n in range(args.clients)
        ]
        for c in clients:
            c.start()
            time.sleep(0.05)  # sign-ins spread a little (each is a password hash)
        t_sign_in = time.monotonic()
        while any(c.is_alive() and not c.signed_in and not c.error for c in clients):
            time.sleep(0.1)
        signed_in = sum(1 for c in clients if c.signed_in)
        print(f"{signed_in} riders signed in within {time.monotonic() - t_sign_in:.1f} s")
        t0 = time.monotonic()
        deadline[0] = t0 + args.duration
        load_before = os.getloadavg()
        start_event.set()
        if args.fault != "none":
            time.sleep(args.duration * 0.4)
            if args.fault == "pg-restart":
                restart_postgres(fault, args.database_url)
            elif args.fault == "worker-kill":
                kill_worker(fault, servers.instances[0].pid)
            else:
                stop_instance(fault, servers.instances[0], hard=args.fault == "instance-kill")
        for c in clients:
            c.join(timeout=args.duration + 60)
        load_after = os.getloadavg()
    finally:
        servers.stop()
    verdict = verify(plan, results)
    if fault.stopped_port:
        fault.upstream_errors, fault.other_upstream_errors = servers.upstream_errors(
            fault.stopped_port
        )
        fault.notes.append(
            f"nginx error log: {fault.upstream_errors} requests sent to the stopped instance and "
            f"lost (GETs among them retried on the other), {fault.other_upstream_errors} lost "
            "by the other"
        )
    # Every client has at most one request outstanding: those spanning the fault's moment.
    in_flight_at_fault = sum(1 for r in results if r.start <= fault.at <= r.end)

    print()
    print(
        f"run {tag}: {args.clients} clients, {args.duration:.0f} s, fault={args.fault}, "
        f"{'nginx + 2 instances' if use_cluster else '1 gunicorn'} (2 workers x 4 threads each), "
        f"load average {load_before[0]:.2f} -> {load_after[0]:.2f}"
    )
    print(f"server logs: {servers.dir}")
    print()
    print("| requests | n | req/s | 2xx/3xx | 4xx | 5xx | no answer | p50 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in summarise(results, t0, args.duration):
        print("| {} | {} | {:.1f} | {} | {} | {} | {} | {:.0f} | {:.0f} | {:.0f} |".format(*row))
    print()
    print("| writes | acknowledged | in the database | acknowledged but missing |")
    print("|---|---|---|---|")
    for op in ("checkin", "signup", "report"):
        print(
            f"| {op} | {verdict['acked'][op]} | {verdict['stored'][op]} | "
            f"{len(verdict['missing'][op])} |"
        )
    print(f"\nreport submissions stored twice: {verdict['twice']}")
    retried = sum(1 for r in results if r.retried)
    print(f"GETs retried once on a stale keep-alive connection: {retried}")
    if args.fault != "none":
        failed = sorted((r for r in results if r.failed), key=lambda r: r.start)
        print(f"\nfault {fault.kind} at t={fault.at - t0:.1f} s; " + "; ".join(fault.notes))
        if fault.cleared:
            print(f"cleared at t={fault.cleared - t0:.1f} s ({fault.cleared - fault.at:.1f} s)")
        print(f"requests in flight at the fault: {in_flight_at_fault}; failures: {len(failed)}")
        if failed:
            kinds = {}
            for r in failed:
                kinds[r.status or r.error] = kinds.get(r.status or r.error, 0) + 1
            print(
                f"failures from t={failed[0].start - t0:.2f} s to t={failed[-1].end - t0:.2f} s, "
                f"slowest {max(r.seconds for r in failed):.2f} s: {kinds}"
            )
            answered_503 = [r.seconds * 1000 for r in failed if r.status == 503]
            if answered_503:
                print(
                    f"503 answers: {len(answered_503)}, median "
                    f"{statistics.median(answered_503):.0f} ms, max {max(answered_503):.0f} ms"
                )
            ok_after = [r for r in results if not r.failed and r.start > failed[-1].end]
            if fault.cleared and ok_after:
                print(
                    f"last failure ended {failed[-1].end - fault.cleared:+.2f} s from the fault "
                    "being cleared"
                )
    broken = check_bounds(args, results, verdict, fault, clients, in_flight_at_fault)
    print()
    if broken:
        print("BOUNDS BROKEN:")
        for line in broken:
            print(f"  - {line}")
        return 1
    print("all bounds held")
    return 0


if __name__ == "__main__":
    socket.setdefaulttimeout(20)
    sys.exit(main())
