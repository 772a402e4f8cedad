"""Store benchmark: import throughput and search/count latency on SQLite and PostgreSQL.

Generates N synthetic mentions (Zipf-distributed words from wordfreq's French list when
it is installed, else a syllable vocabulary; fictional brands injected at fixed rates),
imports them in batches (timing only ``store.mentions.add``, FTS/tsvector included), then times
``search(limit=50)`` and ``count`` for typical brand queries. Prints JSON.

    .venv/bin/python bench/bench_store.py --n 200000 --db both

Goals: import >= 20,000 mentions/s; search p95 <= 100 ms at 1,000,000 mentions.
PostgreSQL runs in a throwaway database created on --pg-admin-url and dropped after.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import Any

from scratch_pg import scratch_database

from socialhub.models import Author, Engagement, Mention, Query, Workspace
from socialhub.store import open_store
from socialhub.store.base import Store
from socialhub.store.postgres import PostgresStore

START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=60)
# Fictional brands and the rate at which a mention carries them.
INJECT = [
    (0.050, "Acme"),
    (0.015, "Acme Énergie"),
    (0.010, "#AcmeFail"),
    (0.010, "@AcmeSupport"),
    (0.030, "Zenitel"),
    (0.020, "panne"),
    (0.010, "facture"),
    (0.005, "promo"),
]
SENTIMENTS = (None, "positive", "neutral", "neutral", "negative")
QUERIES = {
    "brand": "acme",
    "phrase": '"acme energie"',
    "and": "acme AND panne",
    "or_tags": '#acmefail OR @acmesupport OR "acme energie"',
    "not": "(acme OR zenitel) AND NOT promo",
    "near": "acme NEAR/5 facture",
    "rare": "zenitel AND facture AND panne",
}


def vocabulary() -> tuple[list[str], list[float]]:
    """Words and cumulative Zipf weights (rank r has weight 1/r)."""
    try:
        import wordfreq

        words = [w for w in wordfreq.top_n_list("fr", 30_000) if w.isalpha()]
    except ImportError:
        rng = random.Random(7)
        syllables = [c + v for c in "bcdfglmnprstv" for v in ("a", "e", "i", "o", "u", "é", "ou")]
        words = list(
            dict.fromkeys(
                "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
                for _ in range(40_000)
            )
        )
    return words, list(accumulate(1.0 / r for r in range(1, len(words) + 1)))


def generate(
    n: int, batch: int, routes: list[tuple[int, int]], seed: int = 1
) -> Iterator[list[Mention]]:
    """Batches of mentions, created uniformly over SPAN, each routed to 1-2 queries."""
    rng = random.Random(seed)
    # Sentiment from its own stream, so the texts stay those of earlier runs.
    moods = random.Random(seed + 1)
    words, cum = vocabulary()
    step = SPAN / n
    out: list[Mention] = []
    for i in range(n):
        tokens = rng.choices(words, cum_weights=cum, k=rng.randint(6, 40))
        for rate, term in INJECT:
            if rng.random() < rate:
                tokens.insert(rng.randrange(len(tokens) + 1), term)
        text = " ".join(tokens)
        user = rng.randrange(50_000)
        created = START + step * i
        query_ids = sorted({q for q, _ in rng.sample(routes, rng.choice((1, 1, 1, 2)))})
        out.append(
            Mention(
                platform=rng.choice(("x", "bluesky", "mastodon", "reddit", "news")),
                native_id=f"{i}",
                text=text,
                created_at=created,
                collected_at=created + timedelta(seconds=30),
                url=f"https://example.org/p/{i}",
                lang="fr",
                author=Author("x", f"u{user}", handle=f"@user{user}", followers=user * 3),
                engagement=Engagement(likes=rng.randrange(100), reposts=rng.randrange(20)),
                raw={"id": i, "text": text, "user": user},
                query_ids=query_ids,
                sentiment_label=moods.choice(SENTIMENTS),
            )
        )
        if len(out) == batch:
            yield out
            out = []
    if out:
        yield out


def setup(store: Store) -> tuple[list[tuple[int, int]], int]:
    """Three workspaces with two queries each; returns (query id, workspace id) pairs."""
    routes: list[tuple[int, int]] = []
    for slug in ("group", "qos", "legal"):
        ws = store.workspaces.upsert_workspace(Workspace(slug, slug.title()))
        assert ws.id is not None
        for name in ("brand", "rival"):
            q = store.workspaces.upsert_query(Query(ws.id, name, name))
            assert q.id is not None
            routes.append((q.id, ws.id))
    return routes, routes[0][1]


def fill_sqlite(path: str | Path, n: int, batch: int = 5_000) -> float:
    """A migrated SQLite store at ``path`` with ``n`` generated mentions (the routes of
    :func:`setup`); returns the seconds the writes took."""
    store = open_store(f"sqlite:///{path}")
    try:
        store.migrate()
        routes, _ = setup(store)
        t0 = time.perf_counter()
        for mentions in generate(n, batch, routes):
            store.mentions.add(mentions)
        return time.perf_counter() - t0
    finally:
        store.close()


def percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"p50_ms": round(statistics.median(samples) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def timed(fn: Callable[[], Any], reps: int) -> dict[str, float]:
    fn()  # warm the cache: we measure a running server, not a cold disk
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return percentiles(samples)


def bench(store: Store, n: int, batch: int, reps: int, search: bool = True) -> dict[str, Any]:
    store.migrate()
    routes, workspace = setup(store)
    add_seconds = cpu_seconds = 0.0
    added = 0
    for mentions in generate(n, batch, routes):
        t, cpu = time.perf_counter(), time.process_time()
        result = store.mentions.add(mentions)
        add_seconds += time.perf_counter() - t
        cpu_seconds += time.process_time() - cpu
        added += result.inserted
    maintenance = None
    if isinstance(store, PostgresStore):  # what autovacuum does after a bulk load
        import psycopg

        with psycopg.connect(store.url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        maintenance = "VACUUM ANALYZE after the import (autovacuum's job)"
    last_week = START + SPAN - timedelta(days=7)
    results: dict[str, Any] = {
        "import": {
            "mentions": added,
            "seconds": round(add_seconds, 2),
            "mentions_per_s": round(added / add_seconds),
            # this process's CPU only: all of SQLite's work, the client side of PostgreSQL's
            "client_cpu_seconds": round(cpu_seconds, 2),
            "mentions_per_client_cpu_s": round(added / cpu_seconds),
        },
        "maintenance": maintenance,
        "count_all": store.mentions.count(),
        "count_all_ms": timed(store.mentions.count, reps),
        "count_ws_week_ms": timed(
            lambda: store.mentions.count(workspace_id=workspace, since=last_week), reps
        ),
        "queries": {},
    }
    for name, text in QUERIES.items() if search else ():
        results["queries"][name] = {
            "query": text,
            "hits": store.mentions.count(text),
            "search_all": timed(partial(store.mentions.search, text, limit=50), reps),
            "search_ws_week": timed(
                partial(
                    store.mentions.search, text, workspace_id=workspace, since=last_week, limit=50
                ),
                reps,
            ),
            "count_all": timed(partial(store.mentions.count, text), reps),
            "count_ws_week": timed(
                partial(store.mentions.count, text, workspace_id=workspace, since=last_week), reps
            ),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--import-only", action="store_true", help="skip query timings")
    parser.add_argument("--sqlite-dir", default=None, help="where the SQLite file goes")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    report: dict[str, Any] = {
        "n": args.n,
        "batch": args.batch,
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "results": {},
    }
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(dir=args.sqlite_dir) as tmp:
            store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
            try:
                report["results"]["sqlite"] = bench(
                    store, args.n, args.batch, args.reps, not args.import_only
                )
                report["results"]["sqlite"]["db_bytes"] = (Path(tmp) / "bench.db").stat().st_size
            finally:
                store.close()
    if args.db in ("postgres", "both"):
        with scratch_database(args.pg_admin_url, "socialhub_bench") as url:
            store = open_store(url)
            try:
                report["results"]["postgres"] = bench(
                    store, args.n, args.batch, args.reps, not args.import_only
                )
            finally:
                store.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
