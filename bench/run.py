"""`make bench`: the portal's pages under load against the framework floor (issue 10).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench make bench

1. Prepares the database named by DATABASE_URL (PostgreSQL): migrate, cache table, static
   files, then `seed_bench --force` (refused unless the database is empty or bench-only) and
   `refresh_dashboard` (the dashboard's pre-computed figures).
2. Starts gunicorn with the production settings (DEBUG off, gunicorn.conf.py: 2 gthread
   workers x 4 threads, the connection pool) with DJANGO_BENCH=on, on 127.0.0.1:BENCH_PORT
   (default 8120), `--no-control-socket`.
3. Signs each persona in once (a session made directly, as a sign-in would) and passes the
   session cookie to wrk. For each page: a warm-up, then `wrk -c16` three times for a third of
   BENCH_SECONDS each (the median run is kept: `measure`): req/s,
   p50, p99, the ratio to the floor (a view touching nothing, measured at the start and the
   end of the same run; the mean is the reference) and the SQL queries of one request
   (Django's test client with CaptureQueriesContext, in this process).
4. Roster import of 10,000 and 100,000 rows (`bench/import_roster.py`, each in its own
   process and throw-away database): raw bulk_create, dry run, real run, rows/s, peak RSS.
5. Prints the table and writes it into docs/benchmarks.md between the `make bench` markers
   (the previous run's block is replaced; git keeps the history).

Environment: BENCH_SCALE (seed_bench --scale, default 1), BENCH_SECONDS (default 15),
BENCH_WARMUP (default 3), BENCH_PORT (default 8120), BENCH_IMPORT_ROWS (default
"10000,100000"; empty to skip), BENCH_PAGES (comma-separated labels to run only those),
BENCH_WRITE_DOCS (default on), BENCH_SEED (default on; off reuses the data of an earlier
run), BENCH_REDIS_URL (default redis://127.0.0.1:6379/14: sessions and the cache, as in
production; emptied at the start; the database cache table when no Redis answers),
BENCH_QUIET_LOAD / BENCH_QUIET_WAIT (wait up to 180 s for a
1-minute load average below 3 before measuring; the table records the load either way).
Loopback only; it stops gunicorn on exit.
"""

# ruff: noqa: S603 (the commands are fixed lists: manage.py, gunicorn, wrk, this directory's
# scripts; nothing comes from a request)

import json
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"


def env_setup() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "make bench needs PostgreSQL: set DATABASE_URL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench make bench\n"
            "(an empty database, or one filled by an earlier make bench)."
        )
    env = os.environ
    env["DJANGO_DEBUG"] = "off"
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    env["DJANGO_HTTPS"] = "off"
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    env["DJANGO_BENCH"] = "on"
    env["DJANGO_LOG_LEVEL"] = "WARNING"
    env["DJANGO_SETTINGS_MODULE"] = "yangpu_portal.settings"
    # The production shape (README, "Several hosts"): sessions and the cache in Redis. The
    # bench uses its own Redis database, emptied before each run; without a Redis server the
    # cache is the database table, and the table says which was used.
    if not env.get("REDIS_URL"):
        url = env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
        if url and redis_answers(url):
            env["REDIS_URL"] = url
    return env


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def empty_redis(url: str) -> None:
    """The bench's Redis database holds cached pages and sessions of the data seeded before:
    start from nothing."""
    import redis

    redis.Redis.from_url(url).flushdb()


def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_for_quiet(limit: float, seconds: int) -> None:
    """Wait up to `seconds` for the 1-minute load average to drop below `limit` (the machine
    may be shared); then go on either way: the table records the load."""
    deadline = time.monotonic() + seconds
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        print(f"waiting for a quieter machine: load average {loadavg()}", flush=True)
        time.sleep(15)


def data_counts() -> str:
    from branches.models import Member, Organization
    from services.models import Activity, Attendance
    from services.reports import Report
    from stations.models import CheckIn, Outlet, Station

    counts = [
        ("organizations", Organization.objects.count()),
        ("members", Member.objects.count()),
        ("stations", Station.objects.count()),
        ("outlets", Outlet.objects.count()),
        ("activities", Activity.objects.count()),
        ("attendance + check-ins", Attendance.objects.count() + CheckIn.objects.count()),
        ("reports", Report.objects.count()),
    ]
    return ", ".join(f"{n:,} {label}" for label, n in counts)


# --- wrk ----------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, seconds: int, cookie: str | None) -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for label, key in (("50%", "p50"), ("99%", "p99")):
        result[key] = _ms(re.search(rf"^\s+{label}\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    result["non2xx"] = int(bad.group(1)) if bad else 0
    result["socket_errors"] = errors.group(1) if errors else ""
    result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    return result


def measure(url: str, seconds: int, cookie: str | None) -> dict:
    """Three wrk runs of a third of `seconds` each; the one with the median req/s. gthread
    workers keep a keep-alive connection for good, and wrk opens its 16 at once: when most of
    them land on one of the two workers, that run measures one core (seen here: the same page
    at 550 and at 1,700 req/s in one session). Fresh connections per run make that rarer,
    and the median keeps one lopsided run out of the table. `runs` keeps all three."""
    runs = [wrk(url, max(2, seconds // 3), cookie) for _ in range(3)]
    median = sorted(runs, key=lambda r: r["rps"])[1]
    return {
        **median,
        "non2xx": sum(r["non2xx"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "runs": [round(r["rps"]) for r in runs],
    }


# --- Django, in this process: data lookups, sessions, query counts -------------------------------


def django_setup():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def session_cookie(username: str) -> str:
    """A session for `username`, as a sign-in makes one (auth keys, the session clock)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from yangpu_portal.sessions import SEEN, STARTED

    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    now = int(time.time())
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[STARTED] = now
    store[SEEN] = now + 3600  # not "seen" again during the run: no session write per request
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def pages() -> list[dict]:
    """The pages to measure: label, URL, persona (None = anonymous)."""
    from django.urls import Resolver404, resolve, reverse

    from branches.models import Member, Street
    from services.models import Activity
    from stations.models import Station
    from yangpu_portal import benchdata

    busy = Street.objects.get(slug=benchdata.BUSY_STREET)
    station = Station.objects.filter(street=busy, is_active=True).order_by("pk").first()
    member = Member.objects.filter(street=busy).order_by("pk")[100:101].get()
    activity = (
        Activity.objects.filter(audience="public", status="published", station__street=busy)
        .order_by("start")
        .last()
    )
    district, street_org, rider = "bench-district", "bench-street", "bench-rider"
    rows = [
        ("floor", "/bench/floor", None, "floor"),
        ("home", reverse("home"), None, "detail"),
        ("stations", reverse("stations:station-list"), None, "list"),
        (
            "stations filtered",
            reverse("stations:station-list")
            + f"?street={busy.pk}&open=now&amenity=water&program=health",
            None,
            "list",
        ),
        ("station page", reverse("stations:station-detail", args=[station.pk]), None, "detail"),
        ("roster p1", reverse("branches:member-list"), district, "list"),
        (
            "roster filtered",
            reverse("branches:member-list") + f"?street={busy.pk}&political_status=full",
            district,
            "list",
        ),
        ("roster street org", reverse("branches:member-list"), street_org, "list"),
        ("member page", reverse("branches:member-detail", args=[member.pk]), district, "detail"),
        ("activities", reverse("services:activity-list"), None, "list"),
        ("activities district", reverse("services:activity-list"), district, "list"),
        ("activity page", reverse("services:activity-detail", args=[activity.pk]), None, "detail"),
        ("compliance", reverse("services:compliance-board"), district, "board"),
        ("compliance street", reverse("services:compliance-board"), street_org, "board"),
        ("reports", reverse("services:report-list"), None, "list"),
        ("triage", reverse("services:report-triage"), district, "list"),
        ("triage street", reverse("services:report-triage"), street_org, "list"),
    ]
    out = [{"label": r[0], "path": r[1], "persona": r[2], "kind": r[3]} for r in rows]
    # Being built in other branches: measured once their stable paths resolve.
    for label, path, persona, kind in (
        ("dashboard", "/dashboard/", district, "board"),
        ("passport", "/passport/", rider, "detail"),
    ):
        try:
            resolve(path)
            out.append({"label": label, "path": path, "persona": persona, "kind": kind})
        except Resolver404:
            out.append(
                {"label": label, "path": path, "persona": persona, "kind": kind, "missing": True}
            )
    return out


def count_queries(page: dict, cookie: str | None) -> tuple[int, int]:
    """Status and SQL queries of one request (after one warm-up request) through the test
    client, with the same settings and data as gunicorn."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    client.get(page["path"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page["path"])
    return response.status_code, len(queries)


# --- gunicorn -------------------------------------------------------------------------------------


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "yangpu_portal.wsgi",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"gunicorn did not answer on port {port}; see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- import ---------------------------------------------------------------------------------------


def import_bench(rows: int) -> dict:
    out = subprocess.run(
        [PYTHON, "bench/import_roster.py", "--rows", str(rows)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        return {"rows": rows, "error": (out.stderr or out.stdout)[-500:]}
    return json.loads(line[len("RESULT ") :])


# --- report ---------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(
        (
            int(line.split()[1]) / 1024 / 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} vCPU {cpu}, {mem:.0f} GB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {pg}"
    )


TARGETS = {"detail": 0.35, "list": 0.07, "board": 0.05}


def wrk_runs(r: dict) -> str:
    return ", ".join(f"{x:,}" for x in r.get("runs", []))


def render(results, imports, meta) -> str:
    lines = [
        f"### Run of {meta['date']}",
        "",
        f"Machine: {meta['machine']}. gunicorn: {meta['gunicorn']}. wrk: 2 threads, 16 "
        f"connections, three runs of {max(2, meta['seconds'] // 3)} s per page after a "
        f"{meta['warmup']} s warm-up, the median run shown (`runs`: all three, req/s). "
        f"Data (`seed_bench --scale {meta['scale']}`): {meta['data']}. "
        f"Load average (1, 5, 15 min) before: "
        f"{meta['load_before']}; after: {meta['load_after']}.",
        "",
        f"Floor: {meta['floor_start']:,.0f} req/s at the start, {meta['floor_end']:,.0f} at the "
        f"end; ratios use the mean, {meta['floor']:,.0f} req/s.",
        "",
        "| page | persona | req/s | p50 ms | p99 ms | ratio to floor | target | queries | runs |",
        "|---|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for r in results:
        if r.get("missing"):
            lines.append(f"| {r['label']} (`{r['path']}`) | {r['persona'] or '-'} | not built "
                         "| | | | | | |")  # fmt: skip
            continue
        target = TARGETS.get(r["kind"])
        ratio = r["rps"] / meta["floor"]
        if r["kind"] == "floor":
            lines.append(
                f"| floor (`{r['path']}`) | anonymous | {r['rps']:,.0f} | {r['p50']:.1f} | "
                f"{r['p99']:.1f} | (start of run) | | {r['queries']} | {wrk_runs(r)} |"
            )
            continue
        verdict = ""
        if target is not None:
            ok = ratio >= target and (r["kind"] != "board" or r["p99"] < 300)
            verdict = f"{'met' if ok else 'MISSED'} (>= {target:.0%}"
            verdict += ", p99 < 300 ms)" if r["kind"] == "board" else ")"
        flags = ""
        if r["non2xx"] or r["socket_errors"]:
            flags = f" ({r['non2xx']} non-2xx; {r['socket_errors'] or 'no socket errors'})"
        lines.append(
            f"| {r['label']} (`{r['path']}`) | {r['persona'] or 'anonymous'} | "
            f"{r['rps']:,.0f}{flags} | {r['p50']:.1f} | {r['p99']:.1f} | {ratio:.1%} | "
            f"{verdict} | {r['queries']} | {wrk_runs(r)} |"
        )
    if imports:
        lines += [
            "",
            "Roster import (`bench/import_roster.py`, a throw-away database per size; rates "
            "as a share of the raw `bulk_create` of the same rows in the same process):",
            "",
            "| rows | raw bulk_create | dry run | real run (new) | re-import (unchanged) "
            "| peak RSS |",
            "|---:|---|---|---|---|---:|",
        ]
        for item in imports:
            if "error" in item:
                lines.append(f"| {item['rows']:,} | failed: {item['error'][-200:]!r} | | | | |")
                continue
            runs = item["runs"]
            raw = runs[0]["rate"]
            cells = [f"{runs[0]['seconds']:.2f} s ({raw:,.0f}/s)"]
            for run in runs[1:]:
                cells.append(
                    f"{run['seconds']:.2f} s ({run['rate']:,.0f}/s, {run['rate'] / raw:.0%})"
                )
            lines.append(f"| {item['rows']:,} | {' | '.join(cells)} | {item['peak_mb']} MB |")
    return "\n".join(lines) + "\n"


def write_docs(text: str) -> None:
    doc = DOCS.read_text()
    block = f"{BEGIN}\n{text}{END}"
    if BEGIN in doc and END in doc:
        doc = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda m: block, doc, flags=re.S)
    else:
        doc = doc.rstrip() + "\n\n## `make bench` (issue 10)\n\n" + block + "\n"
    DOCS.write_text(doc)


def main():
    env = env_setup()
    scale = env.get("BENCH_SCALE", "1")
    seconds = int(env.get("BENCH_SECONDS", "15"))
    warmup = int(env.get("BENCH_WARMUP", "3"))
    port = int(env.get("BENCH_PORT", "8120"))
    only = {x.strip() for x in env.get("BENCH_PAGES", "").split(",") if x.strip()}
    import_rows = [int(x) for x in env.get("BENCH_IMPORT_ROWS", "10000,100000").split(",") if x]

    print(f"make bench: load average {loadavg()}", flush=True)
    # A newcomer names a database that does not exist yet: create it (as the load test does).
    sys.path.insert(0, str(ROOT / "bench"))
    from loadtest import ensure_database

    ensure_database(env["DATABASE_URL"])
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("createcachetable")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    if env.get("BENCH_SEED", "on") != "off":
        manage("seed_bench", "--force", "--scale", scale)
        # The dashboard reads pre-computed figures (issue 8): build them as cron would.
        manage("refresh_dashboard")
    if env.get("REDIS_URL"):
        empty_redis(env["REDIS_URL"])
    django_setup()
    data = data_counts()
    wait_for_quiet(float(env.get("BENCH_QUIET_LOAD", "3")), int(env.get("BENCH_QUIET_WAIT", "180")))

    load_before = loadavg()
    todo = [p for p in pages() if not only or p["label"] in only or p["label"] == "floor"]
    cookies = {}
    for page in todo:
        persona = page["persona"]
        if persona and persona not in cookies:
            cookies[persona] = session_cookie(persona)
    for page in todo:
        if page.get("missing"):
            continue
        status, page["queries"] = count_queries(page, cookies.get(page["persona"]))
        if status != 200:
            sys.exit(f"{page['label']} {page['path']} answered {status}, not 200: not measured")

    log = Path(tempfile.gettempdir()) / f"yangpu-bench-gunicorn-{port}.log"
    server = start_gunicorn(port, log)
    results = []
    try:
        base = f"http://127.0.0.1:{port}"
        for page in todo:
            if page.get("missing"):
                print(f"{page['label']:<22} not built", flush=True)
                results.append(page)
                continue
            cookie = cookies.get(page["persona"])
            wrk(base + page["path"], warmup, cookie)
            page.update(measure(base + page["path"], seconds, cookie))
            results.append(page)
            print(
                f"{page['label']:<22} {page['rps']:8.0f} req/s  p50 {page['p50']:7.1f} ms  "
                f"p99 {page['p99']:7.1f} ms  {page['queries']:3d} queries"
                + (f"  {page['non2xx']} non-2xx" if page["non2xx"] else ""),
                flush=True,
            )
        floor_end = measure(base + "/bench/floor", seconds, None)["rps"]
    finally:
        stop(server)
    floor_start = results[0]["rps"]
    imports = [import_bench(rows) for rows in import_rows]
    import gunicorn

    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "gunicorn": f"{gunicorn.__version__}, gunicorn.conf.py "
        f"({env.get('GUNICORN_WORKERS', '2')} gthread workers x "
        f"{env.get('GUNICORN_THREADS', '4')} threads, DEBUG off, connection pool); "
        + (
            f"sessions and cache in Redis ({env['REDIS_URL']}), page cache "
            f"{env.get('PAGE_CACHE_SECONDS', '60')} s"
            if env.get("REDIS_URL")
            else "cache in the database table (no Redis answered)"
        ),
        "seconds": seconds,
        "warmup": warmup,
        "scale": scale,
        "data": data,
        "load_before": load_before,
        "load_after": loadavg(),
        "floor_start": floor_start,
        "floor_end": floor_end,
        "floor": statistics.mean([floor_start, floor_end]),
    }
    text = render(results, imports, meta)
    print()
    print(text)
    if env.get("BENCH_WRITE_DOCS", "on") not in ("off", "0", "false", "no"):
        write_docs(text)
        print(f"written to {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
