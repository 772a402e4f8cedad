"""The demo simulator's stream as the live detectors see it: generated for a seed,
enriched by the places stage (cities named in the text, the authors' own places),
routed by examples/telecom.toml's queries and watchlists; with its ground truth.
Cached per (seed, hours, rate): the complaint and launch tests share a run."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from socialhub.models import Mention

ROOT = Path(__file__).resolve().parents[2]
RATE = 4.0  # mentions per minute, the bench's rate
HOURS = 34.0  # past the outage (24.5 h-32 h) and a day after the launch window (2 h-8 h)


@cache
def stream(
    seed: int, hours: float = HOURS, rate: float = RATE
) -> tuple[list[Mention], dict[str, Any]]:
    from socialhub.cli.detect_cmd import Router
    from socialhub.demo import Simulator
    from socialhub.pipeline.base import Context
    from socialhub.pipeline.chain import Pipeline

    routes = Router(ROOT / "examples" / "telecom.toml")
    sim = Simulator(seed=seed, rate_per_minute=rate)
    mentions = list(sim.until(sim.start + timedelta(hours=hours)))
    pipe = Pipeline.from_settings(Context(None, {"sentiment_mode": "fast"}), {"places": 750})
    for i in range(0, len(mentions), 2000):
        pipe.process(mentions[i : i + 2000])
    for m in mentions:
        routes.route(m)
    names = {int(k.split(":")[1]): v for k, v in routes.labels.items() if k.startswith("query:")}
    lists = {wl.name: wl.list_type for wl in routes.watchlists}
    return mentions, {
        "truth": sim.ground_truth(),
        "sim": sim,
        "workspaces": routes.workspaces,
        "names": names,
        "lists": lists,
        "watchlists": routes.watchlists,
    }
