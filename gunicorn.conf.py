"""gunicorn settings for production (`make serve`, or `gunicorn -c gunicorn.conf.py
yangpu_portal.wsgi`). Every value can be overridden by the environment."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# gthread keeps connections alive and tolerates slow phone clients better than sync workers.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# The application is imported once, in the master, and each worker is forked from it: a new
# worker serves at once instead of spending about a second of CPU importing Django (nothing
# opens a database or Redis connection at import time; connections are made in the workers).
preload_app = True
# Workers are not recycled by default (gunicorn's default; no leak has been seen). Recycling
# costs more here than usual: each worker has its own listening socket (reuse_port, below), so
# connections the kernel had queued on a worker's socket are reset when it exits. Set
# GUNICORN_MAX_REQUESTS if a leak appears (docs/benchmarks.md has what 2,000 cost).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# gunicorn 27 opens a control socket shared by every gunicorn of the user; we need none.
control_socket_disable = True
# Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections
# over them. With one shared socket, whichever worker wakes first accepts: a burst of
# keep-alive connections (a proxy's, or a load generator's) could land mostly on one worker
# and leave the other core idle for as long as they lived (docs/benchmarks.md).
reuse_port = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
