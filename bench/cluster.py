"""`make cluster`: the portal's multi-host shape on one machine, loopback only.

    make cluster                  # until Ctrl-C
    .venv/bin/python bench/cluster.py --seconds 600

nginx (Debian's nginx-light) on 127.0.0.1:8134 balances over two gunicorn instances of the
portal on 127.0.0.1:8135 and :8136 (production settings, 2 workers x 4 threads each). Both
share PostgreSQL (CLUSTER_DATABASE_URL, default the load database yangpu_load) and Redis
(CLUSTER_REDIS_URL, default redis://127.0.0.1:6379/13): sessions, the cache (rate limits, the
sign-in lockout) and the import's file between dry run and confirm. Stop one instance (its pid
is printed) and nginx sends everything to the other; a signed-in visitor stays signed in.

nginx retries a request on the other instance only when it could not be sent (connection
refused, or a GET that got no answer): a POST that reached an instance is never sent twice.
The load test uses this class too (`make loadtest FAULT=instance-stop`).
"""

import argparse
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
SINGLE_PORT = 8130  # one gunicorn, no proxy (the plain load test)
NGINX_PORT = 8134
INSTANCE_PORTS = (8135, 8136)
REDIS_URL = "redis://127.0.0.1:6379/13"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/yangpu_load"

NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 20m;
    upstream portal {{
{servers}
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://portal;
            proxy_set_header Host $http_host;
            # Overwrite, never append: the app trusts exactly one proxy hop
            # (ALLAUTH_TRUSTED_PROXY_COUNT=1), so a client cannot forge its address.
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            # Only what never reached an instance (or a GET without an answer) is retried.
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
        }}
    }}
}}
"""


def app_environment(*, database_url: str, redis_url: str = "", behind_proxy: bool = False):
    """Production settings on this machine: DEBUG off, plain HTTP (no TLS proxy here)."""
    env = {
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "2"),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "4"),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    if behind_proxy:
        env["ALLAUTH_TRUSTED_PROXY_COUNT"] = "1"
    return env


def wait_healthy(port: int, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing healthy on port {port} after {limit:.0f} s")


class Instance:
    """One gunicorn (master + workers) in its own process group."""

    def __init__(self, env: dict, port: int, logdir: Path):
        self.env, self.port, self.logdir = env, port, logdir
        self.process = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self) -> None:
        log = self.logdir / f"gunicorn-{self.port}.log"
        # Django's own log lines (WARNING and up) go to the same file as gunicorn's.
        self.output = log.open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                "gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                str(log),
                "yangpu_portal.wsgi",
            ],
            cwd=ROOT,
            env={**os.environ, **self.env, "HOST": HOST, "PORT": str(self.port)},
            start_new_session=True,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )

    def stop(self, sig=signal.SIGTERM, wait: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Cluster:
    """`instances` gunicorns; with `nginx`, nginx in front (else the single one is the target)."""

    def __init__(self, env: dict, *, instances: int = 1, nginx: bool = False):
        self.dir = Path(tempfile.mkdtemp(prefix="yangpu-cluster-"))
        self.dir.chmod(0o755)
        ports = INSTANCE_PORTS[:instances] if nginx else (SINGLE_PORT,)
        self.instances = [Instance(env, port, self.dir) for port in ports]
        self.nginx = None
        self.use_nginx = nginx
        self.target = (HOST, NGINX_PORT if nginx else ports[0])

    def start(self) -> None:
        for instance in self.instances:
            instance.start()
        for instance in self.instances:
            wait_healthy(instance.port)
        if self.use_nginx:
            if not shutil.which("nginx"):
                raise SystemExit("nginx is not installed (apt-get install -y nginx-light)")
            servers = "\n".join(
                f"        server {HOST}:{i.port} max_fails=1 fail_timeout=5s;"
                for i in self.instances
            )
            conf = self.dir / "nginx.conf"
            conf.write_text(
                NGINX_CONF.format(dir=self.dir, servers=servers, host=HOST, port=NGINX_PORT)
            )
            self.nginx = subprocess.Popen(
                ["nginx", "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "e.log")],
                start_new_session=True,
            )
            wait_healthy(NGINX_PORT)

    def upstream_errors(self, port: int) -> tuple[int, int]:
        """Requests nginx had sent to the instance on `port` and lost (reset or closed before
        an answer; a refused connection is not counted: nginx sends that request elsewhere),
        and the same for the other instances."""
        log = self.dir / "nginx-error.log"
        lines = log.read_text().splitlines() if log.exists() else []
        lost = [
            line
            for line in lines
            if "[error]" in line
            and ("while reading response header" in line or "while sending request" in line)
        ]
        mine = sum(1 for line in lost if f"//{HOST}:{port}/" in line)
        return mine, len(lost) - mine

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.nginx.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.nginx.pid, signal.SIGKILL)
        for instance in self.instances:
            instance.stop()


def prepare_database(env: dict) -> None:
    """Migrate, cache table, static files (the manifest WhiteNoise serves) and the demo data."""
    run_env = {**os.environ, **env}
    for command in (
        ["migrate", "--noinput"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        subprocess.run(
            [str(BIN / "python"), "manage.py", *command], cwd=ROOT, env=run_env, check=True
        )


def main():
    parser = argparse.ArgumentParser(description="nginx + two portal instances, loopback only")
    parser.add_argument(
        "--seconds", type=float, default=0.0, help="stop after this long (0: until Ctrl-C)"
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("CLUSTER_DATABASE_URL", DATABASE_URL)
    )
    parser.add_argument("--redis-url", default=os.environ.get("CLUSTER_REDIS_URL", REDIS_URL))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from loadtest import ensure_database

    env = app_environment(
        database_url=args.database_url, redis_url=args.redis_url, behind_proxy=True
    )
    # Background tasks (large roster imports) queue in PostgreSQL; one worker serves both
    # instances, as `make worker` would on a real host.
    env["DJANGO_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    ensure_database(args.database_url)
    prepare_database(env)
    cluster = Cluster(env, instances=2, nginx=True)
    worker = None
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    try:
        cluster.start()
        worker = subprocess.Popen(
            [str(BIN / "python"), "manage.py", "db_worker", "--no-reload"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=(cluster.dir / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        print(f"portal at http://{HOST}:{NGINX_PORT}/ (nginx, logs and config in {cluster.dir})")
        print(f"  tasks worker pid {worker.pid} (log: {cluster.dir / 'worker.log'})")
        for i in cluster.instances:
            print(f"  instance http://{HOST}:{i.port}/  gunicorn master pid {i.pid}")
        print("Ctrl-C stops everything." if not args.seconds else f"for {args.seconds:.0f} s")
        end = time.monotonic() + (args.seconds or float("inf"))
        while time.monotonic() < end and not stop:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        cluster.stop()
        print("stopped")


if __name__ == "__main__":
    main()
