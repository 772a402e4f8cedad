"""Resuming a crashed import: kill -9 twice during a 300,000-row import, then finish.

    .venv/bin/python bench/bench_import_resume.py --rows 300000 --kill-at 48000

What the issue measured: killed at 48,000 of 300,000 rows, the re-import spent ~4 minutes
re-processing the 48,000 rows before going on. This script

1. writes ``--rows`` demo mentions as JSON Lines (one broken line every 10,000, so the
   quarantine is exercised) into a SQLite store configured with examples/telecom.toml;
2. runs ``socialhub import`` (routing on, fast mode: what a user runs) and SIGKILLs it
   once ``--kill-at`` rows are committed (the row count is polled);
3. times, on two copies of that crashed store, a resume with the raw-hash skip (today's
   code) and one without it (the peer: every record through the pipeline again, as
   before), each until ``--kill-at`` + ``--measure`` mentions are passed;
4. resumes the crashed store with ``socialhub import``, kills it again at a random
   point, finishes it, and checks exactly ``--rows`` distinct mentions, ``PRAGMA
   integrity_check`` ok, the FTS index complete and each broken line quarantined once.

Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialhub.cli.import_cmd import _router
from socialhub.config import apply_config, load_config
from socialhub.demo import Simulator
from socialhub.ingest import import_file
from socialhub.serialize import mention_to_json
from socialhub.store import open_store

ROOT = Path(__file__).resolve().parents[1]
BAD_EVERY = 10_000


class _Stop(Exception):
    pass


class _NoLedger:
    """A store without the resume reads: the import re-processes every record (peer)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name in ("raw_hashes", "new_quarantine"):
            raise AttributeError(name)
        return getattr(self._store, name)


def write_file(path: Path, rows: int, seed: int) -> None:
    stream = Simulator(seed=seed).mentions()
    with path.open("wb") as f:
        for done in range(rows):
            if done % BAD_EVERY == BAD_EVERY // 2:
                f.write(b'{"broken": \n')
            f.write(mention_to_json(next(stream)) + b"\n")


def count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return int(conn.execute("SELECT count(*) FROM mentions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def cli_import(path: Path, db: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "socialhub.cli.main", "import", str(path), "--json"]
    return subprocess.Popen(
        [*cmd, "--db", f"sqlite:///{db}", "--mode", "fast"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def kill_at(proc: subprocess.Popen[bytes], db: Path, target: int) -> dict[str, Any]:
    started = time.perf_counter()
    while (n := count(db)) < target:
        if proc.poll() is not None:
            raise SystemExit(f"import ended before {target} rows ({n} stored)")
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return {"killed_at_rows": n, "seconds": round(time.perf_counter() - started, 1)}


def copy(src: Path, dst: Path) -> None:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def timed_resume(path: Path, db: Path, passed: int, until: int, skip: bool) -> dict[str, Any]:
    """Resume in process; seconds to re-pass ``passed`` rows, and rows/s after them."""
    store = open_store(f"sqlite:///{db}")
    pipeline, transform = _router(store, "fast")
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def progress(_done: int, _total: int, mentions: int) -> None:
        now = time.perf_counter() - started
        if mentions >= passed and "repass" not in marks:
            marks["repass"], marks["repass_rows"] = now, mentions
        if mentions >= until:
            marks["end"], marks["end_rows"] = now, mentions
            raise _Stop

    try:
        import_file(
            path,
            store if skip else _NoLedger(store),  # type: ignore[arg-type]
            transform=transform,  # type: ignore[arg-type]
            progress=progress,
        )
    except _Stop:
        pass
    finally:
        pipeline.close()
        store.close()
    after = (marks["end_rows"] - marks["repass_rows"]) / (marks["end"] - marks["repass"])
    return {
        "seconds_to_repass_stored_rows": round(marks["repass"], 1),
        "repass_rows_per_s": round(marks["repass_rows"] / marks["repass"]),
        "new_rows_per_s_after": round(after),
    }


def check(db: Path, rows: int) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT id) FROM mentions").fetchone()
        total, distinct = row
        fts = conn.execute("SELECT count(*) FROM mentions_fts").fetchone()[0]
        q, q_distinct = conn.execute(
            "SELECT count(*), count(DISTINCT location) FROM quarantine"
        ).fetchone()
        return {
            "mentions": total,
            "distinct_mentions": distinct,
            "fts_rows": fts,
            "integrity_check": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "quarantine_rows": q,
            "quarantine_distinct_lines": q_distinct,
            "ok": total == distinct == fts == rows and q == q_distinct == rows // BAD_EVERY,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--kill-at", type=int, default=48_000)
    parser.add_argument("--measure", type=int, default=10_000, help="new rows timed after")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path, db, peer = Path(tmp) / "big.jsonl", Path(tmp) / "crash.db", Path(tmp) / "peer.db"
        write_file(path, args.rows, args.seed)
        store = open_store(f"sqlite:///{db}")
        store.migrate()
        apply_config(load_config(ROOT / "examples" / "telecom.toml"), store, env={})
        store.close()
        out["first_import_killed"] = kill_at(cli_import(path, db), db, args.kill_at)
        passed = count(db)
        copy(db, peer)
        until = passed + args.measure
        out["resume_with_skip"] = timed_resume(path, peer, passed, until, skip=True)
        copy(db, peer)
        out["resume_without_skip"] = timed_resume(path, peer, passed, until, skip=False)
        out["repass_speedup"] = round(
            out["resume_without_skip"]["seconds_to_repass_stored_rows"]
            / out["resume_with_skip"]["seconds_to_repass_stored_rows"],
            1,
        )
        second = random.Random(args.seed).randrange(until, max(until + 1, args.rows * 8 // 10))
        out["second_import_killed"] = kill_at(cli_import(path, db), db, second)
        started = time.perf_counter()
        last = cli_import(path, db)
        report = json.loads(last.communicate()[0])
        out["final_import"] = {
            "seconds": round(time.perf_counter() - started, 1),
            **{k: report[k] for k in ("inserted", "updated", "unchanged", "quarantined")},
        }
        out["check"] = check(db, args.rows)
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": platform.platform(),
                "python": platform.python_version(),
                "args": vars(args),
                "results": out,
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
