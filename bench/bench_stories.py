"""Stories: episodes → stories (B-cubed), each episode's rank by importance, engine cost.

    .venv/bin/python bench/bench_stories.py [--days 3] [--rate 20] [--seeds 42,1,7]
        [--pipeline-sample 300] > out.json

For each seed, the demo simulator's stream over ``--days`` simulated days is routed to
the examples/telecom.toml queries and enriched as in ``bench_detectors.py`` (fast
sentiment, places, watchlists), plus the ``neardup`` stage of the live pipeline. The
story engine (defaults, with the configuration's generic words as the live service
passes them; ``--compare`` replays the same stream without them too) reads it in stream
order and is drained every 500 mentions as the detector service does after each batch.
Scores (``socialhub.analytics.stories.evaluate``):

- B-cubed precision / recall / F1 over the episodes' posts, each post placed in the
  workspace of its episode's query (a post in no story is a cluster of its own);
  ``bcubed_in_stream`` keeps only the posts that workspace sees (routed to it, or in
  one of its stories through their thread);
  ``bcubed_with_background`` adds every background post of the same stories as an item
  of its own label, so a story that swallowed background posts loses precision there;
- each episode's main story (holding most of its posts) ranked by importance among the
  workspace's stories active on the episode's first day, as last written before the
  day's end (goal: top 5).

Cost: the engine's time per mention over the whole stream against the full pipeline's
(the live ``full`` mode, encoder included) on ``--pipeline-sample`` mentions of the same
stream, in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_detectors import list_types, routed_stream

from socialhub.analytics.stories import StoryEngine
from socialhub.analytics.stories.evaluate import bcubed, replay, score_episodes
from socialhub.models import Mention


def neardup(mentions: list[Mention]) -> None:
    from socialhub.enrichers.neardup import NearDup
    from socialhub.pipeline.base import Context

    stage = NearDup(Context(None, {}))
    for i in range(0, len(mentions), 2000):
        stage.process(mentions[i : i + 2000])


def one_seed(
    seed: int, days: float, rate: float, compare: bool = False
) -> tuple[dict[str, Any], list[Mention]]:
    mentions, meta = routed_stream(days, rate, seed)
    neardup(mentions)
    out = replay_and_score(mentions, meta, generic=True)
    if compare:  # the same stream, the engine without the workspaces' generic words
        out["without_generic_words"] = replay_and_score(mentions, meta, generic=False)
    return out, mentions


def replay_and_score(
    mentions: list[Mention], meta: dict[str, Any], generic: bool
) -> dict[str, Any]:
    words = meta.get("generic", {}) if generic else {}
    engine = StoryEngine(workspaces=meta["workspaces"], lists=list_types(meta), generic=words)
    started = time.perf_counter()
    result = replay(engine, mentions)
    seconds = time.perf_counter() - started
    names = meta["names"]
    query_ws = {name: meta["workspaces"][q] for q, name in names.items()}
    routed = {m.id: {meta["workspaces"][q] for q in m.query_ids} for m in mentions}
    out = score_episodes(result, meta["truth"], query_ws, routed=routed)
    # background posts of the episodes' stories as items of their own label
    story_of = result.story_of()
    labels = {mid: ep["name"] for ep in meta["truth"]["episodes"] for mid in ep["mention_ids"]}
    items: dict[str, str] = {}
    pred: dict[str, str] = {}
    for ep in meta["truth"]["episodes"]:
        key = out["episodes"][ep["name"]]["main_story"]
        ws = query_ws[ep["query"]]
        for mid in ep["mention_ids"]:
            items[f"{ws}|{mid}"] = ep["name"]
            if ws in story_of.get(mid, {}):
                pred[f"{ws}|{mid}"] = story_of[mid][ws]
        for mid in result.members.get(key, ()) if key else ():
            if mid not in labels:
                items[f"{ws}|{mid}"] = f"background:{mid}"
                pred[f"{ws}|{mid}"] = key
    p, r, f1 = bcubed(pred, items)
    out["bcubed_with_background"] = {"precision": round(p, 4), "recall": round(r, 4),
                                     "f1": round(f1, 4)}  # fmt: skip
    out["background_in_episode_stories"] = Counter(
        "background" if v.startswith("background:") else "episode" for v in items.values()
    )["background"]
    out["mentions"] = len(mentions)
    out["stories_written"] = len(result.records)
    out["engine_seconds"] = round(seconds, 2)
    out["engine_us_per_mention"] = round(seconds / len(mentions) * 1e6, 1)
    return out


def pipeline_cost(mentions: list[Mention], n: int) -> dict[str, Any]:
    """The full live pipeline's time per mention on ``n`` mentions (model load excluded)."""
    from socialhub.pipeline.base import Context
    from socialhub.pipeline.chain import Pipeline
    from socialhub.serialize import mention_from_json, mention_to_json

    fresh = [mention_from_json(mention_to_json(m)) for m in mentions[:n]]
    for m in fresh:  # as collected: no enrichment yet
        m.query_ids, m.sentiment_label, m.places, m.cluster_id = [], None, [], None
    pipe = Pipeline.from_settings(Context(None, {}))
    pipe.process([mention_from_json(mention_to_json(m)) for m in mentions[n : n + 20]])  # warm
    started = time.perf_counter()
    for i in range(0, len(fresh), 100):
        pipe.process(fresh[i : i + 100])
    seconds = time.perf_counter() - started
    return {"mentions": n, "seconds": round(seconds, 2), "us_per_mention": round(seconds / n * 1e6)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--days", type=float, default=3.0)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--seeds", default="42,1,7")
    ap.add_argument("--pipeline-sample", type=int, default=300, help="0: skip the full pipeline")
    ap.add_argument(
        "--compare", action="store_true", help="also replay without the generic words (issue 15)"
    )
    args = ap.parse_args()
    report: dict[str, Any] = {"days": args.days, "rate": args.rate, "seeds": {}}
    sample: list[Mention] = []
    for seed in (int(s) for s in args.seeds.split(",")):
        out, mentions = one_seed(seed, args.days, args.rate, args.compare)
        report["seeds"][str(seed)] = out
        ranks = {k: v["rank_by_importance"] for k, v in out["episodes"].items()}
        print(f"seed {seed}: {out['bcubed']} top5={out['all_in_top']} {ranks}", file=sys.stderr)
        if args.compare:
            old = out["without_generic_words"]
            print(f"  without generic words: {old['bcubed']} top5={old['all_in_top']}",
                  file=sys.stderr)  # fmt: skip
        if not sample:
            sample = mentions[: args.pipeline_sample + 20]
    if args.pipeline_sample and sample:
        cost = pipeline_cost(sample, args.pipeline_sample)
        engine_us = report["seeds"][args.seeds.split(",")[0]]["engine_us_per_mention"]
        report["full_pipeline"] = cost
        report["engine_share_of_full_pipeline"] = round(engine_us / cost["us_per_mention"], 4)
    sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()
