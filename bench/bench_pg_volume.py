"""PostgreSQL at volume: a 10,000,000-mention store answering the dashboard queries.

Fills a throwaway database with ``--n`` mentions distributed like
``bench_store.generate`` (60 days, 3 workspaces x 2 queries, 1-2 routes per mention,
50,000 authors, 5 platforms, sentiment), then times every dashboard API call with
``bench_web.dashboard`` (in-process ASGI, API token, 7-day window, p50/p95).

Filling 10M mentions through ``store.mentions.add`` would take ~30 min on this machine, so the
rows are written as the store writes them but straight into the tables: the texts and
their tsvectors come from a pool of ``--pool`` mentions made by ``generate`` (tokenised
once), the rows are streamed with COPY by one connection while a thread formats the
next chunk, the secondary indexes are dropped during the load and rebuilt after (as a
bulk restore does), then ``VACUUM ANALYZE`` (autovacuum's job after a load). Raw
payloads are short (``{"id": i, "user": u}``) to spare disk. The database is dropped
at the end unless ``--keep``; the run stops if ``/work`` falls under ``--min-free-gb``.

    .venv/bin/python bench/bench_pg_volume.py --n 10000000
"""

from __future__ import annotations

import argparse
import json
import platform
import queue
import random
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import SENTIMENTS, SPAN, START, generate, setup
from bench_web import dashboard, load
from scratch_pg import scratch_database

from socialhub.models import Author
from socialhub.store import open_store
from socialhub.store.common import AUTHOR_COLUMNS, author_values, search_tokens
from socialhub.store.convert import to_utc_ms
from socialhub.store.postgres import PostgresStore
from socialhub.text import pg_tsvector

AUTHORS = 50_000
PLATFORMS = ("x", "bluesky", "mastodon", "reddit", "news")
BIG_TABLES = ("mentions", "mention_keys", "mention_queries", "mention_workspaces")
MENTION_COLS = (
    "seq, id, platform, native_id, url, site, text, lang, kind, created_at, collected_at, "
    "author_id, author_handle, likes, reposts, raw, sentiment_label, search, updated_at"
)


# What migration 0015 does on a filled database: the rollups add.py would have kept.
_MIGRATIONS = Path(__file__).parents[1] / "src/socialhub/store/migrations/postgres"
ROLLUP_BACKFILL = tuple(
    statement.strip()
    for name in ("0015_dashboard_rollups.sql", "0020_i21pg_author_days.sql")
    for statement in (_MIGRATIONS / name).read_text().split(";")
    if statement.strip().split("\n")[-1].startswith("FROM mention_")
)


def _esc(value: str) -> str:
    """COPY text format escaping."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def pool_of(size: int, routes: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """(text, tsvector) pairs, escaped for COPY, from ``generate``'s distribution."""
    out: list[tuple[str, str]] = []
    for batch in generate(size, 10_000, routes, seed=3):
        out += [(_esc(m.text), _esc(pg_tsvector(search_tokens(m)))) for m in batch]
    return out


def chunks(
    n: int, chunk: int, pool: list[tuple[str, str]], routes: list[tuple[int, int]]
) -> Iterator[dict[str, str]]:
    """COPY text per table, ``chunk`` mentions at a time."""
    rng = random.Random(1)
    step = SPAN / n
    stamp = datetime.now(UTC).isoformat()
    for first in range(0, n, chunk):
        lines: dict[str, list[str]] = {t: [] for t in BIG_TABLES}
        for i in range(first, min(n, first + chunk)):
            seq = i + 1
            created = (START + step * i).isoformat()
            collected = (START + step * i + timedelta(seconds=30)).isoformat()
            text, tsv = pool[rng.randrange(len(pool))]
            user = rng.randrange(AUTHORS)
            plat = rng.choice(PLATFORMS)
            likes, reposts = rng.randrange(100), rng.randrange(20)
            mood = rng.choice(SENTIMENTS)
            sentiment = "\\N" if mood is None else mood
            mid = f"{plat}:{i}"
            lines["mention_keys"].append(f"{plat}\t{i}\t{mid}\t{seq}\t{created}")
            lines["mentions"].append(
                f"{seq}\t{mid}\t{plat}\t{i}\thttps://example.org/p/{i}\texample.org\t{text}\t"
                f"fr\tpost\t{created}\t{collected}\tx:u{user}\tuser{user}\t{likes}\t{reposts}\t"
                f'{{"id":{i},"user":{user}}}\t{sentiment}\t{tsv}\t{stamp}'
            )
            workspaces = set()
            for q, ws in sorted(rng.sample(routes, rng.choice((1, 1, 1, 2)))):
                lines["mention_queries"].append(f"{q}\t{seq}\t{ws}\t{created}\t\\N")
                workspaces.add(ws)
            for ws in sorted(workspaces):
                lines["mention_workspaces"].append(
                    f"{ws}\t{seq}\t{created}\tx:u{user}\t{plat}\tfr\t{sentiment}\t{likes + reposts}"
                )
        yield {t: "\n".join(v) + "\n" for t, v in lines.items()}


COLUMNS = {
    "mentions": MENTION_COLS,
    "mention_keys": "platform, native_id, id, seq, created_at",
    "mention_queries": "query_id, mention_seq, workspace_id, created_at, relevance",
    "mention_workspaces": (
        "workspace_id, mention_seq, created_at, author_id, platform, lang, sentiment_label, "
        "engagement"
    ),
}


def secondary_indexes(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """(name, definition) of the big tables' indexes that back no constraint."""
    rows = conn.execute(
        "SELECT ic.relname, pg_get_indexdef(ic.oid) FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relname = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = ic.oid)",
        (list(BIG_TABLES),),
    ).fetchall()
    return [(str(a), str(b)) for a, b in rows]


def free_gb() -> float:
    return shutil.disk_usage("/work").free / 1e9


def fill(url: str, n: int, pool_size: int, chunk: int, min_free: float) -> dict[str, Any]:
    store = open_store(url)
    assert isinstance(store, PostgresStore)
    timings: dict[str, Any] = {}
    try:
        store.migrate()
        routes, ws_id = setup(store)
        store.mentions.ensure_partitions([date(2024, m, 1) for m in (1, 2, 3)])
        t0 = time.perf_counter()
        pool = pool_of(pool_size, routes)
        timings["pool_seconds"] = round(time.perf_counter() - t0, 1)
    finally:
        store.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        now = to_utc_ms(datetime.now(UTC))
        authors = [
            author_values(Author("x", f"u{u}", handle=f"@user{u}", followers=u * 3), to_utc_ms, now)
            for u in range(AUTHORS)
        ]
        with conn.cursor().copy(f"COPY authors ({', '.join(AUTHOR_COLUMNS)}) FROM STDIN") as cp:
            for row in authors:
                cp.write_row(row)
        indexes = secondary_indexes(conn)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        # A thread formats the next chunk while this one streams into the server.
        ready: queue.Queue[dict[str, str] | None] = queue.Queue(maxsize=2)

        def produce() -> None:
            for block in chunks(n, chunk, pool, routes):
                ready.put(block)
            ready.put(None)

        threading.Thread(target=produce, daemon=True).start()
        t0 = time.perf_counter()
        done = 0
        while (block := ready.get()) is not None:
            for table, text in block.items():
                with conn.cursor().copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as cp:
                    cp.write(text)
            done += block["mentions"].count("\n")
            if free_gb() < min_free:
                raise RuntimeError(f"free disk under {min_free} GB after {done} mentions")
            if done % 1_000_000 < chunk:
                print(f"{done} mentions, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        timings["copy_seconds"] = round(time.perf_counter() - t0, 1)
        timings["copy_mentions_per_s"] = round(n / (time.perf_counter() - t0))
        conn.execute("SELECT setval('mentions_seq_seq', %s)", (n,))
        conn.execute("SET maintenance_work_mem = '1GB'")
        t0 = time.perf_counter()
        for _, definition in indexes:
            # pg_get_indexdef gives a partitioned table's index as "ON ONLY", which
            # builds no index on the partitions (left invalid): build them all.
            conn.execute(definition.replace(" ON ONLY ", " ON "))
        timings["index_seconds"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        for statement in ROLLUP_BACKFILL:
            conn.execute(statement)
        timings["rollup_seconds"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        timings["vacuum_analyze_seconds"] = round(time.perf_counter() - t0, 1)
        sizes = conn.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relname = ANY(%s) OR relname LIKE 'mentions_20%%'",
            (list(BIG_TABLES),),
        ).fetchall()
        timings["total_bytes"] = {str(a): int(b) for a, b in sizes}
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        timings["database_bytes"] = size[0] if size else None
    timings["workspace_id"] = ws_id
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--pool", type=int, default=100_000, help="distinct texts")
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--min-free-gb", type=float, default=20.0)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--prefix", default="socialhub_benchvol", help="database name prefix")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "n": args.n,
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "free_gb_before": round(free_gb(), 1),
        "load_before": load(),
    }
    with scratch_database(args.pg_admin_url, args.prefix, keep=args.keep) as url:
        if args.keep:
            report["database"] = url.rsplit("/", 1)[1]
        report["fill"] = fill(url, args.n, args.pool, args.chunk, args.min_free_gb)
        report["free_gb_after_fill"] = round(free_gb(), 1)
        store = open_store(url)
        try:
            report["dashboard_api"] = dashboard(store, report["fill"]["workspace_id"], args.reps)
        finally:
            store.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
