"""The one-off search re-index of migration 0022 (issue 18: handles keep their "_").

Builds a store migrated up to 0021 whose ``n`` mentions (``bench_store.generate``, a share
``--underscore`` of them carrying an ``@user_name``/``#tag_name`` reply handle or
hashtag) were indexed by the old tokeniser, then times ``store.migrate()``: migration 0022
and the re-index (SQLite: every row into the rebuilt FTS5 table; PostgreSQL: a new
``search`` tsvector for the rows whose text holds an "_"). Peer: the time the same
mentions took to write (``mentions.add``, FTS/tsvector included). Also the tokeniser
alone, old vs new, on the same texts. Prints JSON.

    .venv/bin/python bench/bench_reindex.py --n 100000 --backends sqlite,postgres
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench_store import generate, setup
from scratch_pg import scratch_database

from socialhub.models import Mention
from socialhub.store import migrations, open_store
from socialhub.text import MAX_TOKEN_LEN, MAX_TOKENS, fold, index_tokens

_OLD_TOKEN = re.compile(r"([#@]?)([^\W_]+)")


def old_index_tokens(text: str) -> list[str]:
    """``index_tokens`` before tokeniser version 2 (split at "_")."""
    out = []
    for prefix, word in _OLD_TOKEN.findall(fold(text)):
        word = word[:MAX_TOKEN_LEN]
        if prefix:
            out.append(prefix + word)
        out.append(word)
        if len(out) >= MAX_TOKENS:
            return out[:MAX_TOKENS]
    return out


def batches(n: int, share: float, routes: list[tuple[int, int]]) -> Iterator[list[Mention]]:
    rng = random.Random(3)
    for batch in generate(n, 5_000, routes):
        for m in batch:
            if rng.random() < share:
                name = f"{rng.choice(('laura', 'edf', 'sav', 'jean'))}_{rng.randrange(10_000)}"
                m.text = f"{rng.choice('@#')}{name} {m.text}"
        yield batch


def run(url: str, n: int, share: float) -> dict[str, Any]:
    store = open_store(url)
    available = migrations.available
    import socialhub.store.common as common

    try:
        migrations.available = lambda d: [m for m in available(d) if m.name < "0022"]  # type: ignore[assignment]
        common.index_tokens = old_index_tokens  # type: ignore[assignment]
        try:
            store.db.migrate()  # type: ignore[attr-defined]
            routes, _ = setup(store)
            texts: list[str] = []
            t0 = time.perf_counter()
            for batch in batches(n, share, routes):
                store.mentions.add(batch)
                texts.extend(m.text for m in batch)
            write = time.perf_counter() - t0
        finally:
            migrations.available = available  # type: ignore[assignment]
            common.index_tokens = index_tokens  # type: ignore[assignment]
        done: list[int] = [0, 0]
        t0 = time.perf_counter()
        applied = store.migrate(progress=lambda d, t: done.__setitem__(slice(0, 2), [d, t]))
        reindex = time.perf_counter() - t0
        assert "0022_handles_underscore_tokens" in applied, applied
        assert done[0] == done[1]
        found = len(store.mentions.search("laura*", limit=10))
    finally:
        store.close()
    return {
        "mentions": n,
        "with_underscore": sum("_" in t for t in texts),
        "rows_reindexed": done[0],
        "write_s": round(write, 2),
        "migrate_reindex_s": round(reindex, 2),
        "reindex_rows_per_s": round(done[0] / reindex) if reindex else None,
        "reindex_over_write": round(reindex / write, 3),
        "search_after_ok": found > 0,
        "tokeniser_us_per_mention": tokeniser(texts[:20_000]),
    }


def tokeniser(texts: list[str]) -> dict[str, float]:
    """Microseconds per text, best of 5 alternating runs."""
    best = {"old": float("inf"), "new": float("inf")}
    for _ in range(5):
        for name, fn in (("old", old_index_tokens), ("new", index_tokens)):
            t0 = time.perf_counter()
            for text in texts:
                fn(text)
            best[name] = min(best[name], time.perf_counter() - t0)
    out = {name: round(s / len(texts) * 1e6, 2) for name, s in best.items()}
    out["new_over_old"] = round(out["new"] / out["old"], 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--underscore", type=float, default=0.2, help="share of texts with '_'")
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    results: dict[str, Any] = {"python": sys.version.split()[0]}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                results["sqlite"] = run(f"sqlite:///{Path(tmp) / 'r.db'}", args.n, args.underscore)
        else:
            with scratch_database(args.pg_admin_url, "bench_reindex") as url:
                results["postgres"] = run(url, args.n, args.underscore)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
