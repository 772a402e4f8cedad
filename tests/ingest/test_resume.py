"""Resumable import: a re-import skips records the store holds with the same raw hash
(reported ``unchanged``, never sent through the pipeline again), writes no quarantine row
twice, and an import killed with SIGKILL twice then finished gives exactly the file."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from socialhub.ingest import import_file
from socialhub.models import Mention
from socialhub.store.base import Store

ROWS = 10_000  # the 300,000-row figure is in bench/bench_import_resume.py
BAD_EVERY = 1000


def _line(n: int, text: str = "") -> bytes:
    return orjson.dumps(
        {
            "id": str(n),
            "platform": "forum",
            "text": text or f"mirabelle message {n} panne réseau",
            "created_at": "2026-03-01T10:00:00Z",
            "author": f"user{n % 300}",
        }
    )


def _file(path: Path, rows: int) -> Path:
    with path.open("wb") as f:
        for n in range(rows):
            if n % BAD_EVERY == BAD_EVERY // 2:
                f.write(b"{broken record %d\n" % n)
            f.write(_line(n) + b"\n")
    return path


def test_reimport_skips_unchanged_and_updates_changed(store: Store, tmp_path: Path) -> None:
    path = _file(tmp_path / "posts.jsonl", 30)
    seen: list[str] = []

    def transform(batch: list[Mention]) -> list[Mention]:
        seen.extend(m.id for m in batch)
        return batch

    first = import_file(path, store, batch_size=7, transform=transform)
    assert (first.inserted, first.quarantined, len(seen)) == (30, 0, 30)
    lines = path.read_bytes().splitlines()
    lines[4] = _line(4, "mirabelle texte corrigé")
    path.write_bytes(b"\n".join(lines) + b"\n")
    seen.clear()
    again = import_file(path, store, batch_size=7, transform=transform)
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 29)
    assert seen == ["forum:4"]  # only the changed record went through the pipeline
    assert again.read == again.accounted()


def test_reimport_writes_no_quarantine_row_twice(store: Store, tmp_path: Path) -> None:
    path = _file(tmp_path / "posts.jsonl", 2 * BAD_EVERY)
    first = import_file(path, store, batch_size=100)
    assert first.quarantined == 2 == store.sources.count_quarantine()
    again = import_file(path, store, batch_size=100)
    assert again.quarantined == 2 == store.sources.count_quarantine()
    assert any("already in quarantine" in note for note in again.notes)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM mentions").fetchone()[0])
    except sqlite3.OperationalError:  # not created or not migrated yet
        return 0


def _start(path: Path, db: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "socialhub.cli.main", "import", str(path)]
    cmd += ["--db", f"sqlite:///{db}", "--no-route", "--json", "--batch-size", "250"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _kill_at(proc: subprocess.Popen[bytes], db: Path, target: int) -> int:
    """SIGKILL the import once the committed row count reaches ``target`` (polled)."""
    deadline = time.monotonic() + 120  # a hang fails loudly instead of blocking CI
    while (n := _count(db)) < target:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
        assert time.monotonic() < deadline, f"import stuck at {n} rows"
        time.sleep(0.005)  # polling interval, not a timing assumption
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    return n


@pytest.mark.slow
def test_kill_9_twice_then_finish_gives_exactly_the_file(tmp_path: Path) -> None:
    path, db = _file(tmp_path / "big.jsonl", ROWS), tmp_path / "resume.db"
    rng = random.Random()
    first = _kill_at(_start(path, db), db, rng.randrange(ROWS // 10, ROWS // 2))
    second = _kill_at(_start(path, db), db, rng.randrange(first + 250, ROWS * 8 // 10))
    assert 0 < first < second < ROWS
    done = _start(path, db)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err.decode()
    report = orjson.loads(out)
    assert report["inserted"] + report["unchanged"] == ROWS
    assert report["unchanged"] >= second and report["updated"] == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*), count(DISTINCT id) FROM mentions").fetchone() == (
            ROWS,
            ROWS,
        )
        assert conn.execute("SELECT count(*) FROM mentions_fts").fetchone()[0] == ROWS
        conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')")
        # quarantine as after one clean import: each bad line once
        assert conn.execute(
            "SELECT count(*), count(DISTINCT location) FROM quarantine"
        ).fetchone() == (ROWS // BAD_EVERY, ROWS // BAD_EVERY)
