"""Top authors at volume on PostgreSQL (issue 21 item 7): the plans side by side.

Top authors reads only ``mention_workspaces``, ``rollup_author_days`` and ``authors``,
so ``--fill N`` writes just those (the rows ``bench_pg_volume.py`` writes for them, same
random sequence, 50,000 authors, 3 workspaces, 60 days), which builds a 10M-mention
store in minutes instead of the hour the full tables take. Then, for workspace
``group`` and a week (whole UTC days, and a window not aligned on days), times
alternately rep by rep: the rows (``_raw_top_authors``), migration 0020's per-day
rollup (:func:`day_rollup`, ``top_authors`` before 0021) and ``top_authors`` (0021's
blocks of 7 days); the answers must be equal. The fill applies every migration first,
so the 0021 triggers fill the block rows from the day rollup's backfill.

    .venv/bin/python bench/bench_top_authors.py --fill 10000000 --keep
    .venv/bin/python bench/bench_top_authors.py --db postgresql://postgres@127.0.0.1/i21match_top_…

Prints JSON (p50/p95 ms, load average).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from bench_pg_volume import AUTHORS, PLATFORMS, ROLLUP_BACKFILL
from bench_store import SENTIMENTS, SPAN, START, percentiles, setup
from scratch_pg import scratch_database

from socialhub.models import Author
from socialhub.store import open_store
from socialhub.store.common import AUTHOR_COLUMNS, author_values
from socialhub.store.convert import to_utc_ms
from socialhub.store.dashboard import DashboardRepo

POOL = 100_000  # bench_pg_volume's default pool: one draw per mention, kept for the sequence


def rows(n: int, routes: list[tuple[int, int]], chunk: int) -> Any:
    """mention_workspaces COPY text, as ``bench_pg_volume.chunks`` draws it."""
    rng = random.Random(1)
    step = SPAN / n
    for first in range(0, n, chunk):
        lines = []
        for i in range(first, min(n, first + chunk)):
            created = (START + step * i).isoformat()
            rng.randrange(POOL)
            user = rng.randrange(AUTHORS)
            plat = rng.choice(PLATFORMS)
            likes, reposts = rng.randrange(100), rng.randrange(20)
            mood = rng.choice(SENTIMENTS)
            sentiment = "\\N" if mood is None else mood
            workspaces = {ws for _, ws in rng.sample(routes, rng.choice((1, 1, 1, 2)))}
            for ws in sorted(workspaces):
                lines.append(
                    f"{ws}\t{i + 1}\t{created}\tx:u{user}\t{plat}\tfr\t{sentiment}\t"
                    f"{likes + reposts}"
                )
        yield "\n".join(lines) + "\n"


def fill(url: str, n: int, chunk: int) -> dict[str, Any]:
    store = open_store(url)
    try:
        store.migrate()
        routes, _ = setup(store)
    finally:
        store.close()
    timings: dict[str, Any] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        now = to_utc_ms(datetime.now(UTC))
        with conn.cursor().copy(f"COPY authors ({', '.join(AUTHOR_COLUMNS)}) FROM STDIN") as cp:
            for u in range(AUTHORS):
                author = Author("x", f"u{u}", handle=f"@user{u}", followers=u * 3)
                cp.write_row(author_values(author, to_utc_ms, now))
        conn.execute("DROP INDEX mention_workspaces_time")
        conn.execute("DROP INDEX mention_workspaces_mention")
        t0 = time.perf_counter()
        columns = "workspace_id, mention_seq, created_at, author_id, platform, lang, "
        columns += "sentiment_label, engagement"
        for text in rows(n, routes, chunk):
            with conn.cursor().copy(f"COPY mention_workspaces ({columns}) FROM STDIN") as cp:
                cp.write(text)
        timings["copy_seconds"] = round(time.perf_counter() - t0, 1)
        conn.execute("SET maintenance_work_mem = '512MB'")
        t0 = time.perf_counter()
        conn.execute(
            "CREATE INDEX mention_workspaces_time ON mention_workspaces (workspace_id, "
            "created_at) INCLUDE (mention_seq, platform, lang, sentiment_label, author_id, "
            "engagement)"
        )
        conn.execute("CREATE INDEX mention_workspaces_mention ON mention_workspaces (mention_seq)")
        timings["index_seconds"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        for statement in ROLLUP_BACKFILL:
            if "mention_workspaces" in statement and "author_days" in statement:
                conn.execute(statement)
        timings["rollup_seconds"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        timings["vacuum_analyze_seconds"] = round(time.perf_counter() - t0, 1)
    return timings


def timed_alternately(
    plans: dict[str, Callable[[], Any]], reps: int
) -> dict[str, dict[str, float]]:
    answers = {name: fn() for name, fn in plans.items()}
    first = next(iter(answers.values()))
    assert all(a == first for a in answers.values()), answers
    samples: dict[str, list[float]] = {name: [] for name in plans}
    for _ in range(reps):
        for name, fn in plans.items():
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
    return {name: percentiles(s) for name, s in samples.items()}


def day_rollup(dashboard: DashboardRepo, wid: int, first: int, end: int) -> list[Any]:
    """Whole days from the per-day rollup (migration 0020): ``top_authors`` before 0021."""
    counts = (
        "SELECT author_id, sum(n) AS n, CAST(sum(engagement) AS BIGINT) AS engagement "
        "FROM rollup_author_days WHERE workspace_id = ? AND day >= ? AND day < ? "
        "GROUP BY author_id HAVING sum(n) > 0"
    )
    return dashboard._authors(counts, [wid, first, end], 10)


def bench(url: str, reps: int) -> dict[str, Any]:
    store = open_store(url)
    try:
        ws = store.workspaces.get_workspace("group")
        assert ws is not None and ws.id is not None
        wid = ws.id
        dashboard = store.dashboard
        assert isinstance(dashboard, DashboardRepo)
        until = START + SPAN
        since = until - timedelta(days=7)
        out: dict[str, Any] = {"load_before": [round(x, 2) for x in os.getloadavg()]}
        count = store.db._rows(  # type: ignore[attr-defined]
            "SELECT count(*) FROM mention_workspaces WHERE workspace_id = ? "
            "AND created_at >= ? AND created_at < ?",
            [wid, since, until],
        )
        out["workspace_rows_in_week"] = int(count[0][0])
        first, end = int(since.timestamp()) // 86_400, int(until.timestamp()) // 86_400
        rollup = store.db._rows(  # type: ignore[attr-defined]
            "SELECT count(*) FROM rollup_author_days WHERE workspace_id = ? "
            "AND day >= ? AND day < ?",
            [wid, first, end],
        )
        out["rollup_rows_in_week"] = int(rollup[0][0])
        out["top_authors_week"] = timed_alternately(
            {
                "rows": lambda: dashboard._raw_top_authors(wid, since, until),
                "days_0020": lambda: day_rollup(dashboard, wid, first, end),
                "weeks_0021": lambda: dashboard.top_authors(wid, since, until),
            },
            reps,
        )
        out["load_after"] = [round(x, 2) for x in os.getloadavg()]
        return out
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database filled before by --fill --keep")
    parser.add_argument("--fill", type=int, default=0, help="mentions to write")
    parser.add_argument("--chunk", type=int, default=200_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument("--prefix", default="i21match_top")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    report: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds")}
    if args.db:
        report["bench"] = bench(args.db, args.reps)
    else:
        with scratch_database(args.pg_admin_url, args.prefix, keep=args.keep) as url:
            report["database"] = url.rsplit("/", 1)[1]
            report["n"] = args.fill
            report["fill"] = fill(url, args.fill, args.chunk)
            print(json.dumps(report), file=sys.stderr, flush=True)
            if not args.fill_only:
                report["bench"] = bench(url, args.reps)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
