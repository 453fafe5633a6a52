"""WebSocket client process of ``bench/live.py`` (not run by hand).

One process holds many connections of one room (asyncio, ``websockets``). It is
steered line by line over stdin and answers over stdout:

- it connects every connection of its config (``{"type":"hello"}`` first and waits
  for ``replay.done`` against the real consumer), then prints ``READY <n>``;
- ``PACED <phase> <rate> <seconds> <count>``: the first ``count`` senders each send
  ``rate`` messages a second, evenly spaced, for ``seconds``; prints ``DONE <json>``;
- ``CEIL <phase> <window> <seconds>``: every sender keeps ``window`` of its own
  messages in flight (sent, not yet seen coming back) for ``seconds``;
- ``COUNT <phase>``: prints the number of distinct bench messages of a phase
  received so far;
- ``DUMP``: prints the per-phase results as one JSON line and exits.

A bench message body is ``phase|sender|n|send_ns`` (``time.monotonic_ns`` of the
sending process, which is the same clock in every process of the machine), so
each receiver knows the fan-out latency of every delivery and can count lost,
duplicated and reordered deliveries per sender.
"""

import asyncio
import json
import os
import sys
import time
import uuid

from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.typing import Origin
from websockets.uri import parse_uri

BUCKET_NS = 50_000_000  # receive-time histogram of the ceiling phase: 50 ms buckets


class Phase:
    """What one connection received of one phase."""

    __slots__ = ("buckets", "dups", "last", "latencies", "received", "reordered", "seen")

    def __init__(self):
        self.received = 0
        self.dups = 0
        self.reordered = 0
        self.last: dict[str, int] = {}
        self.seen: set = set()
        self.latencies: list[int] = []
        self.buckets: dict[int, int] = {}


class _Wire(asyncio.Protocol):
    """The socket of a connection, on websockets' Sans-I/O client protocol.

    Frames are handed to the connection as they are parsed: no task, future or
    queue per received message, so that one client process can keep up with a
    room of 200 (the clients share the machine's cores with the server).
    """

    def __init__(self, conn):
        self.conn = conn
        self.ws = ClientProtocol(parse_uri(conn.url), origin=Origin(conn.origin), max_size=None)
        self.transport = None
        self.parts = []

    def connection_made(self, transport):
        self.transport = transport
        request = self.ws.connect()
        if self.conn.cookie:
            request.headers["Cookie"] = f"sessionid={self.conn.cookie}"
        self.ws.send_request(request)
        self.flush()

    def flush(self):
        for data in self.ws.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def data_received(self, data):
        self.ws.receive_data(data)
        conn = self.conn
        for event in self.ws.events_received():
            if isinstance(event, Response):
                if event.status_code != 101:
                    conn.closed = f"handshake {event.status_code} {event.body[:200]!r}"
                    conn.ready.set()
                if not conn.opened.done():
                    conn.opened.set_result(None)
            elif event.opcode is Opcode.TEXT or event.opcode is Opcode.CONT:
                self.parts.append(event.data)
                if event.fin:
                    frame = b"".join(self.parts).decode()
                    self.parts.clear()
                    conn.on_frame(frame)
            elif event.opcode is Opcode.CLOSE:
                conn.closed = f"closed {self.ws.close_code}"
                conn.ready.set()
        self.flush()

    def connection_lost(self, exc):
        if not self.conn.closed:
            self.conn.closed = f"lost {exc!r}"
        self.conn.ready.set()
        if not self.conn.opened.done():
            self.conn.opened.set_result(None)


class Conn:
    """One client connection: receives everything, and sends when it is a sender."""

    def __init__(self, index, url, cookie, origin, real, sender):
        self.index = index
        self.name = f"c{index}"
        self.url = url
        self.cookie = cookie
        self.origin = origin
        self.real = real
        self.sender = sender
        self.phases: dict[str, Phase] = {}
        self.seqs_out_of_order = 0
        self.seq_gaps = 0
        self.last_seq = 0
        self.errors: dict[str, int] = {}
        self.acks = 0
        self.in_flight = 0
        self.returned = asyncio.Event()
        self.ready = asyncio.Event()
        self.closed = None
        self.opened = None
        self.transport = self.proto = None

    async def open(self):
        loop = asyncio.get_running_loop()
        uri = parse_uri(self.url)
        self.opened = loop.create_future()
        self.transport, self.proto = await loop.create_connection(
            lambda: _Wire(self), uri.host, uri.port
        )
        await asyncio.wait_for(self.opened, 60)
        if self.closed:
            raise SystemExit(f"{self.name}: {self.closed}")
        if self.real:
            self.send_text(json.dumps({"type": "hello", "last_seq": 0}))
        else:
            self.ready.set()
        await asyncio.wait_for(self.ready.wait(), 60)
        if self.closed:
            raise SystemExit(f"{self.name}: {self.closed}")

    def send_text(self, text):
        self.proto.ws.send_text(text.encode())
        self.proto.flush()

    def on_frame(self, frame):
        now = time.monotonic_ns()
        data = json.loads(frame)
        kind = data.get("type")
        if kind == "message":
            seq = data["seq"]
            if seq <= self.last_seq:
                self.seqs_out_of_order += 1
            else:
                if seq != self.last_seq + 1 and self.last_seq:
                    self.seq_gaps += 1
                self.last_seq = seq
            body = data.get("body", "")
        elif kind == "message.send":  # the baseline echoes the frame as it is
            body = data.get("body", "")
        elif kind == "replay.done":
            self.last_seq = max(self.last_seq, data.get("last_seq") or 0)
            self.ready.set()
            return
        elif kind == "ack":
            self.acks += 1
            return
        elif kind == "error":
            code = data.get("code", "?")
            self.errors[code] = self.errors.get(code, 0) + 1
            if code != "rate_limited":
                return
            # a refused message never comes back: free its window slot
            self.in_flight -= 1
            self.returned.set()
            return
        else:
            return
        parts = body.split("|")
        if len(parts) != 4:
            return
        phase_name, sender, n, sent_ns = parts
        n = int(n)
        phase = self.phases.get(phase_name)
        if phase is None:
            phase = self.phases[phase_name] = Phase()
        phase.received += 1
        key = (sender, n)
        if key in phase.seen:
            phase.dups += 1
            return
        phase.seen.add(key)
        if n < phase.last.get(sender, -1):
            phase.reordered += 1
        else:
            phase.last[sender] = n
        phase.latencies.append(now - int(sent_ns))
        bucket = now // BUCKET_NS
        phase.buckets[bucket] = phase.buckets.get(bucket, 0) + 1
        if sender == self.name:
            self.in_flight -= 1
            self.returned.set()

    async def send_bench(self, phase, n):
        client_id = str(uuid.uuid4())
        body = f"{phase}|{self.name}|{n}|{time.monotonic_ns()}"
        self.send_text(json.dumps({"type": "message.send", "client_id": client_id, "body": body}))

    async def paced(self, phase, rate, seconds, offset):
        """``rate`` messages a second on a fixed schedule (no drift, no catch-up burst)."""
        interval = 1 / rate
        start = time.monotonic() + offset
        count = int(rate * seconds)
        for n in range(count):
            delay = start + n * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await self.send_bench(phase, n)
        return count

    async def closed_loop(self, phase, window, seconds):
        """Keep ``window`` own messages in flight until ``seconds`` are over."""
        end = time.monotonic() + seconds
        n = 0
        self.in_flight = 0
        while time.monotonic() < end and self.closed is None:
            while self.in_flight >= window:
                self.returned.clear()
                try:
                    await asyncio.wait_for(self.returned.wait(), 5)
                except TimeoutError:
                    return n  # nothing comes back: the server is stuck, stop
            self.in_flight += 1
            await self.send_bench(phase, n)
            n += 1
        return n

    def result(self):
        phases = {}
        for name, phase in self.phases.items():
            phases[name] = {
                "received": phase.received,
                "unique": len(phase.seen),
                "dups": phase.dups,
                "reordered": phase.reordered,
                "latencies_us": [round(ns / 1000) for ns in phase.latencies],
                "buckets": phase.buckets,
                "last": phase.last,
            }
        return {
            "phases": phases,
            "seq_out_of_order": self.seqs_out_of_order,
            "seq_gaps": self.seq_gaps,
            "errors": self.errors,
            "closed": self.closed,
            "acks": self.acks,
        }


async def main():
    config = json.loads(sys.argv[1])
    conns = [
        Conn(c["index"], c["url"], c.get("cookie"), config["origin"], config["real"], c["sender"])
        for c in config["connections"]
    ]
    limit = asyncio.Semaphore(10)  # do not storm the handshake

    async def open_one(conn):
        async with limit:
            await conn.open()

    await asyncio.gather(*(open_one(conn) for conn in conns))
    print(f"READY {len(conns)}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    senders = [conn for conn in conns if conn.sender]
    while True:
        line = (await reader.readline()).decode().split()
        if not line:
            break
        command = line[0]
        if command == "PACED":
            phase, rate, seconds, count = line[1], float(line[2]), float(line[3]), int(line[4])
            active = senders[:count]
            # the senders take turns: together an even stream of count * rate messages/s
            offsets = [i / rate / count for i in range(count)]
            sent = await asyncio.gather(
                *(c.paced(phase, rate, seconds, o) for c, o in zip(active, offsets, strict=True))
            )
            print("DONE " + json.dumps({c.name: s for c, s in zip(active, sent, strict=True)}),
                  flush=True)  # fmt: skip
        elif command == "CEIL":
            phase, window, seconds = line[1], int(line[2]), float(line[3])
            sent = await asyncio.gather(*(c.closed_loop(phase, window, seconds) for c in senders))
            print("DONE " + json.dumps({c.name: s for c, s in zip(senders, sent, strict=True)}),
                  flush=True)  # fmt: skip
        elif command == "COUNT":
            total = sum(len(c.phases[line[1]].seen) for c in conns if line[1] in c.phases)
            print(f"COUNT {total}", flush=True)
        elif command == "DUMP":
            print("RESULT " + json.dumps([c.result() for c in conns]), flush=True)
            break
    for conn in conns:
        conn.transport.close()


if __name__ == "__main__":
    if os.environ.get("LIVE_BENCH_PROFILE_CLIENT"):  # where the client's time goes
        import cProfile

        out = os.environ["LIVE_BENCH_PROFILE_CLIENT"]  # a directory
        cProfile.run("asyncio.run(main())", f"{out}/live_client.{os.getpid()}.prof")
    else:
        asyncio.run(main())
