"""`socialhub audit verify|export` on both stores, tampering included."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from typer.testing import CliRunner

from socialhub.cli.main import app
from socialhub.records.chain import ChainEntry, verify
from socialhub.store.sqlite import SqliteStore

from .world import T0

runner = CliRunner()


def _fill(store: Any) -> list[ChainEntry]:
    repo = store.chain
    for i in range(4):
        repo.append("audit", "alice", "draft.created", f"draft:{i}", {"text": f"n°{i}"}, at=T0)
    repo.append("custody:case-1", "lea", "capture", "x:1", {"sha256": "ab"}, at=T0)
    return list(repo.iter_entries("audit"))


def _tamper(store: Any, row_id: int) -> None:
    sql = 'UPDATE chain_entries SET payload = \'{"text":"réécrit"}\' WHERE id = %s'
    if isinstance(store, SqliteStore):
        conn = sqlite3.connect(store.path, isolation_level=None)
        conn.execute("DROP TRIGGER chain_entries_no_update")
        conn.execute(sql.replace("%s", "?"), (row_id,))
        conn.close()
    else:
        with psycopg.connect(store.url, autocommit=True) as conn, conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute(sql, (row_id,))


def test_verify_passes_then_names_the_tampered_row(store: Any) -> None:
    entries = _fill(store)
    ok = runner.invoke(app, ["audit", "verify", "--db", store.url, "--json"])
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.output)
    assert report["ok"] and [c["chain"] for c in report["chains"]] == ["audit", "custody:case-1"]
    assert report["chains"][0]["entries"] == 4
    _tamper(store, entries[2].id or 0)
    bad = runner.invoke(app, ["audit", "verify", "--db", store.url])
    assert bad.exit_code == 1
    assert f"entry #3 (row id {entries[2].id})" in bad.output
    assert "does not match its content" in bad.output
    other = runner.invoke(app, ["audit", "verify", "--db", store.url, "--chain", "custody:case-1"])
    assert other.exit_code == 0


def test_export_can_be_verified_without_socialhub_store(store: Any, tmp_path: Path) -> None:
    _fill(store)
    target = tmp_path / "audit.jsonl"
    result = runner.invoke(app, ["audit", "export", "--db", store.url, "--out", str(target)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    tail = lines.pop()
    assert tail["entries"] == 4 and tail["head"] == lines[-1]["entry_hash"]
    rebuilt = [
        ChainEntry(
            d["chain"],
            d["seq"],
            datetime.fromisoformat(d["at"].replace("Z", "+00:00")),
            d["actor"],
            d["action"],
            d["subject"],
            d["payload"],
            d["prev_hash"],
            d["entry_hash"],
            d["id"],
        )
        for d in lines
    ]
    assert verify(rebuilt, expect_head=tail["head"]) is None
    assert verify(rebuilt[:-1], expect_head=tail["head"]) is not None
