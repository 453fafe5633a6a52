"""Scale-out: two real Daphne processes on channels-redis deliver one room's events
across each other (a message sent on one reaches a client of the other, and a
removal on one closes the removed person's socket on the other).

Runs when ``REDIS_URL`` is set (CI sets it; locally e.g. redis://127.0.0.1:6379/13).
The processes share the test's PostgreSQL database when ``DATABASE_URL`` is
PostgreSQL, else a temporary SQLite file prepared with ``migrate``.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import need_service

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
START_TIMEOUT = 120  # a loaded CI machine imports Django slowly

SEED = r"""
import json
from datetime import timedelta
import django
django.setup()
from django.test import Client
from django.utils import timezone
from exchange.live.models import LiveSession, Participant, Role
from komma.accounts.models import Membership, Municipality, User

town = Municipality.objects.create(name="Skalierhausen", kind="gemeinde", bundesland="SN",
                                   ags="14998777", programme_status="model")
people = {}
for key in ("leitung", "eins", "zwei"):
    user = User.objects.create_user(email=f"{key}.scale@example.org", password="x-y-z-2026",
                                    pseudonym=f"Skala{key.capitalize()}")
    if key != "leitung":
        Membership.objects.create(user=user, municipality=town)
    people[key] = user
now = timezone.now()
session = LiveSession.objects.create(title="Skalierung", starts_at=now - timedelta(minutes=1),
                                     created_by=people["leitung"], state="live", phase="casting")
for key, user in people.items():
    Participant.objects.create(session=session, user=user,
                               role=Role.FACILITATOR if key == "leitung" else Role.CONSULTANT)
cookies = {}
for key, user in people.items():
    client = Client()
    client.force_login(user)
    cookies[key] = client.cookies["sessionid"].value
print(json.dumps({"room": str(session.public_id), "cookies": cookies,
                  "ids": {k: u.pk for k, u in people.items()}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp: Path) -> str:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp / 'scaleout.sqlite3'}"


@pytest.fixture
def scaleout_env(tmp_path):
    redis_url = os.environ.get("REDIS_URL")
    need_service("Redis", bool(redis_url), "REDIS_URL not set")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings"),
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "platform"), str(ROOT), os.environ.get("PYTHONPATH", "")]
        ),
        "DATABASE_URL": database_url(tmp_path),
        "REDIS_URL": redis_url,
        "CHANNEL_LAYER_PREFIX": f"komma-scaleout-{uuid.uuid4().hex[:8]}",
        "CACHE_KEY_PREFIX": f"komma-scaleout-{uuid.uuid4().hex[:8]}",
    }
    if connection.vendor != "postgresql":
        subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
            env=env, cwd=ROOT, check=True, timeout=600,
        )  # fmt: skip
    return env


def seed(env) -> dict:
    out = subprocess.run(
        [PYTHON, "-c", SEED], env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_daphne(env, port, log):
    return subprocess.Popen(
        [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "komma.asgi:application"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_for_port(port, process):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"daphne on {port} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"daphne on {port} did not start")


async def connect(port, room, cookie):
    import websockets

    socket_ = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/live/{room}/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers=[("Cookie", f"sessionid={cookie}")],
        open_timeout=30,
    )
    await socket_.send(json.dumps({"type": "hello", "last_seq": 0}))
    while True:
        frame = json.loads(await asyncio.wait_for(socket_.recv(), 30))
        if frame["type"] == "replay.done":
            return socket_


async def expect(socket_, kind, where=lambda frame: True, **match):
    while True:
        frame = json.loads(await asyncio.wait_for(socket_.recv(), 30))
        if frame["type"] != kind or not where(frame):
            continue
        if all(frame.get(k) == v for k, v in match.items()):
            return frame


async def scenario(ports, data):
    import websockets

    room, cookies, ids = data["room"], data["cookies"], data["ids"]
    one = await connect(ports[0], room, cookies["eins"])
    two = await connect(ports[1], room, cookies["zwei"])
    lead = await connect(ports[0], room, cookies["leitung"])
    # Presence crosses processes: "zwei" (process 2) comes online for "eins" (process 1).
    await expect(
        one,
        "presence",
        lambda f: ids["zwei"] in [p["id"] for p in f["participants"] if p["online"]],
    )

    client_id = str(uuid.uuid4())
    await one.send(json.dumps({"type": "message.send", "client_id": client_id, "body": "Hallo 2"}))
    assert (await expect(one, "ack"))["seq"] == 1
    arrived = await expect(two, "message")
    assert (arrived["seq"], arrived["body"], arrived["client_id"]) == (1, "Hallo 2", client_id)

    await two.send(json.dumps({"type": "message.send", "client_id": str(uuid.uuid4()),
                               "body": "Hallo 1"}))  # fmt: skip
    assert (await expect(one, "message", seq=2))["body"] == "Hallo 1"

    # A removal on process 1 closes the socket on process 2 with 4403.
    await lead.send(json.dumps({"type": "participant.remove", "user_id": ids["zwei"],
                                "reason": "Test"}))  # fmt: skip
    assert (await expect(two, "removed"))["reason"] == "Test"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(two.recv(), 30)
    assert closed.value.rcvd.code == 4403
    for socket_ in (one, lead):
        await socket_.close()


def test_two_daphne_processes_deliver_across_redis(scaleout_env, tmp_path):
    data = seed(scaleout_env)
    ports = [free_port(), free_port()]
    processes = []
    try:
        for index, port in enumerate(ports):
            log = open(tmp_path / f"daphne{index}.log", "w")  # noqa: SIM115 - closed below
            processes.append((start_daphne(scaleout_env, port, log), log))
        for (process, _log), port in zip(processes, ports, strict=True):
            wait_for_port(port, process)
        asyncio.run(scenario(ports, data))
    except BaseException:
        for index in range(len(processes)):
            print((tmp_path / f"daphne{index}.log").read_text()[-8000:])
        raise
    finally:
        for process, log in processes:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
