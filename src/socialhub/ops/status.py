"""The topology for ``socialhub status``: processes, detector partitions, bus, database.

* processes: the heartbeat rows (:mod:`socialhub.processes.runtime`); a process whose
  last beat is older than ``stale_after`` seconds is reported dead (killed, or its
  machine is gone; a clean stop removes its row); a worker that cannot reach its store
  is ``paused`` (it holds its batch and fetches nothing until the store answers);
* partitions: detector partitions with their owner, lease and checkpoint age;
* bus: each NATS stream's size and every consumer's lag (``NatsBus.describe()``);
* database: size on disk and the migrations not applied yet.
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from socialhub.models import utcnow
from socialhub.store import migrations
from socialhub.store.base import Store


def db_size(url: str) -> int | None:
    """Bytes on disk: ``pg_database_size`` or the SQLite file with its WAL."""
    if url.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            return int(row[0]) if row else None
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return None


async def bus_status(url: str) -> dict[str, Any]:
    if not url.startswith(("nats://", "tls://")):
        return {"url": url, "kind": "memory", "streams": []}
    from socialhub.bus.nats import NatsBus

    bus = NatsBus.from_url(url)
    bus.publish_timeout = 5.0  # status must answer quickly when NATS is down
    try:
        streams = await asyncio.wait_for(bus.describe(), 10.0)
        return {"url": url, "kind": "nats", "streams": streams}
    except Exception as exc:
        return {"url": url, "kind": "nats", "error": repr(exc), "streams": []}
    finally:
        await bus.close()


def gather(store: Store, db_url: str, bus_url: str, *, stale_after: float = 30.0) -> dict[str, Any]:
    """Everything ``socialhub status`` shows, as plain JSON-ready data."""
    now = utcnow()
    processes = []
    for p in store.processes.list_processes():
        age = (now - p.beat_at).total_seconds()
        processes.append(
            {
                "id": p.id,
                "role": p.role,
                "name": p.name,
                "host": p.host,
                "pid": p.pid,
                "started": p.started_at.isoformat(),
                "last_beat": p.beat_at.isoformat(),
                "beat_age_s": round(age, 1),
                "alive": age <= stale_after,
                # a live worker whose store is away holds its batch and fetches nothing
                "state": "dead"
                if age > stale_after
                else ("paused" if (p.info or {}).get("paused") else "alive"),
                "info": p.info,
            }
        )
    partitions = [
        {
            "partition": lease.partition,
            "owner": lease.owner,
            "lease_until": lease.lease_until.isoformat(),
            "leased": bool(lease.owner) and lease.lease_until > now,
            "checkpoint_age_s": _age(now, lease.saved_at),
            "state_bytes": lease.state_bytes,
        }
        for lease in store.checkpoints.list_partitions()
    ]
    dialect = "postgres" if db_url.startswith(("postgresql://", "postgres://")) else "sqlite"
    pending = [m.name for m in migrations.pending(dialect, store.applied_migrations())]
    return {
        "at": now.isoformat(),
        "processes": processes,
        "partitions": partitions,
        "bus": asyncio.run(bus_status(bus_url)),
        "database": {"size_bytes": db_size(db_url), "pending_migrations": pending},
    }


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round((now - then).total_seconds(), 1)


def _bytes(n: int | None) -> str:
    if n is None:
        return "?"
    size = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def render(status: dict[str, Any], console: Console) -> None:
    """Human-readable tables."""
    procs = Table(title="Processes", title_justify="left")
    for col in ("role", "name", "host", "pid", "started", "last beat", "state", "info"):
        procs.add_column(col)
    for p in status["processes"]:
        state = {
            "alive": Text("alive", "green"),
            "paused": Text("paused: store away", "yellow"),
        }.get(p.get("state", ""), Text("dead?", "red"))
        info = ", ".join(f"{k}={v}" for k, v in sorted(p["info"].items()))
        procs.add_row(p["role"], p["name"], p["host"], str(p["pid"]), p["started"][:19],
                      f"{p['beat_age_s']}s ago", state, Text(info))  # fmt: skip
    console.print(procs)
    if status["partitions"]:
        parts = Table(title="Detector partitions", title_justify="left")
        for col in ("partition", "owner", "leased", "checkpoint", "state"):
            parts.add_column(col)
        for d in status["partitions"]:
            age = d["checkpoint_age_s"]
            parts.add_row(d["partition"], d["owner"] or "-", "yes" if d["leased"] else "no",
                          "never" if age is None else f"{age}s ago",
                          _bytes(d["state_bytes"]))  # fmt: skip
        console.print(parts)
    bus = status["bus"]
    if bus.get("error"):
        console.print(Text(f"bus {bus['url']}: unreachable: {bus['error']}", "red"))
    elif bus["kind"] == "memory":
        console.print("bus: in-process (embedded hub)")
    else:
        streams = Table(title="NATS streams and consumers", title_justify="left")
        for col in ("stream / consumer", "messages / pending", "bytes / unacked", "redelivered"):
            streams.add_column(col)
        for s in bus["streams"]:
            streams.add_row(Text(s["stream"], "bold"), str(s["messages"]), _bytes(s["bytes"]), "")
            for c in s["consumers"]:
                streams.add_row(f"  {c['name']}", str(c["pending"]), str(c["ack_pending"]),
                                str(c["redelivered"]))  # fmt: skip
        console.print(streams)
    db = status["database"]
    line = f"database: {_bytes(db['size_bytes'])}"
    if db["pending_migrations"]:
        line += (
            f"; pending migrations: {', '.join(db['pending_migrations'])} (socialhub db upgrade)"
        )
    console.print(line)
