"""What reaches people (issue 14, item 3): alerts and incidents told in the app or by
email per workspace and day on the demo simulator, recall and precision on its episodes.

    .venv/bin/python bench/bench_reach.py [--days 3] [--rate 20] [--seeds 42] > out.json

For each seed, the demo stream over ``--days`` simulated days (both workspaces of
examples/telecom.toml) is replayed through the live detector service on a fresh SQLite
store (``socialhub.ops.reach``: detectors, watchlist triggers with each list's
``notify``, stories, alert manager, router with in-app delivery, incident desk).
Goal: ≤ 15 items per workspace per day, recall 1.0, precision ≥ 0.9.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from socialhub.ops.reach import reach_report, replay, simulated_stream
from socialhub.store import open_store


def one_seed(seed: int, days: float, rate: float) -> dict[str, Any]:
    mentions, meta = simulated_stream(days, rate, seed)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'reach.db'}")
        store.migrate()
        try:
            started = time.perf_counter()
            service = replay(store, mentions)
            seconds = time.perf_counter() - started
            report = reach_report(store, meta, days)
            report["outcomes"] = dict(service.outcomes)
        finally:
            store.close()
    return {"seed": seed, "mentions": len(mentions), "replay_seconds": round(seconds, 1),
            **report}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=float, default=3.0)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--seeds", default="42")
    args = ap.parse_args(argv)
    runs = [one_seed(int(s), args.days, args.rate) for s in args.seeds.split(",")]
    goal = all(
        r["max_per_workspace_day"] <= 15 and r["recall"] == 1.0 and (r["precision"] or 0) >= 0.9
        for r in runs
    )
    out = {"days": args.days, "rate": args.rate, "runs": runs, "goal_met": goal}
    sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
