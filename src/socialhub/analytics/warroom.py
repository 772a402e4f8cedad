"""The crisis war-room: one picture of a set of stories and alerts over a time window.

:func:`build` takes the mentions already read (the stories' members and the alerts'
evidence, inside the window), the alerts and the stories, and returns plain data the
page draws: the volume and sentiment timeline with its events, patient zero, the
cascade (who reposted, quoted or replied to whom), the coordinated-account network,
the amplifiers ranked, the places, the top posts and the brand's responses. It reads
nothing itself, so a story's war-room today and an incident's tomorrow are the same
function over different sets.

Texts a person reads are not made here (the page translates its labels); the events
carry a ``kind`` and the facts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from socialhub.models import Mention
from socialhub.records.alerts import Alert
from socialhub.records.stories import StoryRecord
from socialhub.text import links_of

BUCKETS = (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 86400)  # seconds
MAX_BUCKETS = 96
MAX_CASCADE = 300  # edges drawn
MAX_NETWORK = 200  # accounts drawn
COORDINATION_SECONDS = 120.0  # same link or near-duplicate within this: acting together
COORDINATION_MIN = 3  # accounts


@dataclass(frozen=True, slots=True)
class Window:
    since: datetime
    until: datetime

    @classmethod
    def around(
        cls, stories: Sequence[StoryRecord], alerts: Sequence[Alert], now: datetime
    ) -> Window:
        """From the first story post or alert signal to the last (or now), an hour either side."""
        starts = [s.first_seen for s in stories] + [a.first_t for a in alerts]
        ends = [s.last_seen for s in stories] + [a.last_t for a in alerts]
        if not starts:
            return cls(now - timedelta(hours=24), now)
        return cls(min(starts) - timedelta(hours=1), min(now, max(ends) + timedelta(hours=1)))


def bucket_for(span_s: float) -> int:
    """The smallest bucket that draws the span in at most :data:`MAX_BUCKETS` points."""
    return next((b for b in BUCKETS if span_s / b <= MAX_BUCKETS), BUCKETS[-1])


def _handle(m: Mention) -> str:
    return f"{m.platform}:{m.author_handle}" if m.author_handle else m.platform


def _followers(m: Mention) -> int:
    return int(m.author.followers) if m.author else 0


def _parent(m: Mention) -> tuple[str, str] | None:
    for kind, ref in (("repost", m.repost_of), ("quote", m.quote_of), ("reply", m.reply_to)):
        if ref:
            return kind, ref if ":" in ref else f"{m.platform}:{ref}"
    return None


def _post(m: Mention) -> dict[str, Any]:
    e = m.engagement
    return {
        "id": m.id,
        "author": m.author_handle,
        "platform": m.platform,
        "kind": m.kind,
        "text": m.text[:500],
        "url": m.url,
        "at": m.created_at.isoformat(),
        "followers": _followers(m),
        "engagement": e.likes + e.reposts + e.replies + e.quotes,
        "sentiment": m.sentiment_label,
    }


def timeline(mentions: Sequence[Mention], window: Window) -> dict[str, Any]:
    """Posts per bucket with their sentiment (positive/negative/neutral/unrated)."""
    span = max(60.0, (window.until - window.since).total_seconds())
    size = bucket_for(span)
    start = int(window.since.timestamp()) // size * size
    n = int((window.until.timestamp() - start) // size) + 1
    rows: dict[str, list[int]] = {
        k: [0] * n for k in ("total", "positive", "negative", "neutral", "none")
    }
    for m in mentions:
        i = int((m.created_at.timestamp() - start) // size)
        if 0 <= i < n:
            rows["total"][i] += 1
            label = m.sentiment_label if m.sentiment_label in rows else "none"
            rows[str(label)][i] += 1
    return {
        "bucket_s": size,
        "t": [datetime.fromtimestamp(start + i * size, window.since.tzinfo).isoformat()
              for i in range(n)],
        **rows,
    }  # fmt: skip


def cascade(mentions: Sequence[Mention]) -> dict[str, Any]:
    """Reposts, quotes and replies as edges between accounts (who amplified whom)."""
    by_id = {m.id: m for m in mentions}
    edges: Counter[tuple[str, str, str]] = Counter()
    children: Counter[str] = Counter()
    for m in mentions:
        parent = _parent(m)
        if parent is None:
            continue
        kind, ref = parent
        children[ref] += 1
        src = by_id.get(ref)
        target = _handle(src) if src is not None else ref
        edges[(_handle(m), target, kind)] += 1
    top = edges.most_common(MAX_CASCADE)
    return {
        "edges": [{"source": s, "target": t, "kind": k, "count": c} for (s, t, k), c in top],
        "counts": dict(Counter(k for (_s, _t, k) in edges.elements())),
        "children": children,
    }


def _groups(mentions: Sequence[Mention]) -> Iterable[list[Mention]]:
    """Posts of one link or one near-duplicate cluster, in time order."""
    keyed: defaultdict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.kind == "repost":
            continue
        for link in links_of(m.text)[:2]:
            keyed["l:" + link].append(m)
        if m.cluster_id:
            keyed["c:" + m.cluster_id].append(m)
    for posts in keyed.values():
        yield sorted(posts, key=lambda p: p.created_at)


def network(mentions: Sequence[Mention], alerts: Sequence[Alert]) -> dict[str, Any]:
    """Accounts posting the same link or near-identical text within
    :data:`COORDINATION_SECONDS` of each other, joined to the one before them; plus the
    coordination alerts' networks (their accounts and first poster)."""
    nodes: dict[str, dict[str, Any]] = {}
    links: Counter[tuple[str, str]] = Counter()
    first: tuple[datetime, str] | None = None
    for posts in _groups(mentions):
        burst: list[Mention] = []
        for m in posts:
            if burst and (m.created_at - burst[-1].created_at).total_seconds() > (
                COORDINATION_SECONDS
            ):
                burst = []
            burst.append(m)
            authors = {_handle(p) for p in burst}
            if len(authors) < COORDINATION_MIN:
                continue
            for p in burst:
                h = _handle(p)
                node = nodes.setdefault(h, {"id": h, "followers": _followers(p), "posts": 0})
                node["posts"] += 1 if p is m or node["posts"] == 0 else 0
            a, b = _handle(burst[-2]), _handle(m)
            if a != b:
                links[(min(a, b), max(a, b))] += 1
            if first is None or burst[0].created_at < first[0]:
                first = (burst[0].created_at, _handle(burst[0]))
    first_poster = first[1] if first else None
    for alert in alerts:
        if alert.detector != "coordination":
            continue
        accounts = [str(a) for a in alert.extra.get("accounts", [])]
        head = str(alert.extra.get("first_poster") or (accounts[0] if accounts else ""))
        for acc in accounts:
            nodes.setdefault(acc, {"id": acc, "followers": 0, "posts": 1})
            if head and acc != head:
                links[(min(acc, head), max(acc, head))] += 1
        if head:
            nodes.setdefault(head, {"id": head, "followers": 0, "posts": 1})
            first_poster = first_poster or head
    kept = sorted(nodes.values(), key=lambda n: (-n["posts"], n["id"]))[:MAX_NETWORK]
    ids = {n["id"] for n in kept}
    for n in kept:
        n["first"] = n["id"] == first_poster
    return {
        "nodes": kept,
        "links": [
            {"source": a, "target": b, "count": c}
            for (a, b), c in links.items()
            if a in ids and b in ids
        ],
        "first_poster": first_poster,
    }


def amplifiers(
    mentions: Sequence[Mention], children: Counter[str], limit: int = 15
) -> list[dict[str, Any]]:
    """Accounts ranked by what they carried: log10 of their followers (reach) plus the
    reposts, quotes and replies their posts drew, plus their own posts."""
    by: dict[str, dict[str, Any]] = {}
    for m in mentions:
        h = _handle(m)
        row = by.setdefault(h, {"account": h, "followers": 0, "posts": 0, "drew": 0})
        row["followers"] = max(row["followers"], _followers(m))
        row["posts"] += 1
        row["drew"] += children.get(m.id, 0)
    for row in by.values():
        row["score"] = round(math.log10(row["followers"] + 1) + row["drew"] + row["posts"], 2)
    return sorted(by.values(), key=lambda r: (-r["score"], r["account"]))[:limit]


def places(mentions: Sequence[Mention], limit: int = 60) -> list[dict[str, Any]]:
    """Places named in the posts (not the authors' profiles): name, region, country,
    coordinates and how many posts name them."""
    counts: Counter[str] = Counter()
    meta: dict[str, dict[str, Any]] = {}
    for m in mentions:
        for p in m.places[:3]:
            if not isinstance(p, dict) or not p.get("name") or p.get("source") == "author":
                continue
            name = str(p["name"])
            counts[name] += 1
            meta.setdefault(
                name,
                {
                    "name": name,
                    "kind": p.get("kind", "city"),
                    "region": p.get("admin1", ""),
                    "country": p.get("country", ""),
                    "lat": p.get("lat"),
                    "lon": p.get("lon"),
                },
            )
    return [{**meta[n], "count": c} for n, c in counts.most_common(limit)]


def events(
    mentions: Sequence[Mention], stories: Sequence[StoryRecord], alerts: Sequence[Alert]
) -> list[dict[str, Any]]:
    """What happened, in time order: each story's first post and peak, each alert's
    opening (and resolution), each answer from an official account."""
    out: list[dict[str, Any]] = []
    for s in stories:
        out.append({"kind": "story_start", "at": s.first_seen, "ref": s.id, "who": s.first_author})
        out.append({"kind": "peak", "at": s.peak_at, "ref": s.id, "count": s.peak_count})
        for r in s.responses.get("posts", [])[:10]:
            at = datetime.fromisoformat(str(r["at"]))
            out.append({"kind": "response", "at": at, "ref": r.get("mention_id"),
                        "who": r.get("account")})  # fmt: skip
    for a in alerts:
        out.append({"kind": "alert", "at": a.first_t, "ref": a.id, "title": a.title,
                    "severity": a.peak_severity or a.severity})  # fmt: skip
        if a.state == "resolved" and a.resolved_at is not None:
            out.append({"kind": "alert_resolved", "at": a.resolved_at, "ref": a.id})
    out.sort(key=lambda e: e["at"])
    for e in out:
        e["at"] = e["at"].isoformat()
    return out


def build(
    mentions: Sequence[Mention],
    stories: Sequence[StoryRecord],
    alerts: Sequence[Alert],
    window: Window,
    *,
    official: Iterable[str] = (),
    top: int = 10,
) -> dict[str, Any]:
    """The war-room's data over ``window`` (mentions outside it are left out)."""
    seen: set[str] = set()
    inside = []
    for m in sorted(mentions, key=lambda m: m.created_at):
        if window.since <= m.created_at < window.until and m.id not in seen:
            seen.add(m.id)
            inside.append(m)
    casc = cascade(inside)
    children: Counter[str] = casc.pop("children")
    ours = {o.lower() for o in official}
    for s in stories:
        ours.update(str(a).lower() for a in s.responses.get("accounts", []))
    responses = [_post(m) for m in inside if m.author_handle.lower() in ours]
    zero = inside[0] if inside else None

    def weight(m: Mention) -> float:
        e = m.engagement
        return children.get(m.id, 0) * 3 + e.likes + 2 * (e.reposts + e.quotes) + e.replies

    ranked = sorted((m for m in inside if m.kind != "repost"), key=lambda m: -weight(m))
    return {
        "window": {"since": window.since.isoformat(), "until": window.until.isoformat()},
        "size": len(inside),
        "authors": len({_handle(m) for m in inside}),
        "sentiment": dict(Counter(m.sentiment_label or "none" for m in inside)),
        "stories": [
            {"id": s.id, "headline": s.headline, "size": s.size, "importance": s.importance}
            for s in stories
        ],
        "alerts": [
            {
                "id": a.id,
                "title": a.title,
                "severity": a.peak_severity or a.severity,
                "state": a.state,
                "detector": a.detector,
            }
            for a in alerts
        ],
        "timeline": timeline(inside, window),
        "events": events(inside, stories, alerts),
        "patient_zero": _post(zero) if zero else None,
        "cascade": casc,
        "network": network(inside, alerts),
        "amplifiers": amplifiers(inside, children),
        "places": places(inside),
        "top_posts": [_post(m) for m in ranked[:top]],
        "responses": responses[:top],
        "answered": bool(responses),
    }
