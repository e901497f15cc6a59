"""Time a 10,000-row roster import through `MemberResource` (the admin's resource) against a
raw `bulk_create` of the same rows, in one run, on a throw-away database.

    DJANGO_DEBUG=on .venv/bin/python bench/import_roster.py [--rows 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench ... (PostgreSQL)

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
    rows = parser.parse_args().rows

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(rows)
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
    start = time.perf_counter()
    outcome = func()
    seconds = time.perf_counter() - start
    results.append((label, seconds, rows / seconds))
    print(f"{label:<34} {seconds:7.2f} s  {rows / seconds:9,.0f} rows/s", flush=True)
    return outcome


def run(rows):
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

    def dry():
        result = MemberResource().import_data(dataset, dry_run=True, record=False)
        assert not result.failed, result.row_report[:3]
        return result

    timed("resource dry run", dry, rows, results)

    def real():
        result = MemberResource().import_data(dataset, dry_run=False, record=False)
        assert not result.failed
        return result

    timed("resource real run (all new)", real, rows, results)
    assert Member.objects.count() == rows

    def again():
        result = MemberResource().import_data(dataset, dry_run=False, record=False)
        assert result.totals["skip"] == rows, result.totals
        return result

    timed("resource re-import (all unchanged)", again, rows, results)

    raw_rate = results[0][2]
    for label, _seconds, rate in results[1:]:
        print(f"{label:<34} {rate / raw_rate:6.0%} of raw bulk_create")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
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


if __name__ == "__main__":
    main()
