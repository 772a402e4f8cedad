"""One explained importance score (0–100) for a story.

Components (points): who is talking (listed voices ≤ 10, distinct authors ≤ 15), reach
(followers of distinct authors, ≤ 15), velocity (the story's busiest hour of original
posts against its
query's usual hourly volume, ≤ 25), negativity (negative share, ≤ 15), crisis categories
(≤ 10) and novelty (how fast it rose from its first post, ≤ 10). Each comes back with
its value and a sentence, so a list sorted by the score can say why.

>>> parts = explain(voices={"journalist": 2}, authors=40, reach=250_000, peak=60,
...                 baseline=6.0, negative=10, rated=50, crisis_share=0.0, rise_hours=1.0)
>>> round(score(parts)), [p["component"] for p in parts if p["points"] >= 10]
(45, ['who', 'velocity'])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

VOICE_POINTS = {"mp": 6.0, "journalist": 4.0, "influencer": 3.0, "partner": 3.0}
CRISIS_CATEGORIES = frozenset(
    {"network_outage", "data_privacy", "security", "legal", "boycott", "safety"}
)


def _clip(x: float, hi: float) -> float:
    return 0.0 if x < 0 else hi if x > hi else x


def explain(
    *,
    voices: Mapping[str, int],
    authors: int,
    reach: int,
    peak: int,
    baseline: float,
    negative: int,
    rated: int,
    crisis_share: float,
    rise_hours: float,
) -> list[dict[str, Any]]:
    """The components, each ``{"component", "value", "points", "why"}``.

    ``voices``: listed voices by type; ``peak``: original posts (not replies or reposts)
    in the busiest hour;
    ``baseline``: the query's usual posts per hour; ``negative``/``rated``: posts with a
    negative / any sentiment; ``crisis_share``: share of posts in a crisis category;
    ``rise_hours``: from the first post to the busiest hour.
    """
    voice_pts = sum(VOICE_POINTS.get(k, 0.0) * n for k, n in voices.items())
    # listed voices with diminishing returns (the 40 journalists of a newsroom-heavy
    # stream are in many stories), and how many people talk: 20 authors 5, 250 authors 14
    voices_part = 10.0 * (1.0 - math.exp(-voice_pts / 8.0))
    who = voices_part + _clip(8.0 * math.log10(max(authors, 1) / 5.0), 15.0)
    listed = sum(voices.values())
    ratio = (peak + 1.0) / (baseline + 10.0)  # +10: a few posts on a quiet query are no burst
    velocity = _clip(6.0 * math.log2(ratio), 25.0) if ratio > 1 else 0.0
    share = negative / rated if rated else 0.0
    negativity = 15.0 * share * min(1.0, rated / 20.0)
    # the busiest hour is an hour bucket and may start before the first post: not "-0.1 h"
    rise = max(rise_hours, 0.0)
    return [
        _part("who", listed, who, f"{listed} listed voices, {authors} authors"),
        _part(
            "reach",
            reach,
            _clip(3.0 * math.log10(max(reach, 1) / 1000.0), 15.0),
            f"{reach:,} followers reached",
        ),
        _part(
            "velocity",
            round(ratio, 2),
            velocity,
            f"{peak} original posts in its busiest hour vs {baseline:.1f} usual",
        ),
        _part("negativity", round(share, 3), negativity, f"{share:.0%} negative"),
        _part(
            "crisis",
            round(crisis_share, 3),
            10.0 if crisis_share >= 0.2 else 0.0,
            f"{crisis_share:.0%} in a crisis category",
        ),
        _part(
            "novelty",
            round(rise, 2),
            10.0 * math.exp(-rise / 24.0),
            f"peaked {rise:.1f} h after its first post",
        ),
    ]


def _part(name: str, value: float, points: float, why: str) -> dict[str, Any]:
    return {"component": name, "value": value, "points": round(points, 2), "why": why}


def score(parts: list[dict[str, Any]]) -> float:
    return float(sum(p["points"] for p in parts))
