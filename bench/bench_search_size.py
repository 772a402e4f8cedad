"""SQLite storage per mention and search fixed cost (issue 21, items 4 and 5).

Builds (or reuses) a SQLite file of ``bench_store.generate`` mentions, reports the bytes
per mention of every table and index (SQLite's ``dbstat``), then times ``search`` on
no-hit, rare and frequent queries, over everything and on one workspace's last week.

    .venv/bin/python bench/bench_search_size.py --n 1000000 --db /tmp/x/bench.db

Goals: <= 0.8 KB per mention; search fixed cost (no-hit, rare term) <= 2 ms.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bench_store import SPAN, START, fill_sqlite, percentiles

from socialhub.store import open_store

SEARCHES = {
    "no_hit": "xyzzyplugh",
    "no_hit_and": "xyzzyplugh AND acme",
    "rare": "zenitel AND facture AND panne",
    "near": "acme NEAR/5 facture",
    "brand": "acme",
    "phrase": '"acme energie"',
}


def sizes(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        n = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        rows = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
        columns: dict[str, float] = {}
        for col in ("text", "raw", "raw_sha256", "enrichment", "media", "url", "id"):
            total = conn.execute(f"SELECT sum(length(CAST({col} AS BLOB))) FROM mentions")
            columns[col] = round((total.fetchone()[0] or 0) / n, 1)
    finally:
        conn.close()
    total = sum(size for _, size in rows)
    return {
        "mentions": n,
        "file_bytes": path.stat().st_size,
        "kb_per_mention": round(total / n / 1000, 3),
        "bytes_per_mention": {name: round(size / n, 1) for name, size in rows if size / n >= 0.5},
        "column_bytes_per_mention": columns,
    }


def timed(fn: Callable[[], Any], reps: int) -> dict[str, float]:
    """Wall and CPU percentiles (CPU: this process, i.e. all of SQLite's work, which
    stays meaningful on a loaded machine where wall times are several times longer)."""
    fn()  # warm the cache
    wall, cpu = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    out = percentiles(wall)
    out.update({f"cpu_{k}": v for k, v in percentiles(cpu).items()})
    return out


def searches(path: Path, reps: int) -> dict[str, Any]:
    store = open_store(f"sqlite:///{path}")
    try:
        workspace = store.workspaces.get_workspace("group")
        assert workspace is not None and workspace.id is not None
        last_week = START + SPAN - timedelta(days=7)
        out: dict[str, Any] = {}
        for name, text in SEARCHES.items():
            out[name] = {
                "all": timed(partial(store.mentions.search, text, limit=50), reps),
                "ws_week": timed(
                    partial(
                        store.mentions.search,
                        text,
                        workspace_id=workspace.id,
                        since=last_week,
                        limit=50,
                    ),
                    reps,
                ),
            }
        return out
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--db", required=True, help="SQLite file (built when absent)")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--no-size", action="store_true", help="skip dbstat (slow at 1M)")
    args = parser.parse_args()
    path = Path(args.db)
    report: dict[str, Any] = {"n": args.n}
    if not path.exists():
        report["build_seconds"] = round(fill_sqlite(path, args.n, args.batch), 1)
    if not args.no_size:
        report["size"] = sizes(path)
    if not args.no_search:
        report["search_ms"] = searches(path, args.reps)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
