"""The NATS bus through a server crash: nothing stored is lost, nothing unacked is forgotten.

The shared NATS on :4222 is a system service this test must not kill, so it starts its
OWN ``nats-server -js`` on a free port with a store directory under ``tmp_path``, kills
it with SIGKILL mid-stream and starts it again on the same port and store. It FAILS (never
skips) when ``nats-server`` is not installed.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from socialhub.bus import Message
from socialhub.bus.nats import NatsBus

pytestmark = pytest.mark.slow  # end to end: a NATS server of its own


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


class NatsServer:
    """One ``nats-server`` process that this test owns (started, killed, restarted)."""

    def __init__(self, binary: str, port: int, store: Path, log: Path) -> None:
        self.cmd = [binary, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", str(store)]
        self.port = port
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not port_open(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nats-server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final flush, like a crashed machine process."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    binary = shutil.which("nats-server")
    if binary is None:
        pytest.fail(
            "nats-server is not installed (apt-get install nats-server): the NATS bus "
            "restart test cannot run",
            pytrace=False,
        )
    server = NatsServer(binary, free_port(), tmp_path / "jetstream", tmp_path / "nats.log")
    server.start()
    try:
        yield server
    finally:
        if server.proc is not None:
            server.kill()


def test_stored_messages_survive_a_crash_and_unacked_ones_come_back(
    nats_server: NatsServer,
) -> None:
    async def main() -> dict[str, Any]:
        bus = NatsBus(
            f"nats://127.0.0.1:{nats_server.port}",
            prefix="restart",
            publish_timeout=30.0,
            request_timeout=1.0,
            lag_refresh=0.2,
        )
        try:
            sub = await bus.subscribe("mentions.raw", "pipeline", ack_wait=1.0)
            for i in range(20):
                await bus.publish("mentions.raw", b"m%d" % i, {"id": f"m{i}"})
            first = await sub.fetch(10, timeout=2.0)
            for m in first[:5]:
                await sub.ack(m)
            await sub.refresh()  # flushes: the 5 acks have reached the server
            await asyncio.sleep(0.5)  # and the consumer has written its state

            nats_server.kill()
            # a worker fetching while the server is gone gets nothing, and no exception
            down_fetch = await sub.fetch(10, timeout=0.5)
            # a producer publishing while the server is gone waits (back-pressure)
            late = asyncio.create_task(bus.publish("mentions.raw", b"m20", {"id": "m20"}))
            await asyncio.sleep(0.5)
            late_waited = not late.done()

            await asyncio.to_thread(nats_server.start)
            await asyncio.wait_for(late, 30.0)

            seen: list[Message] = []
            deadline = time.monotonic() + 20.0
            while len({m.data for m in seen}) < 16 and time.monotonic() < deadline:
                for m in await sub.fetch(100, timeout=0.5):
                    seen.append(m)
                    await sub.ack(m)
            quiet = await sub.fetch(100, timeout=1.5)  # acked ones never come back
            js = await bus.connect()
            info = await js.stream_info(bus.stream_name("mentions.raw"))
            return {
                "first": [m.data for m in first],
                "down_fetch": down_fetch,
                "late_waited": late_waited,
                "seen": [(m.data, m.attempt) for m in seen],
                "quiet": [m.data for m in quiet],
                "stored": info.state.messages,
            }
        finally:
            await bus.delete_streams()
            await bus.close()

    r = asyncio.run(main())
    first = r["first"]
    assert first == [b"m%d" % i for i in range(10)]
    assert r["down_fetch"] == []
    assert r["late_waited"] is True
    seen: dict[bytes, int] = dict(r["seen"])
    acked_before = {b"m%d" % i for i in range(5)}
    unacked_before = {b"m%d" % i for i in range(5, 10)}
    never_fetched = {b"m%d" % i for i in range(10, 21)}
    assert set(seen) == unacked_before | never_fetched  # nothing lost...
    assert not set(seen) & acked_before  # ...and acked work is not done again
    assert all(seen[d] >= 2 for d in unacked_before)  # redelivered, counted as retries
    assert r["quiet"] == []
    assert r["stored"] == 21  # every PubAck'ed message is still in the stream, once
