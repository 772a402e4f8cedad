"""Complaints by place and competitor launches on the demo simulator (issue 14, items 8
and 9), per seed: the outage's city alerts (first alert time, surge ratio), the false
city alerts (cities under 2x), whether "complaints everywhere" fired; the launches the
spotter proposed, their delay from the scripted start and the buzz-or-fizzle verdict
measured from the proposed time. Prints one JSON object.

    .venv/bin/python bench/bench_places_launches.py --seeds 42,1,7 --hours 34 --rate 4
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analytics.sim_stream import stream  # noqa: E402
from tests.analytics.test_complaints_by_place import surges  # noqa: E402


def one(seed: int, hours: float, rate: float) -> dict[str, Any]:
    from socialhub.analytics.detectors.complaints import ComplaintDetector
    from socialhub.analytics.launch_spotter import LaunchSpotter
    from socialhub.analytics.launches import evaluate
    from socialhub.analytics.launches_library import (
        DEMO_BRAND,
        DEMO_EPISODES,
        DEMO_QUERIES,
        StreamSource,
        measure,
    )
    from socialhub.analytics.stories.engine import StoryEngine
    from socialhub.records.launches import LaunchRecord
    from socialhub.text import index_tokens

    t0 = time.perf_counter()
    mentions, meta = stream(seed, hours, rate)
    made = time.perf_counter() - t0
    episodes = meta["truth"]["episodes"]
    outage = next(e for e in episodes if e["kind"] == "outage")
    start, end = datetime.fromisoformat(outage["start"]), datetime.fromisoformat(outage["end"])
    ratio = surges(mentions, start, end)
    det = ComplaintDetector(workspaces=meta["workspaces"])
    t1 = time.perf_counter()
    rising = [s for m in mentions for s in det.update(m) if s.trend == "rising"]
    complaints_s = time.perf_counter() - t1
    scripted = {" ".join(index_tokens(c)) for c in outage["cities"]}
    first = {}
    for s in rising:
        first.setdefault(str(s.extra["place"]), s.t)
    cities = {
        c: {"ratio": round(ratio.get(c, 0.0), 1),
            "alert_after_min": round((first[c] - start).total_seconds() / 60, 1)
            if c in first else None}
        for c in sorted(scripted)
    }  # fmt: skip
    false = sorted(c for c in first if c != "*" and ratio.get(c, 0.0) < 2)

    engine = StoryEngine(workspaces=meta["workspaces"], lists=meta["lists"])
    spotter = LaunchSpotter(
        LaunchSpotter.competitor_queries(meta["names"]),
        rival_lists=[n for n, t in meta["lists"].items() if t == "competitor"],
    )
    t2 = time.perf_counter()
    for m in mentions:
        spotter.observe(m, engine.update(m))
    stories_s = time.perf_counter() - t2
    launch = next(e for e in episodes if e["kind"] == "launch")
    proposals = []
    for p in spotter.take():
        rec = LaunchRecord(name="b", query=DEMO_QUERIES.get(p.query_name, p.query_name),
                           launch_at=p.at.replace(second=0, microsecond=0),
                           brand_query=DEMO_QUERIES[DEMO_BRAND])  # fmt: skip
        report = evaluate("b", measure(StreamSource(mentions), rec))
        proposals.append({
            "query": p.query_name,
            "after_min": round((p.at - datetime.fromisoformat(launch["start"])).total_seconds()
                               / 60, 1),
            "verdict": report.verdict, "score": report.score, "sustain": report.sustain,
        })  # fmt: skip
    return {
        "seed": seed,
        "mentions": len(mentions),
        "generate_enrich_s": round(made, 1),
        "outage_cities": cities,
        "false_city_alerts_under_2x": false,
        "national_alert": "*" in first,
        "complaints_detector_mentions_per_s": round(len(mentions) / complaints_s),
        "launch_scripted": {"query": launch["query"], "outcome": DEMO_EPISODES[launch["name"]]},
        "launch_proposals": proposals,
        "stories_and_spotter_mentions_per_s": round(len(mentions) / stories_s),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="42,1,7")
    ap.add_argument("--hours", type=float, default=34.0)
    ap.add_argument("--rate", type=float, default=4.0)
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    out = [one(s, args.hours, args.rate) for s in seeds]
    print(json.dumps({"hours": args.hours, "rate_per_minute": args.rate, "runs": out,
                      "window": str(timedelta(hours=args.hours))}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
