"""A throwaway scale-out hub for fault tests and ``bench/bench_faults.py`` (issue 23).

It owns everything it may kill: its own ``nats-server -js`` on a free port with its
store under the given directory (the shared NATS on :4222 is never touched), a
database of its own (the caller creates and drops it), and separate
``python -m socialhub.cli.main`` worker and detector processes whose PostgreSQL
sessions are named ``socialhub-<role>:<name>``. The demo stream is published by the
caller (:meth:`Hub.publish`), each mention with its deterministic message id, as the
collector does. Every wait polls a condition against a deadline. :class:`Launcher`
(the processes and their logs) and :class:`NatsServer` also serve the end-to-end test
of ``test_processes.py``, which runs the collector and the web server too.

No pytest here: failures raise ``AssertionError`` / ``TimeoutError`` with the logs, so
the bench can use it too.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import psycopg

from socialhub.bus import RAW, mention_message_id
from socialhub.bus.nats import NatsBus
from socialhub.config import load_config
from socialhub.config.apply import apply_config
from socialhub.models import Mention
from socialhub.serialize import mention_to_json
from socialhub.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("SOCIALHUB_TEST_CLI_MODULE", "socialhub.cli.main")
BEAT = 1.0  # heartbeat period of the processes (seconds)
# the stages that matter to delivery (duplicates, routing to workspaces, authors): the
# fault tests exercise the consumers and the store, not the language models
LEAN_ENRICHERS = """
[pipeline.enrichers]
dedup = 100
neardup = 300
route = 500
authors = 950
"""
HUB_TOML = """
[hub]
batch_size = {batch}

[pipeline]
mode = "fast"
ack_wait = {ack_wait}
{enrichers}
[detect]
checkpoint_seconds = 1
ack_wait = {ack_wait}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    what: str, check: Callable[[], bool], timeout: float, step: float = 0.1, logs: str = ""
) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")
        time.sleep(step)


class NatsServer:
    """One ``nats-server -js`` this hub owns: started, killed (-9) and restarted."""

    def __init__(self, store: Path, log: Path) -> None:
        binary = shutil.which("nats-server")
        if binary is None:
            raise AssertionError("nats-server is not installed (apt-get install nats-server)")
        self.port = free_port()
        self.cmd = [binary, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(store)]
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT)

        def up() -> bool:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return True
            except OSError:
                return False

        wait_for("nats-server", up, 10, 0.05, logs=self.log.read_text()[-2000:])

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        """A restart as an operator or systemd does it (SIGTERM: NATS flushes its store).
        A single-node JetStream killed with SIGKILL can lose the last milliseconds of
        acknowledged messages, which it still held in memory; replicas are NATS's answer
        to that, not something the hub can fix."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)


class Launcher:
    """Separate ``python -m socialhub.cli.main`` processes, each logging to
    ``<name>.log`` under ``tmp``: started, killed (-9), stopped (SIGTERM, then -9)."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp, self.env = tmp, env
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def cli(self, *args: str, timeout: float = 120) -> str:
        """One command run to its end: its output (it must exit 0)."""
        res = subprocess.run(
            [sys.executable, "-m", CLI, *args],
            env=self.env,
            capture_output=True,
            timeout=timeout,
            cwd=ROOT,
        )
        assert res.returncode == 0, res.stderr.decode()[-3000:]
        return res.stdout.decode()

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """A long-running command, named ``name`` (its heartbeat and its log)."""
        with (self.tmp / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", CLI, *args, "--name", name],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        self.running[name] = proc
        return proc

    def kill(self, name: str) -> None:
        proc = self.running[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.running.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.running.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
            for p in sorted(self.tmp.glob("*.log"))
        )


class Hub:
    """Workers and a detector service on ``db`` and a NATS of their own (see module doc)."""

    def __init__(
        self,
        tmp: Path,
        db: str,
        *,
        ack_wait: float = 3.0,
        batch: int = 100,
        lean: bool = True,
        lock_timeout: str = "1s",
    ) -> None:
        self.tmp, self.db = tmp, db
        self.lock_timeout = lock_timeout
        self.nats = NatsServer(tmp / "jetstream", tmp / "nats-server.log")
        self.config = tmp / "hub.toml"
        enrichers = LEAN_ENRICHERS if lean else ""  # else the fast mode's whole chain
        self.config.write_text(HUB_TOML.format(batch=batch, ack_wait=ack_wait, enrichers=enrichers))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALHUB_", "PG"))}
        self.launcher = Launcher(tmp, env)
        self.procs, self.env = self.launcher.running, self.launcher.env
        self.bus_url = ""
        self.published_ids: set[str] = set()

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, workers: Iterable[str] = ("worker1", "worker2")) -> None:
        store = open_store(self.db)
        try:
            store.migrate()
            apply_config(load_config(ROOT / "examples" / "telecom.toml"), store)
            watchlists_alert_in_app(store)
        finally:
            store.close()
        self.nats.start()
        self.bus_url = f"nats://127.0.0.1:{self.nats.port}?prefix=f{secrets.token_hex(4)}"
        self.env.update(
            SOCIALHUB_DB=self.db,
            SOCIALHUB_BUS=self.bus_url,
            SOCIALHUB_LOG_FORMAT="json",
            SOCIALHUB_BEAT_SECONDS=str(BEAT),
            SOCIALHUB_PG_LOCK_TIMEOUT=self.lock_timeout,
            PYTHONUNBUFFERED="1",
        )
        self.start_detector("detect")
        for name in workers:
            self.start_worker(name)
        for name in self.procs:
            self.wait_healthy(name, timeout=90)

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        return self.launcher.start(
            name, "worker", "--config", str(self.config), "--metrics-port", "0"
        )

    def start_detector(self, name: str) -> subprocess.Popen[bytes]:
        return self.launcher.start(
            name,
            "detect-service",
            "--config",
            str(self.config),
            "--lease-seconds",
            "3",
            "--metrics-port",
            "0",
        )

    def kill(self, name: str) -> None:
        self.launcher.kill(name)

    def close(self) -> None:
        self.launcher.stop_all()
        self.nats.kill()

    def logs(self) -> str:
        return self.launcher.logs()

    # -- the stream ---------------------------------------------------------------------

    def publish(self, mentions: list[Mention]) -> None:
        async def main() -> None:
            bus = NatsBus.from_url(self.bus_url)
            try:
                for m in mentions:
                    await bus.publish(RAW, mention_to_json(m), {"id": mention_message_id(m)})
            finally:
                await bus.close()

        asyncio.run(main())
        self.published_ids |= {m.id for m in mentions}

    @property
    def published(self) -> int:
        """Distinct mentions published so far (a repeat is published, not counted)."""
        return len(self.published_ids)

    # -- what the database says ---------------------------------------------------------

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.db, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def stored(self) -> int:
        return int(self.sql("SELECT count(*) FROM mentions")[0][0])

    def stored_of(self, ids: list[str]) -> int:
        """How many of ``ids`` are stored (distinct, by their key row)."""
        q = "SELECT count(DISTINCT id) FROM mention_keys WHERE id = ANY(%s)"
        return int(self.sql(q, (ids,))[0][0])

    def duplicate_rows(self) -> int:
        q = (
            "SELECT count(*) FROM (SELECT platform, native_id FROM mentions "
            "GROUP BY 1, 2 HAVING count(*) > 1) d"
        )
        return int(self.sql(q)[0][0])

    def quarantined(self) -> int:
        return int(self.sql("SELECT count(*) FROM quarantine")[0][0])

    def duplicate_alerts(self) -> int:
        """Alerts repeating another alert of the same rule: sharing a post of its evidence
        (a post counted twice raises the same alert twice)."""
        return len(self.duplicate_alert_details())

    def duplicate_alert_details(self) -> list[dict[str, Any]]:
        seen: dict[tuple[Any, ...], dict[str, int]] = defaultdict(dict)
        dupes: list[dict[str, Any]] = []
        store = open_store(self.db)
        try:
            alerts = store.alerts.list_alerts(limit=100_000)
        finally:
            store.close()
        for a in sorted(alerts, key=lambda a: a.id or 0):
            rule = (a.workspace_id, a.detector, a.key)
            shared = sorted(set(a.evidence) & set(seen[rule]))
            if shared:
                dupes.append(
                    {
                        "rule": rule,
                        "alert": a.id,
                        "earlier": sorted({seen[rule][e] for e in shared}),
                        "shared": shared[:5],
                        "evidence": len(a.evidence),
                        "status": str(a.status),
                    }
                )
            for e in a.evidence:
                seen[rule].setdefault(e, a.id or 0)
        return dupes

    def alerts(self) -> int:
        return int(self.sql("SELECT count(*) FROM alerts")[0][0])

    def heartbeat(self, name: str) -> dict[str, Any] | None:
        """The freshest heartbeat of process ``name``: its info, pid and age."""
        rows = self.sql(
            "SELECT pid, info, extract(epoch FROM now() - beat_at) FROM process_heartbeats "
            "WHERE name = %s ORDER BY beat_at DESC LIMIT 1",
            (name,),
        )
        if not rows:
            return None
        pid, info, age = rows[0]
        info = json.loads(info) if isinstance(info, str) else dict(info or {})
        return {"pid": int(pid), "info": info, "age": float(age)}

    def healthy(self, name: str) -> bool:
        """Running, beating within 3 periods, and (a worker) reaching its store."""
        proc = self.procs[name]
        beat = self.heartbeat(name)
        return (
            proc.poll() is None
            and beat is not None
            and beat["pid"] == proc.pid
            and beat["age"] < 3 * BEAT + 1
            and not beat["info"].get("paused", False)
        )

    def wait_healthy(self, name: str, timeout: float = 30) -> None:
        wait_for(f"{name} healthy", lambda: self.healthy(name), timeout, 0.2, self.logs())

    def metrics(self, name: str) -> dict[str, float]:
        """Unlabelled samples of the process's /metrics (name -> value)."""
        beat = self.heartbeat(name)
        assert beat is not None and beat["info"].get("metrics"), beat
        with urllib.request.urlopen(beat["info"]["metrics"], timeout=5) as resp:
            text = resp.read().decode()
        out: dict[str, float] = {}
        for line in text.splitlines():
            if line and not line.startswith("#") and "{" not in line:
                key, _, value = line.partition(" ")
                out[key] = float(value)
        return out

    def detector_fed(self, name: str = "detect") -> dict[str, float]:
        """Mentions each detector partition of process ``name`` fed to its detectors
        (``socialhub_detect_mentions_total``, since that process started)."""
        beat = self.heartbeat(name)
        assert beat is not None and beat["info"].get("metrics"), beat
        with urllib.request.urlopen(beat["info"]["metrics"], timeout=5) as resp:
            text = resp.read().decode()
        out: dict[str, float] = {}
        prefix = 'socialhub_detect_mentions_total{partition="'
        for line in text.splitlines():
            if line.startswith(prefix):
                labels, _, value = line.partition("} ")
                out[labels[len(prefix) : -1]] = float(value)
        return out

    def routed(self) -> dict[str, int]:
        """Stored mentions routed to each workspace: what its partition must feed, once."""
        rows = self.sql("SELECT workspace_id, count(*) FROM mention_workspaces GROUP BY 1")
        return {f"workspace:{ws}": int(n) for ws, n in rows}

    # -- what the bus says --------------------------------------------------------------

    def bus_state(self) -> dict[str, Any]:
        """Consumers' lag and the dead letters, or ``{}`` while NATS is away."""

        async def main() -> list[dict[str, Any]]:
            bus = NatsBus.from_url(self.bus_url)
            bus.publish_timeout = bus.request_timeout = 2.0
            try:
                return await bus.describe()
            finally:
                await bus.close()

        try:
            streams = asyncio.run(main())
        except Exception:
            return {}
        consumers = {c["name"]: c for s in streams for c in s["consumers"]}
        dead = sum(s["messages"] for s in streams if s["stream"].endswith("_DEAD"))
        return {"consumers": consumers, "dead_letters": dead}

    def drained(self, workspaces: int = 2) -> bool:
        """Every published mention stored, and the pipeline and every detector
        partition have nothing waiting or unacked."""
        if self.stored() < self.published:
            return False
        state = self.bus_state()
        if not state:
            return False
        consumers = state["consumers"]
        detect = [c for n, c in consumers.items() if n.startswith("detect_ws")]
        busy = [c for n, c in consumers.items() if n.startswith(("detect_ws", "pipeline__"))]
        return len(detect) >= workspaces and all(c["pending"] + c["ack_pending"] == 0 for c in busy)

    def wait_drained(self, timeout: float = 60) -> None:
        try:
            wait_for("the stream stored and drained", self.drained, timeout, 0.25)
        except TimeoutError as exc:
            state = json.dumps(self.bus_state(), indent=1, default=str)
            where = f"stored {self.stored()} of {self.published}; bus {state}"
            raise TimeoutError(f"{exc}: {where}\n{self.logs()}") from None

    def dead_letters(self) -> int:
        return int(self.bus_state().get("dead_letters", -1))


def watchlists_alert_in_app(store: Store) -> None:
    """Listed voices go to the digest by default (issue 14); these tests need their
    alerts as traffic through the detector service, so every watchlist notifies in-app."""
    for ws in store.workspaces.list_workspaces():
        assert ws.id is not None
        for watchlist in store.workspaces.list_watchlists(ws.id):
            watchlist.notify = "inapp"
            store.workspaces.upsert_watchlist(watchlist)
