"""Listed voices converging on one conversation: the press picking up a post."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from socialhub.analytics.detectors.burst import thread_of, ts
from socialhub.analytics.params import Parametrised
from socialhub.models import Mention, as_utc
from socialhub.records.signals import Signal
from socialhub.text import norm_handle

DEFAULT_TYPES = ("journalist", "mp", "influencer", "partner")


@dataclass(slots=True)
class Voice:
    handle: str
    list_type: str
    t: float
    mention_id: str
    query_ids: tuple[int, ...]


@dataclass(slots=True)
class Cascade:
    """The listed voices seen in one conversation (thread root) lately."""

    voices: dict[str, Voice] = field(default_factory=dict)
    fired: int = 0  # voices counted at the last signal
    last: float = 0.0


class ConvergenceDetector(Parametrised):
    """Several listed voices (journalists, MPs, influencers, partners) join one
    conversation within a few hours.

    One journalist posting about the brand is a watchlist trigger, and journalists post
    about the brand every day. What a press officer needs to hear about is the moment
    others *relay* one of those posts: the story is being picked up. The detector follows
    information cascades — a root post and every reply, quote and repost that leads back
    to it — and counts their **distinct adopters among listed accounts**. That count is
    the quantity Romero, Meeder & Kleinberg measure in "Differences in the mechanics of
    information diffusion across topics" (WWW 2011): adoption after exposure from several
    distinct sources, which is what turns a post into a story; restricted to the
    "elite" users (media, public figures, organisations) that Wu, Hofman, Mason & Watts
    show carry most of the attention on Twitter ("Who says what to whom on Twitter",
    WWW 2011). A conversation fires when ``min_voices`` distinct listed accounts of the
    types in ``list_types`` have posted in it within ``window`` seconds of each other
    (the root's author included when listed); each further voice sends a
    ``still rising`` update with a higher severity.

    A quote on X starts a new conversation, so the cascade of a mention is found
    through the posts it refers to (root, quoted, reposted, replied-to), looked up in a
    bounded table of recent posts (``max_posts``, oldest forgotten first).

    Parameters
    ----------
    min_voices
        Distinct listed accounts needed to fire.
    window
        Seconds within which those voices must fall.
    list_types
        Watchlist types that count.
    max_posts
        Recent posts remembered to resolve quotes and replies to their cascade.
    lists
        ``{watchlist name: list type}`` (the service fills it from the store). Left
        empty, as in a replay without a configuration, every watchlist counts.
    workspaces, labels
        ``{query_id: workspace_id}`` and ``{key: human name}``, as for the other
        detectors.

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta
    >>> from socialhub.models import Author, Mention
    >>> det = ConvergenceDetector(lists={"Presse": "journalist"})
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> def post(i, handle, minutes, **kw):
    ...     return Mention("x", str(i), "…", t0 + timedelta(minutes=minutes), query_ids=[3],
    ...                    author=Author("x", handle, handle), watchlists=["Presse"], **kw)
    >>> det.update(post(1, "cam", 0)) + det.update(post(2, "ines", 25, kind="quote",
    ...                                                   quote_of="x:1"))
    []
    >>> [s.key for s in det.update(post(3, "alex", 50, kind="quote", quote_of="x:2"))]
    ['thread:x:1']
    """

    name = "convergence"
    version = "1"

    def __init__(
        self,
        *,
        min_voices: int = 3,
        window: float = 6 * 3600.0,
        list_types: Iterable[str] = DEFAULT_TYPES,
        max_posts: int = 200_000,
        lists: Mapping[str, str] | None = None,
        workspaces: Mapping[int, int] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        if int(min_voices) < 2:
            raise ValueError("min_voices must be at least 2 (one voice is a watchlist trigger)")
        self.min_voices = int(min_voices)
        self.window = float(window)
        self.list_types = tuple(str(t) for t in list_types)
        self.max_posts = int(max_posts)
        self.lists = dict(lists or {})
        self.workspaces = {int(k): int(v) for k, v in (workspaces or {}).items()}
        self.labels = dict(labels or {})
        self.posts: dict[str, str] = {}  # mention id -> cascade root, insertion order
        self.cascades: dict[str, Cascade] = {}
        self.clock = 0.0
        self._next_prune = 0.0

    @property
    def params(self) -> dict[str, Any]:
        return {
            "min_voices": self.min_voices,
            "window": self.window,
            "list_types": list(self.list_types),
        }

    def cascade_of(self, mention: Mention) -> str:
        """The root of the cascade ``mention`` belongs to (its own id when it starts one)."""
        for ref in (mention.root_id, mention.quote_of, mention.repost_of, mention.reply_to):
            if ref:
                root = self.posts.get(ref)
                if root is not None:
                    return root
        return thread_of(mention) or mention.id

    def _remember(self, mid: str, root: str) -> None:
        self.posts[mid] = root
        if len(self.posts) > self.max_posts:  # forget the oldest: fixed memory
            del self.posts[next(iter(self.posts))]

    def _listed_type(self, mention: Mention) -> str | None:
        if not self.lists:  # types unknown (a bare replay): every watchlist counts
            return "listed"
        found = {self.lists.get(name) for name in mention.watchlists}
        for t in self.list_types:  # the order of list_types breaks ties
            if t in found:
                return t
        return None

    def update(self, mention: Mention) -> list[Signal]:
        t = max(as_utc(mention.created_at).timestamp(), self.clock)
        self.clock = t
        root = self.cascade_of(mention)
        self._remember(mention.id, root)
        if mention.author is None or not mention.watchlists:
            return []
        list_type = self._listed_type(mention)
        if list_type is None:
            return []
        handle = norm_handle(mention.author.handle) or mention.author.id
        cascade = self.cascades.get(root)
        if cascade is None:
            cascade = self.cascades[root] = Cascade()
        cascade.last = t
        voice = cascade.voices.get(handle)
        if voice is None:
            cascade.voices[handle] = Voice(
                handle, list_type, t, mention.id, tuple(mention.query_ids)
            )
        else:
            voice.t = t  # still in the conversation: the window counts from their last post
        stale = [h for h, v in cascade.voices.items() if v.t < t - self.window]
        for h in stale:
            del cascade.voices[h]
        n = len(cascade.voices)
        if n < self.min_voices or n <= cascade.fired:
            return []
        trend = "rising" if cascade.fired == 0 else "still rising"
        cascade.fired = n
        return [self._signal(root, cascade, t, trend)]

    def advance(self, now: datetime) -> list[Signal]:
        t = max(as_utc(now).timestamp(), self.clock)
        self.clock = t
        # quiet cascades are dropped a few times per window, not on every tick: the
        # scan covers every listed post of the last hours (hundreds)
        if t >= getattr(self, "_next_prune", 0.0):
            self._next_prune = t + self.window / 12
            gone = [root for root, c in self.cascades.items() if c.last < t - self.window]
            for root in gone:
                del self.cascades[root]
        return []

    def _signal(self, root: str, cascade: Cascade, t: float, trend: str) -> Signal:
        voices = sorted(cascade.voices.values(), key=lambda v: v.t)
        queries = Counter(q for v in voices for q in v.query_ids)
        query_id = queries.most_common(1)[0][0] if queries else None
        n = len(voices)
        mp = any(v.list_type == "mp" for v in voices)  # an MP relaying is a step up
        severity = 5 + (n - self.min_voices) + (1 if mp else 0)
        about = self.labels.get(f"query:{query_id}", "") if query_id is not None else ""
        who = ", ".join(f"@{v.handle} ({v.list_type})" for v in voices)
        hours = (voices[-1].t - voices[0].t) / 3600
        return Signal(
            detector=self.name,
            version=self.version,
            key=f"thread:{root}",
            t=ts(t),
            severity=max(1, min(9, severity)),
            observed=float(n),
            baseline=1.0,  # one listed voice in a conversation is the usual case
            threshold=float(self.min_voices),
            score=float(n),
            title=(
                f"{about + ': ' if about else ''}{n} listed voices in one conversation "
                f"within {hours:.1f} h: {who}"
            ),
            workspace_id=self.workspaces.get(query_id) if query_id is not None else None,
            query_id=query_id,
            trend=trend,
            params=self.params,
            evidence=[v.mention_id for v in voices],
            extra={
                "root": root,
                "voices": [
                    {
                        "handle": v.handle,
                        "type": v.list_type,
                        "at": ts(v.t).isoformat(),
                        "mention_id": v.mention_id,
                    }
                    for v in voices
                ],
            },
        )

    def state_size(self) -> dict[str, Any]:
        return {"posts": len(self.posts), "cascades": len(self.cascades)}
