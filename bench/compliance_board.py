"""Time the 三会一课 compliance board: 300 branches over the 4 quarters of a year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench DJANGO_DEBUG=on \\
        .venv/bin/python bench/compliance_board.py

Builds its data inside a transaction that is rolled back (the database is left as found; it
must have been migrated). Meetings and minutes are bulk-inserted (about half the due meetings
held, half of those approved); then `services.compliance.compute` runs 10 times and the
median wall time and the query count are printed."""

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangpu_portal.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from branches.actions import organization_create  # noqa: E402
from branches.models import Organization, OrganizationKind, Street  # noqa: E402
from services import compliance  # noqa: E402
from services.models import Activity, Minutes  # noqa: E402

BRANCHES = 300
YEAR = (date(2025, 1, 1), date(2026, 1, 1))


class Rollback(Exception):
    pass


def build(rng):
    street, _ = Street.objects.get_or_create(slug="bench", defaults={"name": "基准街道"})
    root = Organization.objects.filter(kind=OrganizationKind.DISTRICT).first() or (
        organization_create(parent=None, name="基准区委", kind=OrganizationKind.DISTRICT)
    )
    committee = organization_create(
        parent=root, name="基准党工委", kind=OrganizationKind.STREET_COMMITTEE, street=street
    )
    branches = [
        organization_create(
            parent=committee, name=f"基准支部{n:03d}", kind=OrganizationKind.BRANCH, street=street
        )
        for n in range(BRANCHES)
    ]
    activities = []
    for branch in branches:
        for month in range(1, 13):
            for kind in ("branch_committee", "group_meeting") + (
                ("branch_assembly", "party_lecture") if month % 3 == 0 else ()
            ):
                if rng.random() < 0.5:
                    start = timezone.make_aware(datetime(2025, month, 10, 19))
                    activities.append(
                        Activity(
                            title="基准会议", kind=kind, program="ideology",
                            host_organization=branch, street=street, address="基准路1号",
                            start=start, end=start + timedelta(hours=1), status="published",
                        )
                    )  # fmt: skip
    Activity.objects.bulk_create(activities, batch_size=2000)
    Minutes.objects.bulk_create(
        [
            Minutes(
                activity=a, chair="甲", recorder="乙", topic="议题", content="内容",
                status="approved" if i % 2 else "draft",
                approved_at=timezone.now() if i % 2 else None,
            )
            for i, a in enumerate(activities)
        ],
        batch_size=2000,
    )  # fmt: skip
    return committee, len(activities)


def main():
    rng = random.Random(5)  # noqa: S311 (benchmark data, not security)
    try:
        with transaction.atomic():
            committee, meetings = build(rng)
            branches = Organization.objects.filter(path__startswith=committee.path)
            times = []
            for _ in range(10):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    board = compliance.compute(branches, *YEAR, today=date(2026, 1, 5))
                    times.append(time.perf_counter() - started)
            cells = sum(len(row.cells) for row in board.rows)
            print(
                f"{connection.vendor}: {len(board.rows)} branches, {cells} cells, "
                f"{meetings} meetings; {len(queries)} queries; "
                f"median {statistics.median(times) * 1000:.0f} ms, "
                f"min {min(times) * 1000:.0f} ms over {len(times)} runs"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
