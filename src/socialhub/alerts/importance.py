"""The importance of an alert (issue 14, item 2): the story score, on the alert's posts.

The same explained components as a story's (:mod:`socialhub.analytics.stories.importance`:
who is talking, reach, velocity against the baseline, negativity, crisis categories,
novelty), computed from the alert's evidence posts and its detector's observed value
against its baseline. Detectors that do not measure a rate (a listed voice posting,
a coordinated network) count their posts against none.

>>> from datetime import UTC, datetime
>>> from socialhub.records.alerts import Alert
>>> t = datetime(2026, 12, 6, tzinfo=UTC)
>>> a = Alert("1|volume|query:1", "volume", "1", "query:1", "Burst", 7, t, t,
...           observed=120.0, baseline=10.0, threshold=40.0, score=5.0)
>>> points, parts = alert_importance(a, [])
>>> [p["component"] for p in parts][:3], points > 10
(['who', 'reach', 'velocity'], True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from socialhub.analytics.stories.importance import CRISIS_CATEGORIES, explain, score
from socialhub.models import Mention
from socialhub.records.alerts import Alert

# detectors whose observed value is not a count to weigh against a baseline
NOT_A_RATE = frozenset({"watchlist", "coordination", "launch"})
VOICE_TYPES = ("journalist", "mp", "influencer", "partner")


def alert_importance(
    alert: Alert, posts: Sequence[Mention], list_types: Mapping[str, str] | None = None
) -> tuple[float, list[dict[str, Any]]]:
    """(score 0–100, components) of ``alert`` given its evidence ``posts``."""
    types = list_types or {}
    authors: dict[str, int] = {}
    voices: dict[str, set[str]] = {}
    negative = rated = crisis = 0
    for m in posts:
        handle = f"{m.platform}:{m.author.handle}" if m.author else m.id
        authors.setdefault(handle, max(0, int(m.author.followers)) if m.author else 0)
        for name in m.watchlists:
            kind = types.get(name, "")
            if kind in VOICE_TYPES:
                voices.setdefault(kind, set()).add(handle)
        if m.sentiment_label:
            rated += 1
            negative += m.sentiment_label == "negative"
        if any(
            isinstance(c, dict)
            and c.get("name") in CRISIS_CATEGORIES
            and float(c.get("score", 0.0)) >= 0.5
            for c in m.categories
        ):
            crisis += 1
    for name in alert.extra.get("lists") or ():  # a watchlist alert names its lists
        kind = types.get(str(name), "")
        if kind in VOICE_TYPES:
            voices.setdefault(kind, set()).add(str(alert.extra.get("author", "")))
    if alert.detector in NOT_A_RATE:
        peak, baseline = float(len(alert.evidence)), 0.0
    else:
        peak, baseline = alert.observed, alert.baseline
    parts = explain(
        voices={k: len(v) for k, v in voices.items()},
        authors=max(len(authors), 1 if alert.evidence else 0),
        reach=sum(authors.values()),
        peak=round(peak),
        baseline=max(0.0, baseline),
        negative=negative,
        rated=rated,
        crisis_share=crisis / len(posts) if posts else 0.0,
        rise_hours=max(0.0, (alert.last_t - alert.first_t).total_seconds() / 3600.0),
    )
    return round(score(parts), 2), parts


__all__ = ["NOT_A_RATE", "alert_importance"]
