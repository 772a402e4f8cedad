"""Author influence: a 0-100 score from the author's audience and the mention's engagement.

The score answers "how much does this voice carry, here?" for sorting an inbox or a
wall, not for ranking people in general. It is written to ``Mention.entities`` as
``{"kind": "author_influence", "value": score}`` (one such item per mention, replaced
if the stage runs again); the record has no dedicated field and the entity list already
travels to both stores and the API. Watchlist tags come from ``Mention.watchlists``
(set by routing), not from here.

Formula (both parts log-scaled, because audiences and engagement are heavy-tailed and
the difference between 100 and 1,000 followers matters as much as 100k to 1M)::

    reach      = min(1, log10(1 + followers)  / log10(1 + followers_ref))   # ref 10,000,000
    engagement = min(1, log10(1 + weighted)   / log10(1 + engagement_ref))  # ref 100,000
    weighted   = likes + replies + 2 * (reposts + quotes) + views / 100
    score      = 100 * min(1, 0.7 * reach + 0.3 * engagement + 0.05 * verified)

Reposts and quotes count double because they carry the mention to a new audience; a
view is worth a hundredth of an interaction. Examples: 500 followers, no engagement:
27.0; 50,000 followers and 300 likes: 61.9; 10M followers: at least 70.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from socialhub.models import Author, Engagement, Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped

__all__ = ["KIND", "AuthorInfluence", "influence"]

KIND = "author_influence"


def _count(value: Any) -> float:
    """A non-negative finite count from whatever a connector left there."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(number) or number < 0:
        return 0.0
    return number


def influence(
    author: Author,
    engagement: Engagement,
    followers_ref: float = 10_000_000,
    engagement_ref: float = 100_000,
    reach_weight: float = 0.7,
    verified_bonus: float = 0.05,
) -> float:
    """The influence score (0-100, one decimal) of an author for one mention."""
    followers = _count(author.followers)
    weighted = (
        _count(engagement.likes)
        + _count(engagement.replies)
        + 2 * (_count(engagement.reposts) + _count(engagement.quotes))
        + _count(engagement.views) / 100
    )
    reach = min(1.0, math.log10(1 + followers) / math.log10(1 + followers_ref))
    engaged = min(1.0, math.log10(1 + weighted) / math.log10(1 + engagement_ref))
    bonus = verified_bonus if author.verified is True else 0.0
    raw = reach_weight * reach + (1 - reach_weight) * engaged + bonus
    return round(100 * min(1.0, raw), 1)


class AuthorInfluence(BaseEnricher):
    """Stage ``authors``: adds ``{"kind": "author_influence", "value": score}`` to entities.

    Mentions without an author get no item. Settings: ``authors_followers_ref``
    (10,000,000), ``authors_engagement_ref`` (100,000), ``authors_reach_weight`` (0.7),
    ``authors_verified_bonus`` (0.05).
    """

    name: ClassVar[str] = "authors"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        s = ctx.options
        self.followers_ref = s.authors_followers_ref
        self.engagement_ref = s.authors_engagement_ref
        self.reach_weight = s.authors_reach_weight
        self.verified_bonus = s.authors_verified_bonus
        if self.followers_ref <= 0 or self.engagement_ref <= 0:
            raise ValueError("authors_followers_ref and authors_engagement_ref must be > 0")
        if not 0 <= self.reach_weight <= 1:
            raise ValueError("authors_reach_weight must be between 0 and 1")

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        for m in batch:
            if m.author is None:
                continue
            score = influence(
                m.author,
                m.engagement,
                self.followers_ref,
                self.engagement_ref,
                self.reach_weight,
                self.verified_bonus,
            )
            kept = [e for e in m.entities if not (isinstance(e, dict) and e.get("kind") == KIND)]
            kept.append({"kind": KIND, "value": score})
            m.entities = kept
        return list(batch)
