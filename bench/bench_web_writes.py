"""Web write latency on SQLite while an import writes to the same file.

    .venv/bin/python bench/bench_web_writes.py --rows 60000 --writes 40

The issue: a password change through the API took > 5 s while the demo was writing the
same SQLite file. This measures, through the real app (FastAPI TestClient, an API token,
production Argon2 cost), the latency of ``POST /api/me/password`` and of a cheap write
(``DELETE /api/me/tokens/{id}``) in four situations:

* ``idle``: nobody else writes (the baseline of the ratios);
* ``thread``: an ``import_file`` of ``--rows`` mentions runs in the same process on the
  same store object (as the demo or the hub does), batches of 2,000;
* ``thread_legacy``: the same with the writer as it was before (``threading.Lock``,
  ``wal_autocheckpoint = 10000`` pages: checkpoints inside commits);
* ``process``: ``socialhub import`` runs in another process on the same file.

Prints JSON (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from fastapi.testclient import TestClient

from socialhub.config.passwords import hash_password
from socialhub.ingest import import_file
from socialhub.models import User, utcnow
from socialhub.store.sqlite import SqliteStore
from socialhub.web.app import create_app
from socialhub.web.auth import create_token


def write_file(path: Path, rows: int) -> None:
    with path.open("wb") as f:
        for n in range(rows):
            record = {
                "id": str(n),
                "platform": "forum",
                "text": f"mirabelle panne réseau message {n} " + "lorem ipsum " * 20,
                "created_at": "2026-03-01T10:00:00Z",
                "author": f"user{n % 500}",
            }
            f.write(orjson.dumps(record) + b"\n")


def _stats(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "n": len(values),
        "p50": round(statistics.median(values) * 1000),
        "p95": round(values[int(0.95 * (len(values) - 1))] * 1000),
        "max": round(values[-1] * 1000),
    }


def measure(situation: str, path: Path, tmp: Path, writes: int) -> dict[str, Any]:
    db = tmp / f"{situation}.db"
    store = SqliteStore(f"sqlite:///{db}")
    store.migrate()
    if situation == "thread_legacy":
        store.db._lock = threading.Lock()  # type: ignore[assignment]
        store.db._writer.execute("PRAGMA wal_autocheckpoint = 10000")
        store.db._checkpointer.threshold = 1 << 62
    user = store.accounts.upsert_user(User("bob", "Bob", "", hash_password("first-password-1")))
    token, _ = create_token(store, user.id or 0, "bench", utcnow())
    spare = [create_token(store, user.id or 0, f"t{i}", utcnow())[1] for i in range(writes)]
    client = TestClient(create_app(store), headers={"Authorization": f"Bearer {token}"})
    done = threading.Event()
    proc: subprocess.Popen[bytes] | None = None
    if situation.startswith("thread"):

        def run() -> None:
            import_file(path, store, batch_size=2000)
            done.set()

        threading.Thread(target=run, daemon=True).start()
    elif situation == "process":
        cmd = [sys.executable, "-m", "socialhub.cli.main", "import", str(path), "--no-route"]
        proc = subprocess.Popen(
            [*cmd, "--json", "--db", f"sqlite:///{db}"], stdout=subprocess.DEVNULL
        )
        while not db.with_name(db.name + "-wal").exists() and proc.poll() is None:
            time.sleep(0.05)
    passwords = ["first-password-1", "second-password-2"]
    change: list[float] = []
    cheap: list[float] = []
    for i in range(writes):
        if situation != "idle" and (done.is_set() or (proc and proc.poll() is not None)):
            break
        t = time.perf_counter()
        r = client.post(
            "/api/me/password",
            json={"current_password": passwords[i % 2], "new_password": passwords[(i + 1) % 2]},
        )
        change.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text
        t = time.perf_counter()
        r = client.delete(f"/api/me/tokens/{spare[i].id}")
        cheap.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text
        time.sleep(0.05)
    if proc is not None:
        proc.wait()
    if situation.startswith("thread"):
        done.wait(600)  # the import finishes before the store closes
    client.close()
    store.close()
    return {"password_change_ms": _stats(change), "token_revoke_ms": _stats(cheap)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--writes", type=int, default=40)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "import.jsonl"
        write_file(path, args.rows)
        for situation in ("idle", "thread", "thread_legacy", "process"):
            results[situation] = measure(situation, path, Path(tmp), args.writes)
    base = results["idle"]["password_change_ms"]["p95"] or 1
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": platform.platform(),
                "python": platform.python_version(),
                "args": vars(args),
                "results": results,
                "p95_password_change_vs_idle": {
                    k: round(v["password_change_ms"]["p95"] / base, 2) for k, v in results.items()
                },
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
