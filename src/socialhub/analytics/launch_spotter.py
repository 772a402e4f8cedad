"""Competitor launches found in the stream: a launch is *proposed* when a competitor's
story takes off with launch vocabulary (issue 14, item 9).

The story engine says which story each post joined
(:meth:`~socialhub.analytics.stories.engine.StoryEngine.update`); the spotter follows
each story for its first ``takeoff`` seconds and proposes a launch when, within them:

* it has at least ``min_posts`` posts (reposts count: taking off is being shared);
* at least ``competitor_share`` of them are routed to one competitor query (a query
  named like "Concurrent …", "Competitor …", or listed in ``competitors``);
* at least ``min_launch_posts`` and ``launch_share`` of its original posts use launch
  vocabulary (« lance », « lancement », « découvrez », « disponible », "launch"…);
* one of those comes from an account on a competitor watchlist (the rival's own
  announcement) or at least ``min_launch_posts`` distinct authors use it.

One proposal per competitor query per ``cooldown`` (a launch day, not one per story).
The proposal carries the launch time (the first launch post), the query and the story;
judging it (buzz or fizzle) is the launch monitor's job once proposed
(:mod:`socialhub.analytics.launches`).
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from socialhub.models import Mention
from socialhub.text import fold

LAUNCH_WORDS = (
    "lance", "lancement", "lancer", "lancons", "lancee", "voici", "decouvrez", "disponible",
    "devoile", "presente", "nouvelle offre", "nouveau forfait", "nouvelle box", "grand jour",
    "sortie", "arrive", "launch", "launches", "launching", "introducing", "unveil",
    "now available",
)  # fmt: skip
COMPETITOR_NAME = re.compile(r"concurren|competitor|rival", re.I)


def launch_words(text: str) -> bool:
    """Whether folded ``text`` has launch vocabulary (whole words or phrases).

    >>> launch_words("Telvia lance « Telvia Flex »"), launch_words("Le lanceur de poids")
    (True, False)
    """
    folded = " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "
    return any(f" {w} " in folded for w in LAUNCH_WORDS)


@dataclass(slots=True)
class Proposal:
    """A launch the spotter proposes: when, which competitor query, from which story."""

    workspace_id: int
    query_id: int
    query_name: str
    at: datetime
    story_key: str
    posts: int
    launch_posts: int
    evidence: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Seen:
    first: float
    posts: int = 0
    originals: int = 0
    launch: int = 0
    launch_at: float | None = None
    rival_said_it: bool = False
    authors: set[str] = field(default_factory=set)
    queries: Counter[int] = field(default_factory=Counter)
    evidence: list[str] = field(default_factory=list)
    done: bool = False


class LaunchSpotter:
    """Follows stories in their first hours and proposes competitor launches."""

    def __init__(
        self,
        competitors: Mapping[int, str] | None = None,
        *,
        min_posts: int = 12,
        competitor_share: float = 0.5,
        min_launch_posts: int = 3,
        launch_share: float = 0.1,
        takeoff: float = 3 * 3600.0,
        cooldown: float = 20 * 3600.0,
        rival_lists: Sequence[str] = (),
        keep: int = 20_000,
    ) -> None:
        self.competitors = dict(competitors or {})  # query id -> name
        self.min_posts = min_posts
        self.competitor_share = competitor_share
        self.min_launch_posts = min_launch_posts
        self.launch_share = launch_share
        self.takeoff = takeoff
        self.cooldown = cooldown
        self.rival_lists = frozenset(rival_lists)
        self.keep = keep
        self.seen: OrderedDict[str, _Seen] = OrderedDict()
        self.last: dict[int, float] = {}  # query id -> last proposal
        self.proposals: list[Proposal] = []  # not yet taken by the caller

    @staticmethod
    def competitor_queries(names: Mapping[int, str]) -> dict[int, str]:
        """Queries named like a competitor's ("Concurrent Telvia", "Competitor X")."""
        return {q: n for q, n in names.items() if COMPETITOR_NAME.search(n)}

    def observe(self, m: Mention, story_keys: Sequence[str]) -> list[Proposal]:
        t = m.created_at.timestamp()
        out = []
        for key in story_keys:
            s = self.seen.get(key)
            if s is None:
                s = self.seen[key] = _Seen(t)
                if len(self.seen) > self.keep:
                    self.seen.popitem(last=False)
            if s.done or t - s.first > self.takeoff:
                continue
            s.posts += 1
            s.queries.update(q for q in m.query_ids if q in self.competitors)
            if m.kind != "repost":
                s.originals += 1
                if launch_words(m.text):
                    s.launch += 1
                    s.launch_at = t if s.launch_at is None else s.launch_at
                    s.authors.add(f"{m.platform}:{m.author_handle}")
                    if len(s.evidence) < 20:
                        s.evidence.append(m.id)
                    if self.rival_lists.intersection(m.watchlists):
                        s.rival_said_it = True
            proposal = self._check(key, s, t)
            if proposal is not None:
                out.append(proposal)
        self.proposals += out
        return out

    def _check(self, key: str, s: _Seen, t: float) -> Proposal | None:
        if s.posts < self.min_posts or s.launch < self.min_launch_posts or not s.queries:
            return None
        if s.launch < self.launch_share * s.originals:
            return None
        query, n = s.queries.most_common(1)[0]
        if n < self.competitor_share * s.posts:
            return None
        if not s.rival_said_it and len(s.authors) < self.min_launch_posts:
            return None
        if t - self.last.get(query, -1e18) < self.cooldown:
            s.done = True
            return None
        s.done = True
        self.last[query] = t
        assert s.launch_at is not None
        ws = int(key.split(":", 1)[0]) if key.split(":", 1)[0].isdigit() else 0
        return Proposal(
            workspace_id=ws,
            query_id=query,
            query_name=self.competitors[query],
            at=datetime.fromtimestamp(s.launch_at, UTC),
            story_key=key,
            posts=s.posts,
            launch_posts=s.launch,
            evidence=list(s.evidence),
        )

    def take(self) -> list[Proposal]:
        """The proposals not yet taken (the service saves them as launches)."""
        out, self.proposals = self.proposals, []
        return out
