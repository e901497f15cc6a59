"""Per-request cost of `make bench`'s pages, in this process (no gunicorn, no wrk, no network).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench \
        .venv/bin/python bench/profile_pages.py [--requests 200] [--profile LABEL] [LABEL ...]

Uses the database `make bench` filled (seed_bench, refresh_dashboard) and the production settings
(DEBUG off) with DJANGO_BENCH on, as `make bench` does. For each page: the mean wall time and this
process's CPU time per request over --requests requests through Django's WSGI handler (after a
warm-up), and the SQL queries of one request. `--profile LABEL` prints a cProfile of that page
(sorted by cumulative time, top 40). Labels are `make bench`'s (`bench/run.py`).

Quieter than wrk on a shared machine: the CPU time hardly depends on the load, so a change's
effect shows even while other work runs. `make bench` is the measure of record.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run


def environ_for(path: str, cookie: str | None) -> dict:
    base, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": base,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8120",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9",
        "wsgi.input": BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def one(app, path: str, cookie: str | None) -> int:
    status = []
    body = app(environ_for(path, cookie), lambda s, h, *a: status.append(s))
    for _ in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return int(status[0].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="*")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", default="")
    args = parser.parse_args()

    run.env_setup()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangpu_portal.settings")
    run.django_setup()
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    cookies = {}
    todo = [p for p in run.pages() if not p.get("missing")]
    if args.labels:
        todo = [p for p in todo if p["label"] in args.labels]
    print(f"{'page':<22} {'status':>6} {'wall ms':>8} {'cpu ms':>7} {'queries':>7}")
    for page in todo:
        persona = page["persona"]
        if persona and persona not in cookies:
            cookies[persona] = run.session_cookie(persona)
        cookie = cookies.get(persona)
        for _ in range(5):
            status = one(app, page["path"], cookie)
        _status, queries = run.count_queries(page, cookie)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.requests):
            one(app, page["path"], cookie)
        wall = (time.perf_counter() - wall) * 1000 / args.requests
        cpu = (time.process_time() - cpu) * 1000 / args.requests
        print(f"{page['label']:<22} {status:>6} {wall:>8.2f} {cpu:>7.2f} {queries:>7}", flush=True)
        if page["label"] == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                one(app, page["path"], cookie)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
