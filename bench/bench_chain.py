"""Hash-chain append and verify speed on SQLite and PostgreSQL (issue 16).

Appends N entries to one chain, each in its own transaction (as the audit log does:
one action, one transaction, head read under the lock), then verifies the whole chain
from the store. The baseline in the same run is a plain INSERT of the same rows into a
table without chaining, so the ratio is the cost of the chain.

    .venv/bin/python bench/bench_chain.py --n 5000 --db both
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from socialhub.store import open_store

T0 = datetime(2026, 12, 6, tzinfo=UTC)


def run(url: str, n: int) -> dict[str, Any]:
    store: Any = open_store(url)
    store.migrate()
    try:
        repo = store.chain
        payload = {"text": "Bonjour, nos équipes interviennent sur votre ligne.", "n": 0}
        with store.db._tx() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_plain (id BIGINT, body TEXT)")
        start = time.perf_counter()
        for i in range(n):
            with store.db._tx() as cur:
                cur.execute(
                    store.db._sql("INSERT INTO bench_plain VALUES (?, ?)"), (i, json.dumps(payload))
                )
        plain = time.perf_counter() - start
        start = time.perf_counter()
        for i in range(n):
            repo.append("bench", "alice", "draft.created", f"draft:{i}", payload, at=T0)
        chained = time.perf_counter() - start
        start = time.perf_counter()
        problem = repo.verify("bench")
        verify_s = time.perf_counter() - start
        assert problem is None
        return {
            "n": n,
            "plain_insert_per_s": round(n / plain),
            "chain_append_per_s": round(n / chained),
            "chain_vs_plain": round(plain / chained, 2),
            "verify_entries_per_s": round(n / verify_s),
        }
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            out["sqlite"] = run(f"sqlite:///{tmp}/chain.db", args.n)
    if args.db in ("postgres", "both"):
        from scratch_pg import scratch_database

        with scratch_database(args.pg_admin, "bench_chain") as url:
            out["postgres"] = run(url, args.n)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
