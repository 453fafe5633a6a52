"""Settings of the Daphne processes of ``bench/live.py``: the development settings
(SQLite or DATABASE_URL; channels-redis when REDIS_URL is set) without DEBUG (no
query log growing in memory) and with the per-user message rate limit raised, so
that a few bench senders can drive a room at 20 messages a second and beyond."""

import os

from komma.settings.dev import *  # noqa: F403

DEBUG = False
LIVE_MESSAGE_RATE = (1_000_000, 10)  # (messages, seconds) per user and session (exchange.live)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# ``bench/live.py --recheck-seconds S``: the access recheck interval (one per room and process)
# (exchange.live's default otherwise), to see how much of the cost it is.
if os.environ.get("LIVE_BENCH_RECHECK_SECONDS"):
    LIVE_RECHECK_SECONDS = float(os.environ["LIVE_BENCH_RECHECK_SECONDS"])

# How long the hub holds a message frame that skips ahead (exchange.live.fanout).
if os.environ.get("LIVE_BENCH_REORDER_HOLD"):
    LIVE_REORDER_HOLD_SECONDS = float(os.environ["LIVE_BENCH_REORDER_HOLD"])
