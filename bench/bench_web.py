"""Web benchmark: dashboard API latency over a large store, and SSE fan-out to walls.

1. Fills a store (SQLite and/or PostgreSQL) with ``--n`` mentions from
   ``bench_store.generate`` (60 days, 3 workspaces, 2 queries each), then times every
   API call the dashboard makes on load (volume, sentiment, share of voice, top
   authors, alerts, first page of mentions, facets) over its default 7-day window,
   in-process through the ASGI app with an API token. Goal: p95 <= 150 ms per call.
2. Serves the app with uvicorn on loopback, opens ``--clients`` wall kiosks on the SSE
   route (``/api/kiosk/{slug}/main/live?key=``), stores and publishes one mention and
   times until every client has received it; repeated ``--rounds`` times.

Prints JSON::

    .venv/bin/python bench/bench_web.py --n 1000000 --db both
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import SPAN, START, generate, setup
from scratch_pg import scratch_database

from socialhub.models import Author, Mention, User
from socialhub.records.sessions import WallToken
from socialhub.store import open_store
from socialhub.store.base import Store
from socialhub.store.postgres import PostgresStore
from socialhub.web.app import create_app
from socialhub.web.auth import create_token
from socialhub.web.live import LiveFeed
from socialhub.web.security import digest
from socialhub.web.wall import new_wall_key


def pct(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {
        "p50_ms": round(statistics.median(s) * 1000, 2),
        "p95_ms": round(s[max(0, int(len(s) * 0.95) - 1)] * 1000, 2),
        "max_ms": round(s[-1] * 1000, 2),
    }


def fill(store: Store, n: int, batch: int) -> tuple[int, float]:
    routes, ws_id = setup(store)
    t0 = time.perf_counter()
    for chunk in generate(n, batch, routes):
        store.mentions.add(chunk)
    seconds = time.perf_counter() - t0
    if isinstance(store, PostgresStore):
        # What autovacuum does soon after a bulk load: statistics, and the visibility
        # map that lets the covering indexes answer without heap visits.
        import psycopg

        with psycopg.connect(store.url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    return ws_id, seconds


def load() -> list[float]:
    """``uptime``'s load averages (1, 5, 15 min): the machine is shared."""
    return [round(x, 2) for x in os.getloadavg()]


def dashboard(store: Store, ws_id: int, reps: int) -> dict[str, Any]:
    user = store.accounts.upsert_user(User("bench", "Bench"))
    store.accounts.set_site_admin(user.id or 0, True)
    token, _ = create_token(store, user.id or 0, "bench", datetime.now(UTC))
    slug = next(w.slug for w in store.workspaces.list_workspaces() if w.id == ws_id)
    end = START + SPAN
    window = {"since": (end - timedelta(days=7)).isoformat(), "until": end.isoformat()}
    base = f"/api/workspaces/{slug}"
    calls: dict[str, tuple[str, dict[str, Any]]] = {
        "volume": (f"{base}/volume", window),
        "sentiment": (f"{base}/sentiment", window),
        "share_of_voice": (f"{base}/share-of-voice", window),
        "authors": (f"{base}/authors", window),
        "alerts": (f"{base}/alerts", {}),
        "mentions": (f"{base}/mentions", {**window, "limit": 20}),
        "facets": (f"{base}/facets", window),
    }
    out: dict[str, Any] = {"load_before": load()}
    with TestClient(create_app(store)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        totals = [0.0] * reps
        for name, (path, params) in calls.items():
            assert client.get(path, params=params).status_code == 200  # warm-up
            samples = []
            for i in range(reps):
                t0 = time.perf_counter()
                r = client.get(path, params=params)
                dt = time.perf_counter() - t0
                assert r.status_code == 200, r.text
                samples.append(dt)
                totals[i] += dt
            out[name] = pct(samples)
        out["whole_dashboard_load"] = pct(totals)
    out["load_after"] = load()
    calls_p95 = [v["p95_ms"] for k, v in out.items() if k in calls]
    out["worst_p95_ms"] = max(calls_p95)
    out["goal_p95_ms"] = 150
    return out


async def _fanout(url: str, clients: int, rounds: int, publish: Any) -> list[float]:
    got: list[asyncio.Event] = [asyncio.Event() for _ in range(clients)]
    seen_id: list[str | None] = [None]
    ready = asyncio.Semaphore(0)

    async def client(i: int, http: httpx.AsyncClient) -> None:
        async with http.stream("GET", url) as r:
            ready.release()
            async for line in r.aiter_lines():
                if line.startswith("data:") and seen_id[0] and seen_id[0] in line:
                    got[i].set()

    limits = httpx.Limits(max_connections=clients + 5)
    async with httpx.AsyncClient(timeout=None, limits=limits) as http:
        tasks = [asyncio.create_task(client(i, http)) for i in range(clients)]
        for _ in range(clients):
            await ready.acquire()
        await asyncio.sleep(0.3)
        times = []
        for k in range(rounds):
            for e in got:
                e.clear()
            seen_id[0] = f'"bench:{k}"'
            t0 = time.perf_counter()
            await asyncio.to_thread(publish, k)
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in got)), 10)
            times.append(time.perf_counter() - t0)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return times


def sse_fanout(store: Store, ws_id: int, clients: int, rounds: int) -> dict[str, Any]:
    live = LiveFeed()
    app = create_app(store, live)
    slug = next(w.slug for w in store.workspaces.list_workspaces() if w.id == ws_id)
    key = new_wall_key()
    store.walls.add_wall_token(
        WallToken(ws_id, "main", "bench", key[:12], datetime.now(UTC)), digest(key)
    )
    qid = next(q.id for q in store.workspaces.list_queries(ws_id))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    def publish(k: int) -> None:
        # "from store to client": the store write is inside the timed span
        m = Mention(
            "bench",
            str(k),
            f"acme live {k}",
            datetime.now(UTC),
            author=Author("bench", "1", "bench"),
            query_ids=[qid or 0],
        )
        store.mentions.add([m])
        live.publish([m])

    try:
        url = f"http://127.0.0.1:{port}/api/kiosk/{slug}/main/live?key={key}"
        times = asyncio.run(_fanout(url, clients, rounds, publish))
    finally:
        server.should_exit = True
    return {"clients": clients, "rounds": rounds, "store_to_all_clients": pct(times)}


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    store = open_store(url)
    store.migrate()
    try:
        ws_id, seconds = fill(store, args.n, args.batch)
        out: dict[str, Any] = {"fill_seconds": round(seconds, 1)}
        out["dashboard_api"] = dashboard(store, ws_id, args.reps)
        if args.clients:
            out["sse"] = sse_fanout(store, ws_id, args.clients, args.rounds)
        return out
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50, help="SSE wall clients (0: skip)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "n": args.n,
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "results": {},
    }
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            report["results"]["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if args.db in ("postgres", "both"):
        with scratch_database(args.pg_admin_url, "socialhub_benchweb") as url:
            report["results"]["postgres"] = run(url, args)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
