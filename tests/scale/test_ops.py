"""Operations pieces alone: JSON logs, the metrics endpoint, the scheduler's leadership."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from socialhub.ops.logs import JsonFormatter
from socialhub.ops.metrics import MetricsServer, Registry, Sample
from socialhub.processes.leader import FileLeader, PgAdvisoryLeader


def test_json_log_lines_carry_extras_and_exceptions() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        rec = logging.LogRecord(
            "socialhub.w", logging.ERROR, "f", 1, "batch %d", (3,), sys.exc_info()
        )
    rec.count = 12
    doc = json.loads(JsonFormatter(role="worker").format(rec))
    assert doc["msg"] == "batch 3" and doc["count"] == 12 and doc["role"] == "worker"
    assert "ValueError: boom" in doc["exc"] and doc["level"] == "error"


def test_metrics_are_served_in_prometheus_text_format() -> None:
    reg = Registry()
    reg.add(lambda: [Sample("socialhub_bus_lag", 7, {"group": 'a"b'}), Sample("x_total", 1.5)])

    def broken() -> list[Sample]:
        raise RuntimeError("collector bug")

    reg.add(broken)

    async def scrape() -> tuple[str, int]:
        server = MetricsServer(reg, port=0)
        port = await server.start()
        try:

            def get(path: str) -> tuple[str, int]:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
                        return r.read().decode(), r.status
                except urllib.error.HTTPError as exc:
                    return "", exc.code

            body, _ = await asyncio.to_thread(get, "/metrics")
            _, missing = await asyncio.to_thread(get, "/nope")
            return body, missing
        finally:
            await server.close()

    body, missing = asyncio.run(scrape())
    assert '# TYPE socialhub_bus_lag gauge\nsocialhub_bus_lag{group="a\\"b"} 7\n' in body
    assert "x_total 1.5" in body and missing == 404


def test_one_scheduler_leads_on_postgres_until_its_connection_goes(pg_url: str) -> None:
    key = secrets.randbelow(2**31)
    a, b = PgAdvisoryLeader(pg_url, key=key), PgAdvisoryLeader(pg_url, key=key)
    try:
        assert a.acquire() and a.acquire()
        assert not b.acquire()
        a._conn.close()  # the active scheduler's process died
        # the server drops a closed session's locks when its backend exits, a moment
        # after the client closes: wait for that (bounded), not for a fixed time
        deadline = time.monotonic() + 30.0
        while not b.acquire():
            assert time.monotonic() < deadline, "the dead leader's lock was never released"
            time.sleep(0.05)
        assert not a.acquire()
    finally:
        a.release()
        b.release()


def test_one_scheduler_leads_on_sqlite_through_a_file_lock(tmp_path: Path) -> None:
    a, b = FileLeader(tmp_path / "db.scheduler.lock"), FileLeader(tmp_path / "db.scheduler.lock")
    assert a.acquire() and not b.acquire()
    a.release()
    assert b.acquire()
    b.release()
