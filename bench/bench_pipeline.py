"""Whole enrichment chain throughput (full and fast modes) and a worker's memory.

    .venv/bin/python bench/bench_pipeline.py --n 3000 --batch 100

Mentions come from the demo simulator (generated before timing) and are routed against
examples/telecom.toml in a throwaway SQLite store, so every stage has work, including
routing, relevance and the workspace dictionaries. Language is re-detected
(``language_override``) as for imported data that has none. Prints JSON.
Goals (issue 3): full chain with accurate sentiment >= 100 mentions/s on 2 cores; fast
mode >= 2,000 mentions/s; a worker with every model loaded <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialhub.config import apply_config, load_config
from socialhub.demo import Simulator
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import DEFAULT_ENRICHERS, Pipeline
from socialhub.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def run(mode: str, n: int, batch: int, db: str, seed: int) -> dict[str, Any]:
    store = open_store(db)
    mentions = Simulator(seed=seed).take(n)
    settings = {"mode": mode, "language_override": True}
    if mode == "full":
        settings["sentiment_mode"] = "accurate"
    started = time.perf_counter()
    pipeline = Pipeline.from_settings(Context(store, settings), DEFAULT_ENRICHERS)
    load_s = time.perf_counter() - started
    pipeline.process(mentions[:batch])  # warm-up: first calls build caches
    rest = mentions[batch:]
    t, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(rest), batch):
        pipeline.process(rest[i : i + batch])
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    stages = pipeline.stats.as_dict()["stages"]
    pipeline.close()
    store.close()
    return {
        "mentions": len(rest),
        "mentions_per_s": round(len(rest) / wall, 1),
        "mentions_per_cpu_s": round(len(rest) / cpu, 1),
        "load_seconds": round(load_s, 2),
        "stage_mentions_per_s": {
            name: round(st["received"] / st["seconds"]) if st["seconds"] else None
            for name, st in stages.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000, help="mentions per mode")
    parser.add_argument("--fast-n", type=int, default=20000, help="mentions for fast mode")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.db"
        store = open_store(db)
        store.migrate()
        apply_config(load_config(ROOT / "examples" / "telecom.toml"), store, env={})
        store.close()
        load_before = os.getloadavg()[0]
        results = {
            "fast": run("fast", args.fast_n, 500, db, args.seed),
            "full": run("full", args.n, args.batch, db, args.seed),
        }
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": platform.platform(),
                "python": platform.python_version(),
                "args": vars(args),
                "results": results,
                "peak_rss_mb_all_models_loaded": round(peak_mb),
                # the machine is shared: the 1-minute load average before and after
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
