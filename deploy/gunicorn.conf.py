"""Gunicorn settings for the `app` service (HTTP). Every value comes from the environment.

Each app container runs WEB_CONCURRENCY processes of GUNICORN_THREADS threads; with
persistent database connections every thread may hold one, so PostgreSQL needs
max_connections >= replicas * WEB_CONCURRENCY * GUNICORN_THREADS plus headroom.
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # all interfaces, inside the container
workers = _int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 75  # nginx keeps upstream connections open; longer than its idle timeout
max_requests = 2000
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm"  # noqa: S108 - heartbeat files in memory, not on the overlay fs
# The proxy writes the access log; set GUNICORN_ACCESS_LOG=- to get one here too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
