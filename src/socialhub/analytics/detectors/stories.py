"""Grouping co-bursting terms into stories, with their first and top posts.

A story is a set of bursting terms that appear in the same recent posts. A newly
bursting term joins the active story whose terms it co-occurs with most (at least
``share`` of the recent posts holding the term also hold one of the story's terms);
otherwise the new terms of one batch are grouped among themselves the same way
(union-find) and each group opens a story keyed by its first term.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(slots=True)
class Recent:
    t: float
    id: str
    engagement: int
    terms: frozenset[int]  # term and pair hashes


@dataclass(slots=True)
class Story:
    key: str
    first_t: float
    terms: dict[int, str] = field(default_factory=dict)  # hash -> term
    scores: dict[int, float] = field(default_factory=dict)  # hash -> best z
    last_burst: float = 0.0
    emitted_terms: int = 0
    last_emit: float = 0.0


def _find(parent: dict[int, int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def cooccurrence(recent: deque[Recent], term: int, others: set[int]) -> float:
    """Share of the recent posts holding ``term`` that also hold one of ``others``."""
    holding = [r for r in recent if term in r.terms]
    if not holding:
        return 0.0
    return sum(1 for r in holding if not others.isdisjoint(r.terms)) / len(holding)


def group(
    recent: deque[Recent],
    stories: list[Story],
    new: dict[int, tuple[str, float]],
    share: float,
) -> tuple[dict[int, list[int]], list[list[int]]]:
    """Assign new bursting terms: ``({story index: [hashes]}, [[hashes of a new story]])``."""
    joined: dict[int, list[int]] = {}
    left: list[int] = []
    for h in new:
        best, best_share = -1, share
        for i, story in enumerate(stories):
            s = cooccurrence(recent, h, set(story.terms))
            if s >= best_share:
                best, best_share = i, s
        if best >= 0:
            joined.setdefault(best, []).append(h)
        else:
            left.append(h)
    parent = {h: h for h in left}
    for i, a in enumerate(left):
        for b in left[i + 1 :]:
            if cooccurrence(recent, a, {b}) >= share or cooccurrence(recent, b, {a}) >= share:
                parent[_find(parent, a)] = _find(parent, b)
    groups: dict[int, list[int]] = {}
    for h in left:
        groups.setdefault(_find(parent, h), []).append(h)
    return joined, list(groups.values())


def posts(recent: deque[Recent], terms: set[int], limit: int) -> tuple[list[str], list[str]]:
    """(first posts, top posts by engagement) among recent posts holding story terms."""
    scored = [(len(terms & r.terms), r) for r in recent if not terms.isdisjoint(r.terms)]
    if not scored:
        return [], []
    firsts = [r.id for _, r in sorted(scored, key=lambda x: x[1].t)[:3]]
    top = sorted(scored, key=lambda x: (x[0] >= 2, x[1].engagement, -x[1].t), reverse=True)
    return firsts, [r.id for _, r in top[:limit]]
