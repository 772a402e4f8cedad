"""The bus path of an import: N ``socialhub worker`` processes, one SQLite file.

Used by ``bench_import.py --workers 1,2``. For each N: a new SQLite file with
``examples/telecom.toml`` applied, the file's mentions published to ``mentions.raw`` on
NATS under a stream prefix of this run (``i21bench_<random>``, deleted after), then N
``socialhub worker --mode fast`` processes started together; wall time runs from their
start to the moment the store holds every mention (polled every 0.2 s), then they are
stopped (SIGTERM) and their CPU and peak RSS read from ``os.wait4``. The speed-up is
one worker's wall time over N workers'. Start-up (imports, models) is inside the
wall time, the same for every N.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from socialhub.bus import RAW, mention_message_id, open_bus
from socialhub.ingest.parse import ImportFile
from socialhub.models import Mention
from socialhub.serialize import mention_to_json

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STALL_SECONDS = 300.0  # no new row for this long: give up


def read_mentions(file: Path) -> list[Mention]:
    with ImportFile(file) as source:
        return [m for m in source if isinstance(m, Mention)]


async def _publish(url: str, mentions: list[Mention]) -> None:
    bus = open_bus(url)
    try:
        for lo in range(0, len(mentions), 500):
            await asyncio.gather(
                *(
                    bus.publish(RAW, mention_to_json(m), {"id": mention_message_id(m)})
                    for m in mentions[lo : lo + 500]
                )
            )
    finally:
        await bus.close()


async def _drop(url: str) -> None:
    bus = open_bus(url)
    try:
        await bus.delete_streams()  # type: ignore[attr-defined]
    finally:
        await bus.close()


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return int(con.execute("SELECT count(*) FROM mentions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def one(
    mentions: list[Mention], workers: int, work: Path, bus: str, env: dict[str, str]
) -> dict[str, Any]:
    db = work / f"bus{workers}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    subprocess.run(
        [str(BIN / "socialhub"), "apply", str(ROOT / "examples" / "telecom.toml"), "--db", url],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    bus_url = f"{bus}?prefix=i21bench_{uuid.uuid4().hex[:10]}"
    started = time.perf_counter()
    asyncio.run(_publish(bus_url, mentions))
    publish_s = time.perf_counter() - started
    cmd = [str(BIN / "socialhub"), "worker", "--db", url, "--bus", bus_url, "--mode", "fast"]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*cmd, "--name", f"bench-{i}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    want, last, seen_at = len(mentions), -1, time.perf_counter()
    try:
        while True:
            n = _count(db)
            now = time.perf_counter()
            if n >= want:
                break
            if n != last:
                last, seen_at = n, now
            elif now - seen_at > STALL_SECONDS or any(p.poll() is not None for p in procs):
                raise SystemExit(f"{workers} worker(s) stalled at {n} of {want} mentions")
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        usages = [os.wait4(p.pid, 0)[2] for p in procs]
        asyncio.run(_drop(bus_url))
    return {
        "workers": workers,
        "mentions": want,
        "publish_s": round(publish_s, 2),
        "wall_s": round(wall, 2),
        "per_s_wall": round(want / wall),
        "cpu_s": round(sum(u.ru_utime + u.ru_stime for u in usages), 2),
        "per_cpu_s": round(want / sum(u.ru_utime + u.ru_stime for u in usages)),
        "peak_rss_mb_each": [round(u.ru_maxrss / 1024) for u in usages],
        "load": os.getloadavg(),
    }


def scaling(
    file: Path, n: int, work: Path, counts: list[int], bus: str, env: dict[str, str]
) -> dict[str, Any]:
    mentions = read_mentions(file)[:n]
    runs = [one(mentions, k, work, bus, env) for k in counts]
    base = next((r for r in runs if r["workers"] == 1), None)
    out: dict[str, Any] = {"runs": runs}
    if base is not None:
        out["speedup"] = {str(r["workers"]): round(base["wall_s"] / r["wall_s"], 2) for r in runs}
    return out
