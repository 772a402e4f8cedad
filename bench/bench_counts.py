"""Counts and top authors at volume (issue 21 items 5 and 7), before and after, same run.

Times, on an existing database filled like ``bench_store`` (``--fill N`` fills a new
SQLite file through ``store.mentions.add``; PostgreSQL databases come from
``bench_pg_volume.py --keep``), for the workspace of ``bench_store.setup`` and the last
7 days of the data:

* ``count(q, workspace, week)`` for every ``bench_store.QUERIES`` — the planned count
  (:mod:`socialhub.store.counts`) against the previous plan (full-text hits over all
  time and workspaces, filtered), ``counts.scan_count``, alternated rep by rep;
* the count of each stored query (``counts.routed``) against counting its routes;
* ``count(None, workspace, week)``;
* top authors from the per-day rollup against the rows (``_raw_top_authors``).

Answers are checked equal. Prints JSON (p50/p95 in ms, load average).

    .venv/bin/python bench/bench_counts.py --sqlite /tmp/x/s1m.db --fill 1000000
    .venv/bin/python bench/bench_counts.py --db postgresql://postgres@127.0.0.1/i21pg_vol_…
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import bench_store
from bench_store import QUERIES, SPAN, START, percentiles

from socialhub.store import counts, open_store
from socialhub.store.base import Store
from socialhub.store.dashboard import DashboardRepo


def fill_sqlite(path: str, n: int, batch: int = 5_000) -> dict[str, Any]:
    return {"n": n, "fill_seconds": round(bench_store.fill_sqlite(path, n, batch), 1)}


def pair(
    new: Callable[[], Any], old: Callable[[], Any], reps: int
) -> tuple[dict[str, float], dict[str, float], Any]:
    """Both plans timed alternately; their answers must be equal."""
    a, b = new(), old()
    assert a == b, (a, b)
    ts_new: list[float] = []
    ts_old: list[float] = []
    for _ in range(reps):
        for fn, out in ((new, ts_new), (old, ts_old)):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return percentiles(ts_new), percentiles(ts_old), a


def bench(store: Store, reps: int, text_reps: int) -> dict[str, Any]:
    ws = store.workspaces.get_workspace("group")
    assert ws is not None and ws.id is not None
    wid = ws.id
    until = START + SPAN
    since = until - timedelta(days=7)
    reads: Any = store.mentions
    out: dict[str, Any] = {"load_before": os.getloadavg()}
    for name, text in QUERIES.items():
        new, old, n = pair(
            lambda t=text: store.mentions.count(t, workspace_id=wid, since=since, until=until),
            lambda t=text: counts.scan_count(reads, t, wid, since, until),
            text_reps,
        )
        out[f"count_ws_week:{name}"] = {"hits": n, "after": new, "before": old}
    new, old, n = pair(
        lambda: store.mentions.count(None, workspace_id=wid, since=since, until=until),
        lambda: counts.scan_count(reads, None, wid, since, until),
        reps,
    )
    out["count_ws_week:all"] = {"hits": n, "after": new, "before": old}
    for q in store.workspaces.list_queries(wid):
        assert q.id is not None
        new, old, n = pair(
            lambda i=q.id: counts.routed(reads, i, since=since, until=until),
            lambda i=q.id: counts.scan_routed(reads, i, since, until),
            reps,
        )
        out[f"stored_query_week:{q.name}"] = {"hits": n, "after": new, "before": old}
    dashboard = store.dashboard
    assert isinstance(dashboard, DashboardRepo)
    new, old, _ = pair(
        lambda: dashboard.top_authors(wid, since, until),
        lambda: dashboard._raw_top_authors(wid, since, until),
        reps,
    )
    out["top_authors_week"] = {"after": new, "before": old}
    # a window not aligned on days: the edges come from the rows
    a, b = since + timedelta(hours=5, minutes=7), until - timedelta(hours=3)
    new, old, _ = pair(
        lambda: dashboard.top_authors(wid, a, b),
        lambda: dashboard._raw_top_authors(wid, a, b),
        reps,
    )
    out["top_authors_week_unaligned"] = {"after": new, "before": old}
    out["load_after"] = os.getloadavg()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a filled database URL")
    parser.add_argument("--sqlite", help="a SQLite file (filled first with --fill)")
    parser.add_argument("--fill", type=int, default=0)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--text-reps", type=int, default=0, help="for full-text counts")
    parser.add_argument("--fill-only", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds")}
    url = args.db or f"sqlite:///{args.sqlite}"
    if args.fill:
        report["fill"] = fill_sqlite(args.sqlite, args.fill)
    if not args.fill_only:
        store = open_store(url)
        try:
            store.migrate()
            report["n"] = store.mentions.count()
            report["results"] = bench(store, args.reps, args.text_reps or args.reps)
        finally:
            store.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
