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

from socialhub.i18n import N_, _, format_datetime, format_number
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


_UNITS = (N_("%(n)s B"), N_("%(n)s kB"), N_("%(n)s MB"), N_("%(n)s GB"), N_("%(n)s TB"))


def _bytes(n: int | None) -> str:
    """A size in the locale's units and numbers ("1,5 Mo" in French)."""
    if n is None:
        return "?"
    size = float(n)
    for i, unit in enumerate(_UNITS):
        if size < 1024 or i == len(_UNITS) - 1:
            return _(unit) % {"n": format_number(size, 0 if i == 0 else 1)}
        size /= 1024
    return _(_UNITS[0]) % {"n": format_number(n)}


def _ago(seconds: float) -> str:
    if seconds < 120:
        return _("%(n)s s ago") % {"n": format_number(seconds, 1)}
    if seconds < 7200:
        return _("%(n)s min ago") % {"n": format_number(seconds // 60)}
    return _("%(n)s h ago") % {"n": format_number(seconds // 3600)}


def _when(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso), "medium")


def render(status: dict[str, Any], console: Console) -> None:
    """Human-readable tables, in the context's language and time zone."""
    procs = Table(title=_("Processes"), title_justify="left")
    for col in (_("role"), _("name"), _("host"), _("pid"), _("started"), _("last beat"),
                _("state"), _("info")):  # fmt: skip
        procs.add_column(col)
    for p in status["processes"]:
        state = {
            "alive": Text(_("alive"), "green"),
            "paused": Text(_("paused: store away"), "yellow"),
        }.get(p.get("state", ""), Text(_("dead?"), "red"))
        info = ", ".join(f"{k}={v}" for k, v in sorted(p["info"].items()))
        procs.add_row(p["role"], p["name"], p["host"], str(p["pid"]), _when(p["started"]),
                      _ago(p["beat_age_s"]), state, Text(info))  # fmt: skip
    console.print(procs)
    if status["partitions"]:
        parts = Table(title=_("Detector partitions"), title_justify="left")
        for col in (_("partition"), _("owner"), _("leased"), _("checkpoint"), _("state size")):
            parts.add_column(col)
        for d in status["partitions"]:
            age = d["checkpoint_age_s"]
            parts.add_row(d["partition"], d["owner"] or "-", _("yes") if d["leased"] else _("no"),
                          _("never") if age is None else _ago(age),
                          _bytes(d["state_bytes"]))  # fmt: skip
        console.print(parts)
    bus = status["bus"]
    if bus.get("error"):
        console.print(
            Text(
                _("bus %(url)s: unreachable: %(error)s")
                % {"url": bus["url"], "error": bus["error"]},
                "red",
            )
        )
    elif bus["kind"] == "memory":
        console.print(_("bus: in-process (embedded hub)"))
    else:
        streams = Table(title=_("NATS streams and consumers"), title_justify="left")
        for col in (_("stream / consumer"), _("messages / pending"), _("bytes / unacked"),
                    _("redelivered")):  # fmt: skip
            streams.add_column(col)
        for s in bus["streams"]:
            streams.add_row(Text(s["stream"], "bold"), format_number(s["messages"]),
                            _bytes(s["bytes"]), "")  # fmt: skip
            for c in s["consumers"]:
                streams.add_row(f"  {c['name']}", format_number(c["pending"]),
                                format_number(c["ack_pending"]),
                                format_number(c["redelivered"]))  # fmt: skip
        console.print(streams)
    db = status["database"]
    line = _("database: %(size)s") % {"size": _bytes(db["size_bytes"])}
    if db["pending_migrations"]:
        line += _("; pending migrations: %(names)s (socialhub db upgrade)") % {
            "names": ", ".join(db["pending_migrations"])
        }
    console.print(line)
