"""Scoring stories against labelled episodes (the demo simulator's ground truth).

B-cubed precision and recall (Bagga & Baldwin, *Entity-based cross-document
coreferencing using the vector space model*, COLING 1998; Amigó et al., *A comparison of
extrinsic clustering evaluation metrics*, Information Retrieval 12, 2009): for each
labelled item, the share of its predicted cluster that shares its label (precision) and
the share of its label that is in its predicted cluster (recall), averaged over items.
An item in no stored story is a cluster of its own.

>>> bcubed({"a": "s1", "b": "s1", "c": "s2"}, {"a": "e", "b": "e", "c": "e"})
(1.0, 0.5555555555555556, 0.7142857142857143)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialhub.analytics.stories.engine import StoryEngine
from socialhub.models import Mention
from socialhub.records.stories import StoryRecord


def bcubed(pred: Mapping[str, str], truth: Mapping[str, str]) -> tuple[float, float, float]:
    """(precision, recall, F1) over the items of ``truth``; ``pred`` maps an item to its
    cluster (items missing from ``pred`` are singletons)."""
    items = list(truth)
    if not items:
        return 0.0, 0.0, 0.0
    cluster = {i: pred.get(i, f"\x00{i}") for i in items}
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for i in items:
        by_cluster[cluster[i]].append(i)
    label_size = Counter(truth[i] for i in items)
    shared = {c: Counter(truth[i] for i in members) for c, members in by_cluster.items()}
    p = r = 0.0
    for i in items:
        same = shared[cluster[i]][truth[i]]
        p += same / len(by_cluster[cluster[i]])
        r += same / label_size[truth[i]]
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Replay:
    """What a store would hold after the engine ran over a stream."""

    records: dict[str, StoryRecord] = field(default_factory=dict)  # latest per key
    members: dict[str, set[str]] = field(default_factory=dict)
    history: list[tuple[datetime, StoryRecord]] = field(default_factory=list)

    def apply(self, engine: StoryEngine, at: datetime) -> None:
        records, members, merges = engine.drain()
        for rec in records:
            self.records[rec.key] = rec
            self.history.append((at, rec))
        for _, key, mid in members:
            self.members.setdefault(key, set()).add(mid)
        for _, old, new in merges:
            self.members.setdefault(new, set()).update(self.members.pop(old, set()))
            if old in self.records:
                self.records[old].merged_into = new

    def story_of(self) -> dict[str, dict[int, str]]:
        """``{mention id: {workspace: story key}}``."""
        out: dict[str, dict[int, str]] = {}
        for key, mids in self.members.items():
            ws = int(key.split(":", 1)[0])
            for mid in mids:
                out.setdefault(mid, {})[ws] = key
        return out


def replay(engine: StoryEngine, mentions: Iterable[Mention], *, batch: int = 500) -> Replay:
    """Feed a stream, draining every ``batch`` mentions as the live service does."""
    out = Replay()
    last: Mention | None = None
    for n, m in enumerate(mentions, 1):
        engine.update(m)
        last = m
        if n % batch == 0:
            out.apply(engine, m.created_at)
    if last is not None:
        out.apply(engine, last.created_at)
    return out


def score_episodes(
    result: Replay,
    truth: Mapping[str, Any],
    query_workspace: Mapping[str, int],
    *,
    top: int = 5,
    routed: Mapping[str, set[int]] | None = None,
) -> dict[str, Any]:
    """B-cubed over the episodes' posts (each in its query's workspace) and each
    episode's rank among the stories of its start day, by importance at day's end.

    With ``routed`` (``{mention id: workspaces its queries belong to}``), also
    ``bcubed_in_stream``: only the posts the workspace sees (routed to it, or placed in
    one of its stories through their thread); an outage complaint routed to the QoS
    workspace alone is not in the communication workspace's stream at all."""
    start = datetime.fromisoformat(truth["start"])
    story_of = result.story_of()
    labels: dict[str, str] = {}
    pred: dict[str, str] = {}
    episodes: dict[str, Any] = {}
    for ep in truth["episodes"]:
        ws = query_workspace[ep["query"]]
        keys: Counter[str] = Counter()
        for mid in ep["mention_ids"]:
            labels[mid] = ep["name"]
            key = story_of.get(mid, {}).get(ws)
            if key is not None:
                pred[mid] = key
                keys[key] += 1
        main = keys.most_common(1)[0][0] if keys else None
        ep_start = datetime.fromisoformat(ep["start"])
        day = int((ep_start - start) / timedelta(days=1))
        rank = _rank(result, ws, main, start + timedelta(days=day), start + timedelta(days=day + 1))
        episodes[ep["name"]] = {
            "posts": len(ep["mention_ids"]),
            "in_main_story": keys[main] if main else 0,
            "stories": len(keys),
            "main_story": main,
            "headline": result.records[main].headline if main in result.records else None,
            "main_story_size": len(result.members.get(main, ())) if main else 0,
            "day": day,
            "rank_by_importance": rank,
        }
    p, r, f1 = bcubed(pred, labels)
    ranks = [e["rank_by_importance"] for e in episodes.values()]
    extra: dict[str, Any] = {}
    if routed is not None:
        ws_of = {ep["name"]: query_workspace[ep["query"]] for ep in truth["episodes"]}
        seen = {
            mid: name
            for mid, name in labels.items()
            if mid in pred or ws_of[name] in routed.get(mid, set())
        }
        sp, sr, sf = bcubed(pred, seen)
        extra["bcubed_in_stream"] = {
            "precision": round(sp, 4),
            "recall": round(sr, 4),
            "f1": round(sf, 4),
            "posts": len(seen),
            "of": len(labels),
        }
    return {
        **extra,
        "bcubed": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)},
        "episodes": episodes,
        "all_in_top": all(x is not None and x <= top for x in ranks),
    }


def _rank(
    result: Replay, ws: int, key: str | None, day_start: datetime, day_end: datetime
) -> int | None:
    """1-based rank of ``key`` among the workspace's stories active that day, by their
    importance as last written before the day's end."""
    if key is None:
        return None
    latest: dict[str, StoryRecord] = {}
    for at, rec in result.history:
        if at < day_end and rec.workspace_id == ws:
            latest[rec.key] = rec
    day = [
        r
        for r in latest.values()
        if r.last_seen >= day_start and r.first_seen < day_end
        and result.records[r.key].merged_into is None
    ]  # fmt: skip
    day.sort(key=lambda r: -r.importance)
    for i, rec in enumerate(day, 1):
        if rec.key == key:
            return i
    return None
