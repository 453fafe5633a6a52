"""Benchmark of live-session fan-out: prints JSON figures. Run with ``python bench/live.py``.

Opens N WebSocket clients (default N = 50 and 200) in one live room against Daphne
and measures, per setup:

- ``paced``: one sending load of 20 messages a second in total (spread over a few
  sender users, ``--senders``) for ``--seconds``; p50/p99/max fan-out latency (send
  in the sender process → receive in each client process, one clock), deliveries
  per second, server CPU µs per delivery;
- ``ceiling``: several senders each keeping a window of own messages in flight
  (closed loop: send again when an own message came back) — the deliveries per
  second the room sustains and the server CPU µs per delivery there;
- ``lost``, ``duplicated`` and ``reordered`` deliveries (all must be 0), from the
  per-sender counters in the bodies, and ``seq_gaps``/``seq_out_of_order`` of the
  server's sequence numbers;
- ``server_cpu_us_per_delivery`` from /proc/<pid>/stat of the Daphne process(es)
  only (the clients run on the same machine and compete for its cores; their CPU
  is not counted).

Setups (``--setups``):

- ``inmemory``: the real consumer (exchange/live, with auth, persistence, replay) on
  one Daphne process with the in-memory layer;
- ``redis``: the same on two Daphne processes on channels-redis (``--redis-url``,
  default redis://127.0.0.1:6379/12), clients and senders split across both;
- ``baseline``: a bare Channels broadcast consumer (bench/live_baseline.py) on one
  Daphne process with the default in-memory layer;
- ``hub`` (not in the default set): the same bare room on the live fan-out hub,
  to see the hub's cost without the application.

SQLite in a temp directory by default (migrated); PostgreSQL when DATABASE_URL says
so. The Daphne processes use bench/live_settings.py (development settings without
DEBUG and with the per-user message rate limit raised for the bench senders).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "live_settings"

from common import ROOT  # first: sets up Django

BENCH = Path(__file__).resolve().parent
TICK = os.sysconf("SC_CLK_TCK")
PYTHONPATH = os.pathsep.join([str(BENCH), str(ROOT / "platform"), str(ROOT)])


def server_cpu_seconds(pids) -> float:
    """utime + stime of the server processes (not of the clients)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / TICK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"daphne exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"daphne did not listen on {port}")


def start_daphne(app: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "daphne",
            "-v",
            "0",
            "--websocket_connect_timeout",
            "120",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            app,
        ],
        env=env,
        cwd=ROOT,
    )
    wait_for_port(port, proc)
    return proc, port


def server_env(redis_url: str | None, baseline: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=PYTHONPATH)
    env.pop("REDIS_URL", None)
    if baseline:
        env.pop("DJANGO_SETTINGS_MODULE", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
        prefix = f"bench{os.getpid()}x{uuid.uuid4().hex[:6]}"  # a run never sees another's keys
        env["CHANNEL_LAYER_PREFIX"] = prefix
        env["CACHE_KEY_PREFIX"] = prefix
    return env


# --- data -------------------------------------------------------------------


def bench_users(count: int):
    """``count`` members of a model municipality (created once, reused by all runs)."""
    from allauth.account.models import EmailAddress

    from komma.accounts.models import Membership, Municipality, User

    town, _ = Municipality.objects.get_or_create(
        ags="05999777",
        defaults={"name": "Stadt Benchhausen", "kind": "kreisfreie_stadt", "bundesland": "NW",
                  "programme_status": "model"},
    )  # fmt: skip
    have = User.objects.filter(email__startswith="livebench").count()
    if have < count:
        users = [
            User(email=f"livebench{i}@example.org", pseudonym=f"LiveBench{i:04d}")
            for i in range(have, count)
        ]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users)
        users = User.objects.filter(email__in=[u.email for u in users])
        Membership.objects.bulk_create(Membership(user=u, municipality=town) for u in users)
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )
    return list(User.objects.filter(email__startswith="livebench").order_by("pk")[:count])


def live_session(users):
    """A fresh live session with ``users`` invited as consultants."""
    from django.utils import timezone

    from exchange.live.models import LiveSession, Participant, Phase, State
    from komma.accounts.models import User

    facilitator, _ = User.objects.get_or_create(
        email="livebench-facilitator@example.org", defaults={"pseudonym": "LiveBenchModeration"}
    )
    now = timezone.now()
    session = LiveSession.objects.create(
        title="Bench", starts_at=now, created_by=facilitator, capacity=len(users) + 10,
        state=State.LIVE, phase=Phase.NARRATIVE, phase_started_at=now, opened_at=now,
        started_at=now,
    )  # fmt: skip
    Participant.objects.bulk_create(
        Participant(session=session, user=u, invited_by=facilitator, first_joined_at=now)
        for u in users
    )
    return session


def session_cookies(users) -> list[str]:
    """A logged-in session per user (as a browser would hold after login)."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return cookies


# --- one run ------------------------------------------------------------------


class ClientProc:
    """A client process (bench/live_client.py) and its line protocol."""

    def __init__(self, config):
        self.proc = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
            [sys.executable, str(BENCH / "live_client.py"), json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def expect(self, word):
        line = self.proc.stdout.readline()
        if not line.startswith(word):
            raise SystemExit(f"client process: expected {word}, got {line[:300]!r}")
        return line[len(word) :].strip()

    def tell(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


def wait_idle(pids, quiet=0.05, period=0.5, timeout=60.0):
    """Wait until the servers are (almost) idle: presence storms after joining are over."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        before = server_cpu_seconds(pids)
        time.sleep(period)
        if server_cpu_seconds(pids) - before <= quiet * period:
            return


def drain(procs, phase, expected, timeout=15.0):
    """Wait until every expected delivery arrived, or nothing more arrives."""
    end = time.monotonic() + timeout
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < end:
        total = 0
        for proc in procs:
            proc.tell(f"COUNT {phase}")
            total += int(proc.expect("COUNT"))
        if total >= expected:
            return total
        if total != last:
            last, stable_since = total, time.monotonic()
        elif time.monotonic() - stable_since > 2:
            return total
        time.sleep(0.2)
    return last


def run(setup, n, args, users, cookies):
    """Start the server(s), connect ``n`` clients, measure paced and ceiling."""
    baseline = setup in ("baseline", "hub")
    servers = []
    if baseline:
        env = server_env(None, True)
        servers.append(start_daphne("live_baseline:application", env))
        path = "/ws/hub/" if setup == "hub" else "/ws/room/"
    else:
        session = live_session(users[:n])
        path = f"/ws/live/{session.public_id}/"
        if setup == "redis":
            env = server_env(args.redis_url, False)
            servers += [start_daphne("komma.asgi:application", env) for _ in range(2)]
        else:
            servers.append(start_daphne("komma.asgi:application", server_env(None, False)))
    pids = [proc.pid for proc, _port in servers]
    ports = [port for _proc, port in servers]
    senders = max(args.senders, args.ceiling_senders)
    try:
        connections = [
            {
                "index": i,
                "url": f"ws://127.0.0.1:{ports[i % len(ports)]}{path}",
                "cookie": None if baseline else cookies[i],
                "sender": i < senders,
            }
            for i in range(n)
        ]
        # senders in a process of their own (their pacing is not delayed by receiving)
        groups = [connections[:senders]]
        rest = connections[senders:]
        per = -(-len(rest) // args.client_procs)
        groups += [rest[i : i + per] for i in range(0, len(rest), per)]
        procs = []
        for group in groups:
            config = {"origin": "http://127.0.0.1", "real": not baseline, "connections": group}
            procs.append(ClientProc(config))
        for proc in procs:
            proc.expect("READY")
        wait_idle(pids)
        sender_proc = procs[0]
        result = {"clients": n, "server_processes": len(servers)}
        sent_by_phase = {}

        # paced: args.senders of the sender connections, args.rate messages/s in total
        client_pids = [proc.proc.pid for proc in procs]
        cpu0, t0 = server_cpu_seconds(pids), time.monotonic()
        ccpu0 = server_cpu_seconds(client_pids)
        sender_proc.tell(f"PACED paced {args.rate / args.senders} {args.seconds} {args.senders}")
        sent = json.loads(sender_proc.expect("DONE"))
        sent_by_phase["paced"] = sum(sent.values())
        drain(procs, "paced", sent_by_phase["paced"] * n)
        cpu1, t1 = server_cpu_seconds(pids), time.monotonic()
        result["paced"] = {"rate": args.rate, "senders": args.senders, "seconds": args.seconds,
                           "_cpu": cpu1 - cpu0, "_elapsed": t1 - t0,
                           "client_cpu_share": round(
                               (server_cpu_seconds(client_pids) - ccpu0) / (t1 - t0), 2),
                           }  # fmt: skip
        wait_idle(pids)

        # ceiling: closed loop, window of own messages in flight per sender
        cpu0, t0 = server_cpu_seconds(pids), time.monotonic_ns()
        ccpu0 = server_cpu_seconds(client_pids)
        sender_proc.tell(f"CEIL ceiling {args.window} {args.ceiling_seconds}")
        sent = json.loads(sender_proc.expect("DONE"))
        t1, cpu1 = time.monotonic_ns(), server_cpu_seconds(pids)
        sent_by_phase["ceiling"] = sum(sent.values())
        drain(procs, "ceiling", sent_by_phase["ceiling"] * n)
        if os.environ.get("LIVE_BENCH_DEBUG"):
            print("ceiling sent", sent, file=sys.stderr)
        result["ceiling"] = {"senders": senders, "window": args.window,
                             "seconds": args.ceiling_seconds, "_cpu": cpu1 - cpu0,
                             "_t0": t0, "_t1": t1, "client_cpu_share": round(
                                 (server_cpu_seconds(client_pids) - ccpu0) / (t1 - t0) * 1e9,
                                 2)}  # fmt: skip
        dumps = []
        for proc in procs:
            proc.tell("DUMP")
            dumps += json.loads(proc.expect("RESULT"))
        for proc in procs:
            proc.proc.wait(timeout=30)
        if os.environ.get("LIVE_BENCH_DEBUG"):
            Path(os.environ["LIVE_BENCH_DEBUG"]).write_text(json.dumps(dumps))
        summarise(result, dumps, sent_by_phase, n)
        return result
    finally:
        for proc, _port in servers:
            proc.terminate()
        for proc, _port in servers:
            proc.wait(timeout=30)


def summarise(result, dumps, sent_by_phase, n):
    """Merge the clients' records into the figures of the run (in place)."""
    bucket_ns = 50_000_000  # as in live_client.BUCKET_NS
    for name in ("paced", "ceiling"):
        figures = result[name]
        records = [d["phases"].get(name) for d in dumps]
        records = [r for r in records if r]
        latencies = sorted(us for r in records for us in r["latencies_us"])
        unique = sum(r["unique"] for r in records)
        figures["messages_sent"] = sent_by_phase[name]
        figures["deliveries"] = unique
        figures["lost"] = sent_by_phase[name] * n - unique
        figures["duplicated"] = sum(r["dups"] for r in records)
        figures["reordered"] = sum(r["reordered"] for r in records)
        for label, q in (("p50_ms", 0.50), ("p99_ms", 0.99), ("max_ms", 1.0)):
            value = percentile(latencies, q)
            figures[label] = None if value is None else round(value / 1000, 1)
        cpu = figures.pop("_cpu")
        if name == "paced":
            elapsed = figures.pop("_elapsed")
            figures["deliveries_per_s"] = round(unique / figures["seconds"])
            figures["server_cpu_share"] = round(cpu / elapsed, 2)
            figures["server_cpu_us_per_delivery"] = round(cpu / unique * 1e6, 1) if unique else None
        else:
            t0, t1 = figures.pop("_t0"), figures.pop("_t1")
            # the first second is the ramp-up of the closed loop: rate over the rest
            lo, hi = (t0 + 1_000_000_000) // bucket_ns, t1 // bucket_ns
            if hi <= lo:  # too short for a ramp-up: the whole time
                lo = t0 // bucket_ns
            counted = sum(
                count for r in records for b, count in r["buckets"].items() if lo <= int(b) < hi
            )
            in_window = sum(
                count
                for r in records
                for b, count in r["buckets"].items()
                if t0 // bucket_ns <= int(b) < hi
            )
            figures["deliveries_per_s"] = round(counted / ((hi - lo) * bucket_ns / 1e9))
            figures["server_cpu_us_per_delivery"] = (
                round(cpu / in_window * 1e6, 1) if in_window else None
            )
    result["seq_gaps"] = sum(d["seq_gaps"] for d in dumps)
    result["seq_out_of_order"] = sum(d["seq_out_of_order"] for d in dumps)
    errors = {}
    for d in dumps:
        for code, count in d["errors"].items():
            errors[code] = errors.get(code, 0) + count
    result["error_frames"] = errors
    result["closed_connections"] = sum(1 for d in dumps if d["closed"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,200", help="room sizes, comma-separated")
    parser.add_argument("--setups", default="inmemory,redis,baseline")
    parser.add_argument("--rate", type=float, default=20.0, help="paced messages/s in total")
    parser.add_argument("--senders", type=int, default=4, help="sender users of the paced load")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the paced load")
    parser.add_argument("--ceiling-senders", type=int, default=8)
    parser.add_argument("--window", type=int, default=2, help="own messages in flight per sender")
    parser.add_argument("--ceiling-seconds", type=float, default=8.0)
    parser.add_argument(
        "--recheck-seconds",
        type=float,
        help="override exchange.live's access recheck interval (default: the app's own)",
    )
    parser.add_argument("--client-procs", type=int, default=2, help="receiving client processes")
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    )
    args = parser.parse_args()
    if args.recheck_seconds:
        os.environ["LIVE_BENCH_RECHECK_SECONDS"] = str(args.recheck_seconds)
    sizes = [int(x) for x in args.clients.split(",")]
    setups = [s.strip() for s in args.setups.split(",") if s.strip()]

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    users = bench_users(max(sizes))
    cookies = session_cookies(users)
    results = {
        "database": connection.vendor,
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "recheck_seconds": args.recheck_seconds or "app default",
        "runs": {},
    }
    for setup in setups:
        for n in sizes:
            results["runs"][f"{setup}_{n}"] = run(setup, n, args, users, cookies)
            print(json.dumps({f"{setup}_{n}": results["runs"][f"{setup}_{n}"]}), file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
