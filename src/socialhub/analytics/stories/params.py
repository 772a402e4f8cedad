"""The story engine's settings (``[stories]`` in the configuration).

Kept apart from :mod:`socialhub.analytics.stories.engine` so the configuration can be read
and documented without the engine; ``engine.StoryParams`` still names it (old
checkpoints pickled it there).
"""

from __future__ import annotations

from dataclasses import dataclass

from socialhub.analytics.stories.story import HOUR

__all__ = ["StoryParams"]


@dataclass(frozen=True, slots=True)
class StoryParams:
    """Settings (``[stories]``); see :mod:`socialhub.analytics.stories.engine`."""

    window: float = 6 * HOUR  # a story takes similar posts while it had one this recently
    threshold: float = 0.25  # cosine of a post with a story's centroid to join it
    min_size: int = 3  # posts before a story is written
    centroid_terms: int = 40
    lookup_terms: int = 6  # the post's highest-IDF terms used to find candidates
    idf_half_life: float = 24 * HOUR
    vector_weight: float = 0.5  # share of the encoder cosine in full mode
    vector_threshold: float = 0.86  # encoder cosine counted as "same story" (e5-small)
    keep: float = 48 * HOUR  # a silent story is forgotten by the engine (not the store)
    max_posts: int = 300_000  # thread and cluster tables
    max_terms: int = 200_000  # document frequencies kept
    official_lists: tuple[str, ...] = ()  # watchlists of the brand's own accounts
    tag_min: int = 3  # posts of a story with a hashtag before the tag leads to it
    tag_share: float = 0.5  # ... and this share of the tag's recent use
    tag_idle: float = HOUR  # a tag leads to its story while the story used it this recently
    tag_cos: float = 0.1  # cosine with the tag's story needed to follow the tag
    merge_guard: int = 10  # stories this large merge only when their words agree:
    merge_cos: float = 0.3  # ... centroid cosine
    consolidate_every: float = 600.0  # seconds of stream between consolidation passes
    consolidate_cos: float = 0.3  # centroid cosine at which two active stories merge
    consolidate_min: int = 5  # posts a story needs to take part
    tag_join_min: float = 5  # a story whose posts (replies too) use a tag another story
    tag_join_share: float = 0.05  # owns this often (and this share of its posts) joins it
    tag_warmup: float = 12 * HOUR  # stream seen before a tag may lead (its usual use known)
    max_age: float = 18 * HOUR  # older stories take only their threads' posts
