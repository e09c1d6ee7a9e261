"""gunicorn's settings for PROUD: `make serve`, the container and the scale-out test start
`gunicorn --config python:config.gunicorn config.wsgi` (see the Procfile).

Environment: PROUD_BIND (default 127.0.0.1:8000; the container binds 0.0.0.0:8000), WEB_CONCURRENCY
(worker processes; default 2 per core, plus one), PROUD_WEB_THREADS (threads per worker, default 1),
FORWARDED_ALLOW_IPS (gunicorn's own: the proxies whose X-Forwarded-* headers it trusts), LOG_FORMAT.
No access log: the app writes one line per request itself, with its id and without private links
(config/logging.py)."""

import os

from config.logging import logging_config

bind = os.environ.get("PROUD_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("PROUD_WEB_THREADS", "1"))
# A request taking longer than this is a stuck worker: gunicorn replaces it.
timeout = int(os.environ.get("PROUD_WEB_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# Each worker is replaced after about this many requests, so a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory: a container's overlay file system can stall them.
# nosec B108: gunicorn's own advice for its workers' heartbeat files; nothing secret is written there.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # nosec B108
accesslog = None
errorlog = "-"
logconfig_dict = logging_config(
    json=os.environ.get("LOG_FORMAT", "text").strip().lower() == "json",
    debug=False,
    level=os.environ.get("LOG_LEVEL", "INFO"),
    tasks_level="WARNING",
    requests=True,
)
