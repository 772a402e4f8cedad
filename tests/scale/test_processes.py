"""Scale-out end to end: separate processes on PostgreSQL and NATS, through failures.

Starts a throwaway PostgreSQL database, its OWN ``nats-server -js`` (the shared one on
:4222 must not be restarted), then as separate ``python -m socialhub.cli.main``
processes: one collector on the demo stream, two workers (fast pipeline mode), the
detector service and the web server. Mid-stream it SIGKILLs a worker (a replacement
starts, as systemd would) and restarts NATS (SIGTERM, then start). Then every demo mention is
stored exactly once and the watchlist alerts the stream implies have fired.

This is the slow test of the suite (~1.5-2 min: the killed worker's batch comes back
after the pipeline's 60 s ack_wait). It FAILS, never skips, when a server is missing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import secrets
import signal
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from socialhub.alerts.official import official_handles
from socialhub.alerts.triggers import WatchlistTrigger
from socialhub.bus.nats import NatsBus
from socialhub.demo import Simulator
from socialhub.records.signals import Signal
from socialhub.store import open_store

from .cluster import ROOT, Launcher, NatsServer, free_port, wait_for, watchlists_alert_in_app

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SEED, LIMIT = 3, 3000
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
HUB_TOML = f"""
[hub]
batch_size = 200

[pipeline]
mode = "fast"

[detect]
checkpoint_seconds = 2

[[source]]
type = "demo"
seed = {SEED}
start = {START.isoformat().replace("+00:00", "Z")}
backfill_hours = 48
speed = 0
limit = {LIMIT}
"""


@pytest.fixture
def cluster(
    tmp_path: Path, pg_database: Callable[[], str]
) -> Iterator[tuple[Launcher, NatsServer, str]]:
    db = pg_database()
    nats = NatsServer(tmp_path / "jetstream", tmp_path / "nats-server.log")
    nats.start()
    env = dict(os.environ)
    env.update(
        SOCIALHUB_DB=db,
        SOCIALHUB_BUS=f"nats://127.0.0.1:{nats.port}?prefix=t{secrets.token_hex(4)}",
        SOCIALHUB_LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    for key in ("SOCIALHUB_SMTP_HOST", "SOCIALHUB_ALERT_WEBHOOK_URL", "SOCIALHUB_METRICS_PORT"):
        env.pop(key, None)
    procs = Launcher(tmp_path, env)
    try:
        yield procs, nats, db
    finally:
        procs.stop_all()
        nats.kill()


def stored_count(db: str) -> int:
    with psycopg.connect(db, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM mentions").fetchone()
        return int(row[0]) if row else 0


def expected_watchlist_signals(db: str) -> set[tuple[int, str, str]]:
    """What the workspaces' watchlist triggers say about the stored stream."""
    store = open_store(db)
    try:
        mentions = sorted(
            store.mentions.search(None, limit=LIMIT + 100), key=lambda m: m.created_at
        )
        out: set[tuple[int, str, str]] = set()
        declared = [a.handle for a in store.engage.list_accounts()]
        for ws in store.workspaces.list_workspaces():
            assert ws.id is not None
            own = {q.id for q in store.workspaces.list_queries(ws.id)}
            # as the detector service builds it: our own accounts are never high-reach
            ours = official_handles(store.workspaces.get_workspace_settings(ws.id), declared)
            trigger = WatchlistTrigger(
                store.workspaces.list_watchlists(ws.id), workspace_id=ws.id, own_accounts=ours
            )
            for m in mentions:
                mine = dataclasses.replace(m, query_ids=[q for q in m.query_ids if q in own])
                signals: list[Signal] = trigger.update(mine)
                out |= {(ws.id, s.key, e) for s in signals for e in s.evidence}
        return out
    finally:
        store.close()


async def pipeline_in_flight(url: str) -> int:
    """Raw mentions delivered to a worker and not acked yet (the batches in progress)."""
    bus = NatsBus.from_url(url)
    try:
        streams = await bus.describe()
    finally:
        await bus.close()
    return sum(
        c["ack_pending"] for s in streams for c in s["consumers"] if c["name"].startswith("pipe")
    )


def status(procs: Launcher) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(procs.cli("status", "--json", "--stale-after", "8"))
    return data


def consumers(st: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for s in st["bus"]["streams"] for c in s["consumers"]}


def test_processes_store_every_mention_once_and_alert_through_failures(
    cluster: tuple[Launcher, NatsServer, str], tmp_path: Path
) -> None:
    procs, nats, db = cluster
    procs.cli("db", "upgrade")
    procs.cli("apply", str(ROOT / "examples" / "telecom.toml"))
    store = open_store(db)
    try:
        watchlists_alert_in_app(store)
    finally:
        store.close()
    config = tmp_path / "hub.toml"
    config.write_text(HUB_TOML)
    web_port = free_port()
    procs.start("detect", "detect-service", "--config", str(config), "--lease-seconds", "6")
    workers = [
        procs.start(f"worker{i}", "worker", "--config", str(config), "--metrics-port", "0")
        for i in (1, 2)
    ]
    procs.start("web", "serve", "--port", str(web_port))
    procs.start("collect", "collect", "--config", str(config))

    last_seen: dict[str, Any] = {}
    try:
        # mid-stream: SIGKILL a worker (a replacement starts), then restart NATS
        wait_for("the first stored mentions", lambda: stored_count(db) >= 300, 90, 0.1)
        in_flight = asyncio.run(pipeline_in_flight(procs.env["SOCIALHUB_BUS"]))
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        killed_at = stored_count(db)
        nats.stop()
        time.sleep(1.0)
        nats.start()
        procs.start("worker3", "worker", "--config", str(config))

        wait_for("every mention stored", lambda: stored_count(db) >= LIMIT, 150, 1.0)

        def drained() -> bool:
            # the killed worker's batch comes back after ack_wait (60 s) and is stored
            # again, which the store absorbs; then the detectors read what was stored
            found = consumers(status(procs))
            last_seen.clear()
            last_seen.update(found)
            detect = [c for n, c in found.items() if n.startswith("detect_ws")]
            busy = [c for n, c in found.items() if n.startswith(("detect_ws", "pipeline__"))]
            return len(detect) >= 2 and all(c["pending"] + c["ack_pending"] == 0 for c in busy)

        wait_for("the pipeline and the detectors to drain", drained, 150, 1.0)

        def checkpointed() -> bool:
            parts = status(procs)["partitions"]
            names = {p["partition"] for p in parts}
            return {"workspace:1", "workspace:2"} <= names and all(
                p["state_bytes"] > 0 for p in parts
            )

        # polled, not slept: the detector service checkpoints every 2 s
        wait_for("the partitions checkpointed", checkpointed, 60, 0.5)
        st = status(procs)
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=5) as resp:
            assert json.loads(resp.read())["status"] == "ok"
        worker2 = next(p for p in st["processes"] if p["name"] == "worker2")
        with urllib.request.urlopen(worker2["info"]["metrics"], timeout=5) as resp:
            metrics = resp.read().decode()
    except BaseException:
        print(procs.logs())
        print("consumers at the last look:", json.dumps(last_seen, default=str)[:4000])
        raise

    # the collector recorded the demo source's health as it went (a push source)
    store = open_store(db)
    try:
        health = store.sources.get_source_health("demo")
    finally:
        store.close()
    assert health is not None and health["items"] == LIMIT, health
    assert health["completeness"]["statement"].startswith("complete since")

    # every mention the demo emitted is stored, exactly once
    expected_ids = {m.id for m in Simulator(seed=SEED, start=START).take(LIMIT)}
    with psycopg.connect(db, autocommit=True) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM mentions")]
        dupes = conn.execute(
            "SELECT platform, native_id FROM mentions GROUP BY 1, 2 HAVING count(*) > 1"
        ).fetchall()
    assert len(ids) == LIMIT and set(ids) == expected_ids and dupes == []
    assert 300 <= killed_at < LIMIT  # the kill happened mid-stream

    # messages were in flight when the worker died; none is left unacked now
    assert in_flight > 0
    pipeline = consumers(st)[next(n for n in consumers(st) if n.startswith("pipeline__"))]
    assert pipeline["pending"] == 0 and pipeline["ack_pending"] == 0

    # the alerts the stream implies fired: every watchlist signal the stored stream
    # implies is recorded by an alert of its workspace — in its evidence, or in its
    # audit trail when the manager merged it into another story (a press pickup's
    # convergence alert takes the listed posts that belong to it) or suppressed it in a
    # cooldown (which depends on the order two workers delivered the posts) — and no
    # other watchlist alert fired
    expected = expected_watchlist_signals(db)
    store = open_store(db)
    try:
        every = store.alerts.list_alerts(limit=10_000)
        alerts = [a for a in every if a.detector == "watchlist"]
        trail = [
            (a.workspace_id, e)
            for a in every
            for event in store.alerts.list_alert_events(a.id or 0)
            for e in (event.details.get("signal") or {}).get("evidence", [])
        ]
    finally:
        store.close()
    assert len(expected) >= 10
    evidence = {(a.workspace_id, e) for a in every for e in a.evidence} | set(trail)
    missing = {(ws, key) for ws, key, e in expected if (ws, e) not in evidence}
    assert not missing
    assert {(a.workspace_id, a.key) for a in alerts} <= {(ws, key) for ws, key, _ in expected}
    # redelivery after the kill and the NATS restart never multiplies alerts: a rule has
    # at most one alert per post that implies it (a rule can alert again after a story
    # ended, so one alert per rule is not a law)
    per_rule = Counter((a.workspace_id, a.key) for a in alerts)
    implied = Counter((ws, key) for ws, key, _ in expected)
    assert all(n <= implied[rule] for rule, n in per_rule.items()), per_rule

    # the topology: live processes, partitions checkpointed in the store, metrics
    alive = {p["name"] for p in st["processes"] if p["alive"]}
    assert {"detect", "worker2", "worker3", "web"} <= alive and "worker1" not in alive
    parts = {p["partition"]: p for p in st["partitions"]}
    detect_id = next(p["id"] for p in st["processes"] if p["name"] == "detect")
    assert {"workspace:1", "workspace:2"} <= set(parts)
    assert all(p["owner"] == detect_id and p["state_bytes"] > 0 for p in parts.values())
    assert "socialhub_pipeline_stored_total" in metrics
    assert 'socialhub_stage_seconds_total{stage="route"}' in metrics
    assert st["database"]["size_bytes"] > 0 and st["database"]["pending_migrations"] == []
