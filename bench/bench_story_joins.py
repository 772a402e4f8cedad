"""Stories joined by a hashtag over a long demo run: which joins were wrong (issue 15).

    .venv/bin/python bench/bench_story_joins.py [--hours 44] [--rate 20] [--seed 42] > out.json

The demo simulator's stream is routed with ``examples/telecom.toml`` (the ``Router`` of
``socialhub detect``) and replayed through the story engine as the live service does
(:func:`socialhub.analytics.stories.evaluate.replay`, generic terms from the same file).
Every merge made by the consolidation pass's tag rule (``consolidate._join_by_tags``) is
recorded with the two stories' composition by the simulator's episode labels (a post of
no episode is ``background``). A join is **wrong** when the two stories' majority labels
differ (an episode joined into background chatter, a background story into an episode,
two episodes into one); joins of two background stories cannot be judged by these labels
and are counted apart. Also printed: the store-closure scoop's story (size, headline,
share of the scoop's posts it holds).

``--no-generic`` replays without the workspaces' generic terms (the engine as before
issue 15's fix, for a before/after in the same run).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from socialhub.analytics.stories import consolidate as consolidate_module
from socialhub.analytics.stories.engine import StoryEngine
from socialhub.analytics.stories.evaluate import replay
from socialhub.cli.detect_cmd import Router
from socialhub.demo import Simulator

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "examples" / "telecom.toml"


def majority(labels: Counter[str]) -> str:
    return labels.most_common(1)[0][0] if labels else "background"


def _share(engine: StoryEngine, ws: int, owner: Any, tags: list[str]) -> float | None:
    """The owner's share of the tag's use among the workspace's open stories."""
    if not tags:
        return None
    t = engine.clock
    used = sum(s.tags.get(tags[0], 0) for k, s in engine.stories.items()
               if s.workspace_id == ws and engine._open_to(k, t))  # fmt: skip
    return round(owner.tags.get(tags[0], 0) / used, 3) if used else None


def run(hours: float, rate: float, seed: int, generic: bool) -> dict[str, Any]:
    routes = Router(CONFIG)
    sim = Simulator(seed=seed, rate_per_minute=rate)
    mentions = list(sim.until(sim.start + timedelta(hours=hours)))
    for m in mentions:
        routes.route(m)
    labels = dict(sim.labels)
    # the workspaces' generic words, as the live service reads them from the store
    terms: dict[int, frozenset[str]] = getattr(routes, "generic", {}) if generic else {}
    extra: dict[str, Any] = {"generic": terms} if terms else {}  # main's engine takes none
    engine = StoryEngine(workspaces=routes.workspaces, lists=routes.list_types, **extra)
    # composition of every live story by episode label, followed through merges
    comp: dict[str, Counter[str]] = {}
    joins: list[dict[str, Any]] = []
    phase = {"tag": False}
    absorb = engine._absorb
    join = consolidate_module._join_by_tags

    def absorb_spy(ws: int, big: Any, key: str) -> None:
        small = engine.stories[key]
        if phase["tag"]:
            a, b = comp.get(big.key, Counter()), comp.get(key, Counter())
            owned = [tag for tag, _ in small.tags.most_common(3)
                     if engine._live(engine.tag_story.get((ws, tag))) == big.key]  # fmt: skip
            joins.append({
                "at": (sim.start + timedelta(seconds=engine.clock - sim.start.timestamp()))
                .isoformat(),
                "workspace": ws,
                "tags": owned,
                "into": {"key": big.key, "size": big.size, "headline": big.headline[:80],
                         "label": majority(a), "labels": dict(a)},
                "joined": {"key": key, "size": small.size, "headline": small.headline[:80],
                           "label": majority(b), "labels": dict(b)},
                "centroid_cosine": round(consolidate_module.centroid_cosine(big, small), 3),
                "owner_share": _share(engine, ws, big, owned[:1]),
            })  # fmt: skip
        comp.setdefault(big.key, Counter()).update(comp.pop(key, Counter()))
        absorb(ws, big, key)

    def join_spy(self: Any, *args: Any) -> int:
        phase["tag"] = True
        try:
            return join(self, *args)
        finally:
            phase["tag"] = False

    engine._absorb = absorb_spy  # type: ignore[method-assign]
    consolidate_module._join_by_tags = join_spy  # type: ignore[assignment]
    started = time.process_time()
    try:
        original_update = engine.update

        def update(m: Any, vector: Any = None) -> list[str]:
            keys = original_update(m, vector)
            for key in keys:
                comp.setdefault(engine._live(key) or key, Counter())[
                    labels.get(m.id, "background")
                ] += 1
            return keys

        engine.update = update  # type: ignore[method-assign]
        result = replay(engine, mentions)
    finally:
        consolidate_module._join_by_tags = join
    cpu = time.process_time() - started
    wrong = [j for j in joins if j["into"]["label"] != j["joined"]["label"]]
    both_background = [
        j for j in joins if j["into"]["label"] == j["joined"]["label"] == "background"
    ]
    # the scoop's story (communication workspace)
    scoop_ids = [mid for mid, name in labels.items() if name == "article-journaliste"]
    story_of = result.story_of()
    keys = Counter(story_of[mid].get(1) for mid in scoop_ids if 1 in story_of.get(mid, {}))
    key = keys.most_common(1)[0][0] if keys else None
    members = result.members.get(key, set()) if key else set()
    return {
        "hours": hours,
        "rate": rate,
        "seed": seed,
        "generic_terms": {str(k): sorted(v) for k, v in terms.items()},
        "mentions": len(mentions),
        "engine_cpu_seconds": round(cpu, 1),
        "joined_by_tag": len(joins),
        "wrong_joins": len(wrong),
        "background_into_background": len(both_background),
        "wrong": wrong,
        "joins": joins,
        "joins_by_tag": Counter(t for j in joins for t in j["tags"][:1]).most_common(),
        "scoop": {
            "posts": len(scoop_ids),
            "in_main_story": keys[key] if key else 0,
            "main_story_size": len(members),
            "main_story_background_posts": sum(1 for mid in members if mid not in labels),
            "headline": result.records[key].headline if key in result.records else None,
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--hours", type=float, default=44.0)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-generic", action="store_true", help="the engine without generic terms")
    args = ap.parse_args()
    out = run(args.hours, args.rate, args.seed, not args.no_generic)
    print(
        f"joined by tag {out['joined_by_tag']}, wrong {out['wrong_joins']}, scoop {out['scoop']}",
        file=sys.stderr,
    )
    sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()
