"""The fault table of issue 23, re-run: what each fault costs in mentions and alerts.

    .venv/bin/python bench/bench_faults.py [--n 50000] [--ack-wait 15] [--lean] [--only ...]

Each row starts from a clean database and its OWN nats-server (free port, store in a
temporary directory; the shared NATS on :4222 is never touched) with two ``socialhub
worker`` processes (fast pipeline mode; ``--lean``: only the delivery-relevant stages)
and a detector service, as in ``tests/scale/test_faults.py`` (same harness,
``tests/scale/cluster.py``). ``--n`` distinct demo mentions are published in two halves;
the fault is injected once the first half is being stored. Then it waits until
everything is stored and every consumer drained, and prints one JSON object per row:

``stored`` / ``lost`` (of the ``--n`` published), ``duplicate_rows``,
``duplicate_alerts`` (two alerts of one rule sharing a post), ``alerts``,
``dead_letters``, ``quarantined``, ``healthy`` (workers beating and not paused
afterwards), ``restarted`` (processes the row had to restart: only the killed ones),
``seconds``.

Faults: none; kill -9 one worker, restarted after 10 s; kill -9 both workers, restarted
after 30 s; kill -9 NATS, restarted on its store; kill -9 the detector service,
restarted; one worker's PostgreSQL sessions terminated (``pg_terminate_backend`` on its
application name) three times; the store refusing writes for 10 s (a lock on
``mention_keys`` held by the bench; the workers' lock timeout is 2 s).
Needs PostgreSQL on 127.0.0.1:5432 (``SOCIALHUB_BENCH_PG_ADMIN``) and ``nats-server``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from scratch_pg import scratch_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from scale.cluster import Hub, wait_for
from socialhub.demo import Simulator

ADMIN = os.environ.get("SOCIALHUB_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def terminate(hub: Hub, name: str) -> set[int]:
    rows = hub.sql(
        "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = %s AND datname = current_database()",
        (f"socialhub-worker:{name}",),
    )
    return {int(r[0]) for r in rows}


def lock_writes(hub: Hub, seconds: float) -> None:
    locked = threading.Event()

    def hold() -> None:
        with psycopg.connect(hub.db) as conn, conn.transaction():
            conn.execute("LOCK TABLE mention_keys IN ACCESS EXCLUSIVE MODE")
            locked.set()
            time.sleep(seconds)

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait(10)
    holder.join()


def faults() -> dict[str, Callable[[Hub], list[str]]]:
    """Each injects its fault and returns the processes it restarted."""

    def none(hub: Hub) -> list[str]:
        return []

    def kill_one(hub: Hub) -> list[str]:
        hub.kill("worker1")
        time.sleep(10)
        hub.start_worker("worker1")
        return ["worker1"]

    def kill_both(hub: Hub) -> list[str]:
        hub.kill("worker1")
        hub.kill("worker2")
        time.sleep(30)
        hub.start_worker("worker1")
        hub.start_worker("worker2")
        return ["worker1", "worker2"]

    def kill_nats(hub: Hub) -> list[str]:
        hub.nats.kill()
        hub.nats.start()
        return []

    def kill_detector(hub: Hub) -> list[str]:
        hub.kill("detect")
        hub.start_detector("detect")
        return ["detect"]

    def terminate_sessions(hub: Hub) -> list[str]:
        where = (
            "FROM pg_stat_activity WHERE application_name = 'socialhub-worker:worker2' "
            "AND datname = current_database()"
        )
        gone: set[int] = set()  # pg_terminate_backend only signals: a pid lingers a moment

        def reconnected() -> bool:
            return bool({r[0] for r in hub.sql(f"SELECT pid {where}")} - gone)

        for _ in range(3):
            gone.update(terminate(hub, "worker2"))
            wait_for("worker2 reconnected", reconnected, 30)
            time.sleep(1.0)
        return []

    def refuse_writes(hub: Hub) -> list[str]:
        lock_writes(hub, 10.0)
        return []

    return {
        "none": none,
        "kill -9 one worker, restart after 10 s": kill_one,
        "kill -9 both workers, restart after 30 s": kill_both,
        "kill -9 NATS, restart on its store": kill_nats,
        "kill -9 the detector service, restart": kill_detector,
        "one worker's PostgreSQL sessions terminated (3x)": terminate_sessions,
        "store refuses writes for 10 s (lock)": refuse_writes,
    }


def run_row(
    name: str, fault: Callable[[Hub], list[str]], args: argparse.Namespace
) -> dict[str, Any]:
    stream = Simulator(seed=23, start=START).take(args.n)
    ids = [m.id for m in stream]
    with scratch_database(ADMIN, "bench_faults") as db, tempfile.TemporaryDirectory() as tmp:
        hub = Hub(
            Path(tmp), db, ack_wait=args.ack_wait, batch=200, lean=args.lean, lock_timeout="2s"
        )
        try:
            hub.start()
            t0 = time.monotonic()
            hub.publish(stream[: args.n // 2])
            wait_for("first stored", lambda: hub.stored_of(ids) >= args.n // 8, 300, 0.05)
            restarted = fault(hub)
            hub.publish(stream[args.n // 2 :])
            hub.wait_drained(args.timeout)
            seconds = time.monotonic() - t0
            stored = hub.stored_of(ids)
            healthy = True
            for proc in ("worker1", "worker2", "detect"):
                try:
                    hub.wait_healthy(proc, 30)
                except TimeoutError:
                    healthy = False
            return {
                "fault": name,
                "n": args.n,
                "stored": stored,
                "lost": args.n - stored,
                "duplicate_rows": hub.duplicate_rows(),
                "alerts": hub.alerts(),
                "duplicate_alerts": hub.duplicate_alerts(),
                "duplicate_alert_details": hub.duplicate_alert_details(),
                "dead_letters": hub.dead_letters(),
                "quarantined": hub.quarantined(),
                "healthy": healthy,
                "restarted": restarted,
                "seconds": round(seconds, 1),
            }
        finally:
            hub.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--n", type=int, default=50_000, help="Distinct mentions per row.")
    ap.add_argument("--ack-wait", type=float, default=15.0, help="Workers' and detector's.")
    ap.add_argument("--lean", action="store_true", help="Only the delivery-relevant stages.")
    ap.add_argument("--timeout", type=float, default=900.0, help="Per row, to drain.")
    ap.add_argument("--only", nargs="*", help="Rows whose name contains one of these words.")
    args = ap.parse_args()
    rows = []
    for name, fault in faults().items():
        if args.only and not any(word in name for word in args.only):
            continue
        row = run_row(name, fault, args)
        print(json.dumps(row), file=sys.stderr, flush=True)  # progress
        rows.append(row)
    ok = all(
        r["lost"] == 0 and r["duplicate_rows"] == 0 and r["duplicate_alerts"] == 0 and r["healthy"]
        for r in rows
    )
    print(json.dumps({"n": args.n, "ack_wait": args.ack_wait, "lean": args.lean, "ok": ok,
                      "rows": rows}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
