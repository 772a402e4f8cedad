"""Provenance of a burst: who started it, who carried it, and who may be coordinated.

Works on the mentions behind an alert (fetched from the store by the alert's evidence
ids, or by a query and a time window) and answers the crisis cell's questions:

* **patient zero**: the first posts of the story (reposts excluded: a repost is never
  the origin), earliest first;
* **amplifiers**: authors ranked by reach (followers), then by the reposts their posts
  got in the burst;
* **repost share**: reposts vs original posts (posts, replies, quotes, articles...);
* **near-duplicate clusters**: ``Mention.cluster_id``, largest first;
* **coordination hints**: distinct accounts that posted the same normalised text or the
  same link within ``window`` of each other. Native reposts are left out (sharing a
  post is what reposts are for); copy-pasted text and links are not. A hint is
  evidence for an analyst, never a verdict.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from socialhub.models import Mention

__all__ = ["Amplifier", "Coordination", "PostRef", "Provenance", "provenance"]

MIN_COPY_TOKENS = 4  # shorter texts ("merci !", "+1") repeat by chance
PREVIEW_CHARS = 280


@dataclass(slots=True)
class PostRef:
    id: str
    created_at: str  # ISO 8601 UTC
    author: str  # handle ("" when unknown)
    followers: int
    kind: str
    url: str
    text: str  # truncated to PREVIEW_CHARS; hostile: escape wherever it is rendered


@dataclass(slots=True)
class Amplifier:
    author: str
    author_id: str
    followers: int
    posts: int  # in the burst
    reposts_received: int  # reposts of their posts in the burst (engagement counts)
    first_post: str  # mention id


@dataclass(slots=True)
class Cluster:
    cluster_id: str
    size: int  # the cluster's size as last seen (Mention.cluster_size)
    in_burst: int
    first_post: str


@dataclass(slots=True)
class Coordination:
    kind: str  # "text" or "link"
    value: str  # the link, or the text's first words
    accounts: list[str]
    mention_ids: list[str]
    span_seconds: float  # first to last post of the group


@dataclass(slots=True)
class Provenance:
    total: int
    originals: int
    reposts: int
    repost_share: float
    first_posts: list[PostRef] = field(default_factory=list)
    amplifiers: list[Amplifier] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    coordination: list[Coordination] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        return cls(
            total=int(data.get("total", 0)),
            originals=int(data.get("originals", 0)),
            reposts=int(data.get("reposts", 0)),
            repost_share=float(data.get("repost_share", 0.0)),
            first_posts=[PostRef(**p) for p in data.get("first_posts", [])],
            amplifiers=[Amplifier(**a) for a in data.get("amplifiers", [])],
            clusters=[Cluster(**c) for c in data.get("clusters", [])],
            coordination=[Coordination(**c) for c in data.get("coordination", [])],
            params=dict(data.get("params", {})),
        )


def _ref(m: Mention) -> PostRef:
    text = m.text if len(m.text) <= PREVIEW_CHARS else m.text[: PREVIEW_CHARS - 1] + "…"
    return PostRef(
        m.id,
        m.created_at.isoformat(),
        m.author_handle,
        m.author.followers if m.author else 0,
        m.kind,
        m.url,
        text,
    )


def provenance(
    mentions: Sequence[Mention],
    *,
    first_n: int = 5,
    top_n: int = 5,
    window: timedelta = timedelta(seconds=60),
    min_accounts: int = 3,
) -> Provenance:
    """Summarise where a burst comes from; see the module docstring.

    Parameters
    ----------
    mentions
        The burst's mentions, in any order (duplicates by id are ignored).
    first_n, top_n
        How many first posts and amplifiers to keep.
    window
        Coordination: the most time between the first and last post of a group.
    min_accounts
        Coordination: how many distinct accounts make a group.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from socialhub.models import Author
    >>> t = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    >>> ms = [Mention("x", str(i), "Panne géante chez Fictel ce matin !", t + timedelta(seconds=i),
    ...       author=Author("x", f"u{i}", f"user{i}", followers=10 * i)) for i in range(3)]
    >>> p = provenance(ms)
    >>> p.first_posts[0].id, p.amplifiers[0].author, p.coordination[0].accounts
    ('x:0', 'user2', ['user0', 'user1', 'user2'])
    """
    unique = list({m.id: m for m in mentions}.values())
    unique.sort(key=lambda m: (m.created_at, m.id))
    reposts = [m for m in unique if m.kind == "repost" or m.repost_of]
    originals = [m for m in unique if not (m.kind == "repost" or m.repost_of)]
    total = len(unique)
    return Provenance(
        total=total,
        originals=len(originals),
        reposts=len(reposts),
        repost_share=round(len(reposts) / total, 4) if total else 0.0,
        first_posts=[_ref(m) for m in originals[:first_n]],
        amplifiers=_amplifiers(unique, top_n),
        clusters=_clusters(unique, top_n),
        coordination=_coordination(originals, window, min_accounts),
        params={
            "first_n": first_n,
            "top_n": top_n,
            "window_seconds": window.total_seconds(),
            "min_accounts": min_accounts,
        },
    )


def _amplifiers(mentions: list[Mention], top_n: int) -> list[Amplifier]:
    by_author: dict[str, Amplifier] = {}
    for m in mentions:
        if m.author is None:
            continue
        amp = by_author.get(m.author.id)
        if amp is None:
            amp = by_author[m.author.id] = Amplifier(
                m.author.handle, m.author.id, m.author.followers, 0, 0, m.id
            )
        amp.posts += 1
        amp.followers = max(amp.followers, m.author.followers)
        amp.reposts_received += m.engagement.reposts + m.engagement.quotes
    ranked = sorted(
        by_author.values(), key=lambda a: (-a.followers, -a.reposts_received, a.author_id)
    )
    return ranked[:top_n]


def _clusters(mentions: list[Mention], top_n: int) -> list[Cluster]:
    found: dict[str, Cluster] = {}
    for m in mentions:
        if not m.cluster_id:
            continue
        cluster = found.get(m.cluster_id)
        if cluster is None:
            cluster = found[m.cluster_id] = Cluster(m.cluster_id, 0, 0, m.id)
        cluster.in_burst += 1
        cluster.size = max(cluster.size, m.cluster_size)
    multi = [c for c in found.values() if max(c.in_burst, c.size) > 1]
    return sorted(multi, key=lambda c: (-c.in_burst, -c.size, c.cluster_id))[:top_n]


def _coordination(
    originals: list[Mention], window: timedelta, min_accounts: int
) -> list[Coordination]:
    # here, not at the top: neardup loads numpy, and the alerts CLI must start fast
    from socialhub.enrichers.neardup import links_of, normalise_text

    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in originals:
        if m.author is None:
            continue
        tokens = normalise_text(m.text)
        if len(tokens) >= MIN_COPY_TOKENS:
            digest = hashlib.sha1(" ".join(tokens).encode()).hexdigest()
            groups[("text", digest)].append(m)
        for link in links_of(m.text):
            groups[("link", link)].append(m)
    hints: list[Coordination] = []
    for (kind, value), posts in groups.items():
        best = _densest(posts, window)
        accounts = sorted({m.author_handle or (m.author_id or "") for m in best})
        if len(accounts) < min_accounts:
            continue
        shown = value if kind == "link" else " ".join(normalise_text(best[0].text)[:12])
        span = (best[-1].created_at - best[0].created_at).total_seconds()
        hints.append(Coordination(kind, shown, accounts, [m.id for m in best], span))
    hints.sort(key=lambda h: (-len(h.accounts), h.span_seconds, h.kind, h.value))
    return hints


def _densest(posts: list[Mention], window: timedelta) -> list[Mention]:
    """The time-sorted run of posts within ``window`` holding the most distinct authors."""
    best: list[Mention] = []
    best_n = 0
    start = 0
    for end in range(len(posts)):
        while posts[end].created_at - posts[start].created_at > window:
            start += 1
        run = posts[start : end + 1]
        n = len({m.author_id for m in run})
        if n > best_n:
            best, best_n = run, n
    return best
