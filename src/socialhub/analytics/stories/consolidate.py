"""Consolidation passes of the story engine (every ``consolidate_every`` of stream):
stories that grew apart from one event are merged. Functions over the engine's state
(``self`` is the :class:`~socialhub.analytics.stories.engine.StoryEngine`)."""

from __future__ import annotations

from typing import Any

from socialhub.analytics.stories.story import StoryState

StoryEngine = Any  # the engine imports this module: no import back (tests/test_layers.py)


def centroid_cosine(a: StoryState, b: StoryState) -> float:
    if a.norm <= 0 or b.norm <= 0:
        return 0.0
    small, large = sorted((a.centroid, b.centroid), key=len)
    return sum(w * large.get(term, 0.0) for term, w in small.items()) / (a.norm * b.norm)


def consolidate(self: StoryEngine, t: float) -> int:
    """Merge active stories whose centroids agree (``consolidate_cos``): one event
    told in several ways (the outage's "no network in Lyon" and "Grenoble down, no
    information") grows as several stories until their words meet. Candidates share
    one of their top terms (the inverted index); the larger story survives. Returns
    the number of merges."""
    since, self._last_consolidation = self._last_consolidation, t
    merged = 0
    p = self.params
    for ws, index in list(self.index.items()):
        active = [
            s
            for s in self.stories.values()
            if s.workspace_id == ws and s.size >= p.consolidate_min and self._open_to(s.key, t)
        ]
        active.sort(key=lambda s: (-s.size, s.first_t))
        for story in active:
            if story.key not in self.stories or story.last_t < since:
                continue  # absorbed earlier in this pass, or unchanged since the last
            top = sorted(story.centroid, key=lambda k: -story.centroid[k])[: p.lookup_terms]
            others: set[str] = set()
            for term in top:
                others |= index.get(term, set())
            for key in sorted(others):
                other = self.stories.get(key)
                if (
                    other is None
                    or key == story.key
                    or (other.size, -other.first_t) > (story.size, -story.first_t)
                    or other.size < p.consolidate_min
                    or not self._open_to(key, t)
                    or centroid_cosine(story, other) < p.consolidate_cos
                ):
                    continue
                self._absorb(ws, story, key)
                merged += 1
            self._trim(ws, story)
        merged += _join_by_tags(self, ws, active, t)
    return merged


def _join_by_tags(self: StoryEngine, ws: int, active: list[StoryState], t: float) -> int:
    """A story whose conversation keeps using a hashtag another (larger) story owns
    joins it: the brand's statement on the outage, answered "#MirabelleDown toujours"
    by hundreds, is the outage, though its own words ("désolés pour la gêne") are not
    the complaints'."""
    p, merged = self.params, 0
    for story in sorted(active, key=lambda s: (s.size, -s.first_t)):
        if story.key not in self.stories:
            continue
        for tag, n in story.tags.most_common(3):
            owner = self._live(self.tag_story.get((ws, tag)))
            if (
                n < max(p.tag_join_min, p.tag_join_share * story.size)
                or owner is None
                or owner == story.key
                or self.stories[owner].size <= story.size
                or not self._open_to(owner, t)
            ):
                continue
            self._absorb(ws, self.stories[owner], story.key)
            merged += 1
            break
    return merged
