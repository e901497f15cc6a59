"""Time the public station finder (`/stations/`) with 400 active stations, in-process through
Django's test client (the whole view, template and queries, no network), on a throw-away
database.

    DJANGO_DEBUG=on .venv/bin/python bench/station_finder.py [--stations 400] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench ... (PostgreSQL)

Every other station is open around the clock, the rest have a day and an overnight shift; each
has four amenities and three programs. Every query string is requested `--requests` times after
two warm-up requests; the table shows queries per request, median and 90th-percentile
milliseconds and requests per second of one process.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

QUERIES = [
    ("no filter", {}),
    ("street", {"street": "STREET"}),
    ("open now + amenity + program", {"open": "now", "amenity": "water", "program": "health"}),
    ("near (distance order)", {"near": "31.30,121.51"}),
    (
        "everything",
        {
            "street": "STREET",
            "open": "now",
            "amenity": "water",
            "program": "health",
            "near": "31.30,121.51",
        },
    ),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=400)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    # No setup_test_environment(): its instrumented template rendering would be timed too.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.stations, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def seed(count):
    from datetime import time as clock

    from branches.models import Street
    from stations.models import OpeningHours, Station, StationAmenity, StationProgram

    streets = [
        Street.objects.create(name=f"街道{n}", slug=f"street-{n}", sort_order=n) for n in range(12)
    ]
    stations = Station.objects.bulk_create(
        Station(
            name=f"站点{n:03d}",
            kind="rider",
            street=streets[n % 12],
            address=f"政通路{n}号",
            latitude=31.26 + (n % 40) / 500,
            longitude=121.48 + (n // 40) / 150,
        )
        for n in range(count)
    )
    # Half the stations open around the clock, so "open now" matches 200 or more at any hour.
    OpeningHours.objects.bulk_create(
        OpeningHours(station=s, weekday=d, all_day=True)
        if n % 2 == 0
        else OpeningHours(station=s, weekday=d, opens=clock(o), closes=clock(c))
        for n, s in enumerate(stations)
        for d in range(7)
        for o, c in (((0, 1),) if n % 2 == 0 else ((9, 18), (22, 6)))
    )
    StationAmenity.objects.bulk_create(
        StationAmenity(station=s, amenity=a)
        for s in stations
        for a in ("water", "rest", "charging", "wifi")
    )
    StationProgram.objects.bulk_create(
        StationProgram(station=s, program=p)
        for s in stations
        for p in ("health", "rest_stop", "passport")
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
    return streets[0].pk


def run(count, requests):
    street = seed(count)
    client = Client()
    print(f"{connection.vendor}, {count} stations, {requests} requests per row")
    print("| query | queries | median ms | p90 ms | req/s |")
    print("|---|---|---|---|---|")
    for label, params in QUERIES:
        params = {k: (street if v == "STREET" else v) for k, v in params.items()}
        for _ in range(2):
            assert client.get("/stations/", params).status_code == 200
        queries = []

        def count(execute, *args, queries=queries):
            queries.append(1)
            return execute(*args)

        with connection.execute_wrapper(count):
            client.get("/stations/", params)
        timings = []
        for _ in range(requests):
            start = time.perf_counter()
            client.get("/stations/", params)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        median = statistics.median(timings)
        p90 = timings[int(len(timings) * 0.9) - 1]
        print(
            f"| {label} | {len(queries)} | {median:.1f} | {p90:.1f} | "
            f"{1000 / statistics.mean(timings):.0f} |"
        )


if __name__ == "__main__":
    main()
