"""Time a 10,000-row roster import through `MemberResource` (the admin's resource) against a
raw `bulk_create` of the same rows, in one run, on a throw-away database.

    DJANGO_DEBUG=on .venv/bin/python bench/import_roster.py [--rows 10000] [--profile]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench ... (PostgreSQL)

Each line gives the wall time and this process's CPU time (the database server's work is in the
wall time only), and the run starts and ends with the machine's load average: figures taken at
a load of 2 or more on this 2-core machine are not comparable (docs/benchmarks.md). Above
20,000 rows the resource keeps only error rows, as the background import does. `--profile`
prints a pyinstrument profile of the real run (pip install -e '.[bench]').

It creates a test database (as the test runner does), seeds the demo organizations, builds an
XLSX-equivalent dataset, then measures: raw bulk_create, dry run, real run (all new), and a
re-import of the same rows (all unchanged). Peak memory is the process's max RSS.
"""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--background",
        action="store_true",
        help="time the background job instead: the file (XLSX) through storage, parsed, "
        "checked, then imported, as the worker runs it",
    )
    arguments = parser.parse_args()
    rows = arguments.rows
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if arguments.background:
            run_background(rows)
        else:
            run(rows, profile=arguments.profile)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build_dataset(rows):
    import tablib

    from branches.models import Enterprise, Organization, Street
    from branches.resources import COLUMNS

    branches = list(Organization.objects.filter(kind="branch").values_list("name", flat=True))
    unique = [n for n in branches if branches.count(n) == 1]
    streets = list(Street.objects.values_list("name", flat=True))
    platforms = list(Enterprise.objects.values_list("short_name", flat=True))
    dataset = tablib.Dataset(headers=list(COLUMNS))
    for n in range(rows):
        party = n % 3 == 0
        dataset.append(
            [
                f"测试{n:05d}",
                "男" if n % 2 else "女",
                f"100{90_000_000 + n:08d}",
                "正式党员" if party else "群众",
                unique[n % len(unique)] if party else "",
                "外卖骑手",
                platforms[n % len(platforms)],
                streets[n % len(streets)],
                f"2021/7/{n % 28 + 1}" if party else "",
                "是" if party and n % 2 else "否",
            ]
        )
    return dataset


def raw_rows(dataset):
    """The same rows as model instances, references resolved beforehand (not timed)."""
    from branches.models import Enterprise, Member, Organization, Street

    organizations = {o.name: o for o in Organization.objects.all()}
    streets = {s.name: s for s in Street.objects.all()}
    enterprises = {e.short_name: e for e in Enterprise.objects.all()}
    status = {"正式党员": "full", "群众": "masses"}
    return [
        Member(
            name=r[0],
            gender="male" if r[1] == "男" else "female",
            phone=r[2],
            political_status=status[r[3]],
            organization=organizations.get(r[4]),
            occupation="rider",
            employer=enterprises[r[6]],
            street=streets[r[7]],
            is_mobile=r[9] == "是",
        )
        for r in dataset
    ]


def timed(label, func, rows, results):
    start, cpu = time.perf_counter(), time.process_time()
    outcome = func()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    results.append((label, seconds, rows / seconds))
    print(
        f"{label:<34} {seconds:7.2f} s  {rows / seconds:9,.0f} rows/s  (CPU {cpu:5.2f} s)",
        flush=True,
    )
    return outcome


def run(rows, profile=False):
    from django.core.management import call_command

    from branches.models import Member
    from branches.resources import MemberResource

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    Member.objects.all().delete()
    dataset = build_dataset(rows)
    print(f"{connection.vendor}, {rows:,} rows", flush=True)
    results = []

    instances = raw_rows(dataset)

    def raw():
        with transaction.atomic():
            Member.objects.bulk_create(instances, batch_size=1000)
            transaction.set_rollback(True)

    timed("raw bulk_create (rolled back)", raw, rows, results)

    def raw_without_gc():
        import gc

        gc.disable()
        try:
            raw()
        finally:
            gc.enable()

    # For comparison only (not the baseline): the resource pauses the garbage collector.
    instances = raw_rows(dataset)
    timed("raw bulk_create, GC paused", raw_without_gc, rows, [])

    keep_rows = rows <= 20_000

    def dry():
        result = MemberResource().import_data(
            dataset, dry_run=True, record=False, keep_rows=keep_rows
        )
        assert not result.failed, result.row_report[:3]
        return result

    timed("resource dry run", dry, rows, results)

    def real():
        result = MemberResource().import_data(
            dataset, dry_run=False, record=False, keep_rows=keep_rows
        )
        assert not result.failed
        return result

    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    timed("resource real run (all new)", real, rows, results)
    if profile:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False))
    assert Member.objects.count() == rows

    def again():
        result = MemberResource().import_data(
            dataset, dry_run=False, record=False, keep_rows=keep_rows
        )
        assert result.totals["skip"] == rows, result.totals
        return result

    timed("resource re-import (all unchanged)", again, rows, results)

    raw_rate = results[0][2]
    for label, _seconds, rate in results[1:]:
        print(f"{label:<34} {rate / raw_rate:6.0%} of raw bulk_create")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    # One machine-readable line for `make bench` (bench/run.py).
    print(
        "RESULT "
        + json.dumps(
            {
                "rows": rows,
                "vendor": connection.vendor,
                "runs": [{"label": label, "seconds": s, "rate": r} for label, s, r in results],
                "peak_mb": round(peak),
            }
        ),
        flush=True,
    )


def run_background(rows):
    """The worker's part of a background import of an XLSX file of `rows` rows: what the
    request does is only storing the file. Tasks run inline (immediate backend)."""
    import io
    import tempfile

    import openpyxl
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from branches.actions import roster_import_job_confirm, roster_import_job_start
    from branches.models import Member, RosterImportJob
    from tests.conftest import make_user

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-import-")
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    Member.objects.all().delete()
    dataset = build_dataset(rows)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(dataset.headers)
    for row in dataset:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    del book, sheet
    print(f"{connection.vendor}, {rows:,} rows, XLSX {len(data.getvalue()) / 1e6:.1f} MB")
    user = make_user("bench-admin")
    upload = SimpleUploadedFile("bench.xlsx", data.getvalue())
    results = []
    job = timed(
        "background dry run (file to state)",
        lambda: roster_import_job_start(by=user, upload=upload, file_format="xlsx"),
        rows,
        results,
    )
    job.refresh_from_db()
    assert job.state == "checked", (job.state, job.message, job.errors[:3])
    timed(
        "background import (confirm)",
        lambda: roster_import_job_confirm(job=job, by=user),
        rows,
        results,
    )
    assert RosterImportJob.objects.get(pk=job.pk).state == "imported"
    assert Member.objects.count() == rows
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
