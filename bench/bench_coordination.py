"""The coordination detector on the demo simulator: the rumour's network, its first
poster, and false groups on the background.

    .venv/bin/python bench/bench_coordination.py [--days 3] [--rate 20] [--seeds 42,1,7]

Each seed's stream over ``--days`` simulated days is routed to the examples/telecom.toml
queries (as the hub's routing stage does) and fed to a default ``CoordinationDetector``.
An opening signal is true when it fires from the coordinated episode's start to an hour
after its end; the network named is the union of the accounts of the true signals.
False groups per week = opening signals outside that span, scaled to 7 days.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from socialhub.analytics.detectors.coordination import CoordinationDetector

ROOT = Path(__file__).resolve().parents[1]


def one_seed(seed: int, days: float, rate: float) -> dict[str, Any]:
    from socialhub.cli.detect_cmd import Router
    from socialhub.demo import Simulator

    routes = Router(ROOT / "examples" / "telecom.toml")
    sim = Simulator(seed=seed, rate_per_minute=rate)
    ep = sim.episode("polemique-donnees")
    det = CoordinationDetector(workspaces=routes.workspaces)
    signals = []
    n = 0
    started = time.perf_counter()
    for m in sim.until(sim.start + timedelta(days=days)):
        routes.route(m)
        signals += det.update(m)
        n += 1
    seconds = time.perf_counter() - started
    opening = [s for s in signals if s.trend == "rising"]
    end = ep.end + timedelta(hours=1)
    true = [s for s in signals if ep.start <= s.t <= end]
    false = [s for s in opening if not ep.start <= s.t <= end]
    named: set[str] = set()
    for s in true:
        named |= set(s.extra["accounts"])
    coordinated = set(ep.coordinated)
    return {
        "mentions": n,
        "seconds_with_routing": round(seconds, 1),
        "true_opening_signals": sum(1 for s in true if s.trend == "rising"),
        "network_named": len(named & coordinated),
        "network_size": len(coordinated),
        "named_share": round(len(named & coordinated) / len(coordinated), 4),
        "other_accounts_named": sorted(named - coordinated),
        "first_poster_found": any(s.extra["first_poster"] == ep.origin for s in true),
        "first_poster": ep.origin,
        "false_groups": len(false),
        "false_groups_per_week": round(len(false) * 7 / days, 2),
        "false_titles": [f"{s.t.isoformat()} {s.title}" for s in false[:5]],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--days", type=float, default=3.0)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--seeds", default="42,1,7")
    args = ap.parse_args()
    report: dict[str, Any] = {
        "days": args.days,
        "rate": args.rate,
        "at": datetime.now().isoformat(),
    }
    report["seeds"] = {s: one_seed(int(s), args.days, args.rate) for s in args.seeds.split(",")}
    sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()
