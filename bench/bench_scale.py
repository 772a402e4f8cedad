"""Scale-out benchmark on PostgreSQL + NATS: worker throughput and end-to-end latency.

    .venv/bin/python bench/bench_scale.py [--n 3000] [--latency-n 600] [--rate 40]

Prints JSON:

* ``throughput``: mentions/s stored by 1 and by 2 ``socialhub worker`` processes (fast
  pipeline mode) draining a backlog of ``--n`` demo mentions already on
  ``mentions.raw``; measured between 5 % and 95 % stored so process start-up is out;
  ``ratio`` = 2 workers / 1 worker (run in the same invocation: absolute numbers drift
  on shared machines, the ratio less);
* ``latency``: with 2 workers and the detector service idle, ``--latency-n`` demo
  mentions published at ``--rate``/s; publish (PubAck) -> stored (the row's
  ``updated_at``) and publish -> alert (``alerts.created_at`` against the mention that
  opened it), p50 and p95 in milliseconds.

Needs PostgreSQL on 127.0.0.1:5432 (a throwaway database is created and dropped) and
NATS on 127.0.0.1:4222 (a unique stream prefix, deleted afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from scratch_pg import scratch_database

from socialhub.bus import RAW
from socialhub.bus.nats import NatsBus
from socialhub.config import apply_config, load_config
from socialhub.demo import Simulator
from socialhub.serialize import mention_to_json
from socialhub.store import open_store

ROOT = Path(__file__).resolve().parents[1]
ADMIN = os.environ.get("SOCIALHUB_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
NATS = os.environ.get("SOCIALHUB_BENCH_NATS", "nats://127.0.0.1:4222")
CLI = os.environ.get("SOCIALHUB_BENCH_CLI_MODULE", "socialhub.cli.main")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else -1.0


def count(db: str, since_seq: int = 0) -> int:
    with psycopg.connect(db, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM mentions WHERE seq > %s", (since_seq,)).fetchone()
        return int(row[0]) if row else 0


async def publish(url: str, mentions: list[Any], rate: float | None = None) -> dict[str, float]:
    """Publish; returns mention id -> wall time of its PubAck."""
    bus = NatsBus.from_url(url)
    sent: dict[str, float] = {}
    t0 = time.monotonic()
    try:
        if rate is None:

            async def one(m: Any) -> None:
                await bus.publish(RAW, mention_to_json(m), {"id": m.id})
                sent[m.id] = time.time()

            await asyncio.gather(*(one(m) for m in mentions))
        else:
            for i, m in enumerate(mentions):
                delay = t0 + i / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await bus.publish(RAW, mention_to_json(m), {"id": m.id})
                sent[m.id] = time.time()
    finally:
        await bus.close()
    return sent


def start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", CLI, *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()


def throughput(env: dict[str, str], db: str, workers: int, n: int, seed: int, log: Path) -> float:
    with psycopg.connect(db, autocommit=True) as conn:
        row = conn.execute("SELECT coalesce(max(seq), 0) FROM mentions").fetchone()
        base = int(row[0]) if row else 0
    start_at = datetime(2026, 3, 2, 6, 0, tzinfo=UTC) + timedelta(days=seed)
    mentions = Simulator(seed=seed, start=start_at).take(n)
    asyncio.run(publish(env["SOCIALHUB_BUS"], mentions))
    procs = [start(env, log, "worker", "--mode", "fast") for _ in range(workers)]
    try:
        marks: dict[float, float] = {}
        deadline = time.monotonic() + 600
        while len(marks) < 2 and time.monotonic() < deadline:
            done = count(db, base) / n
            for q in (0.05, 0.95):
                if done >= q and q not in marks:
                    marks[q] = time.monotonic()
            time.sleep(0.05)
    finally:
        stop(procs)
    if len(marks) < 2:
        raise RuntimeError(f"{workers} worker(s) did not drain {n} mentions; see {log}")
    if marks[0.95] - marks[0.05] < 0.25:  # under 5 polls: the rate would be noise
        raise RuntimeError(f"{n} mentions drained in under 0.25 s: use a larger --n")
    return round(0.9 * n / (marks[0.95] - marks[0.05]), 1)


def latency(env: dict[str, str], db: str, n: int, rate: float, log: Path) -> dict[str, Any]:
    procs = [start(env, log, "worker", "--mode", "fast") for _ in range(2)]
    procs.append(start(env, log, "detect-service", "--lease-seconds", "6"))
    try:
        time.sleep(25)  # start-up (imports, models, partition claims) out of the measure
        now = datetime.now(UTC).replace(microsecond=0)
        # live stream: the demo's newest minutes, so detectors run on the wall clock
        mentions = Simulator(seed=99, start=now - timedelta(hours=2)).take(n)
        shift = now - mentions[-1].created_at
        for m in mentions:
            m.created_at += shift
        sent = asyncio.run(publish(env["SOCIALHUB_BUS"], mentions, rate))
        deadline = time.monotonic() + 300
        ids = list(sent)
        while time.monotonic() < deadline:
            with psycopg.connect(db, autocommit=True) as conn:
                rows = conn.execute(
                    "SELECT id, extract(epoch FROM updated_at) FROM mentions WHERE id = ANY(%s)",
                    (ids,),
                ).fetchall()
            if len(rows) == len(ids):
                break
            time.sleep(0.5)
        time.sleep(5)  # the detectors read what was stored
    finally:
        stop(procs)
    stored = [(float(t) - sent[i]) * 1000 for i, t in rows]
    store = open_store(db)
    try:
        alerts = store.alerts.list_alerts(limit=100_000)
    finally:
        store.close()
    to_alert = [
        (a.created_at.timestamp() - sent[a.evidence[0]]) * 1000
        for a in alerts
        if a.created_at and a.evidence and a.evidence[0] in sent
    ]
    return {
        "mentions": n,
        "rate_per_s": rate,
        "stored_ms": {"p50": pct(stored, 0.5), "p95": pct(stored, 0.95), "n": len(stored)},
        "alert_ms": {"p50": pct(to_alert, 0.5), "p95": pct(to_alert, 0.95), "n": len(to_alert)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--latency-n", type=int, default=600)
    ap.add_argument("--rate", type=float, default=40.0)
    args = ap.parse_args()
    prefix = f"bench{secrets.token_hex(3)}"
    with scratch_database(ADMIN, "socialhub_bench") as db:
        run(args, db, prefix)


def run(args: argparse.Namespace, db: str, prefix: str) -> None:
    env = dict(os.environ, SOCIALHUB_DB=db, SOCIALHUB_BUS=f"{NATS}?prefix={prefix}")
    env.pop("SOCIALHUB_METRICS_PORT", None)
    log = Path(f"/tmp/{db.rsplit('/', 1)[1]}.log")
    try:
        store = open_store(db)
        store.migrate()
        apply_config(load_config(ROOT / "examples" / "telecom.toml"), store)
        store.close()
        one = throughput(env, db, 1, args.n, 11, log)
        two = throughput(env, db, 2, args.n, 12, log)
        lat = latency(env, db, args.latency_n, args.rate, log)
        result = {
            "bench": "scale",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "backlog": args.n,
            "throughput_per_s": {"1_worker": one, "2_workers": two},
            "ratio_2_over_1": round(two / one, 2),
            "latency": lat,
        }
        print(json.dumps(result, indent=2))
    finally:

        async def drop_streams() -> None:
            bus = NatsBus.from_url(f"{NATS}?prefix={prefix}")
            await bus.delete_streams()
            await bus.close()

        asyncio.run(drop_streams())


if __name__ == "__main__":
    main()
