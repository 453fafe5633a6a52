"""Shared set-up of the benchmarks: Django on a throw-away database, and the timer."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komma.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))


def timed(fn, rounds=ROUNDS):
    """Median and p95 server time in ms of ``fn()`` (a test-client request), warmed up."""
    for _ in range(10):  # warm caches (site, plugin states, templates) first
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = fn()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:  # a fast error page is no result
            raise SystemExit(f"benchmark request failed: {response.status_code}")
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "rounds": rounds,
    }
