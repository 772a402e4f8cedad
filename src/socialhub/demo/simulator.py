"""The deterministic demo stream: background days, cascades and scripted episodes.

>>> from socialhub.demo import Simulator
>>> sim = Simulator(seed=7)
>>> batch = sim.take(50)
>>> batch == Simulator(seed=7).take(50)
True

One heap orders three kinds of events: the next background root post, the next event of
each episode script, and the replies/reposts/quotes that earlier mentions scheduled for
themselves (a heavy-tailed number each, so cascades form around popular posts).
Everything random comes from generators seeded by ``seed``; nothing reads the clock, so
the same seed gives the same stream, byte for byte.
"""

from __future__ import annotations

import asyncio
import heapq
import random
import time
from bisect import bisect_right
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from itertools import islice
from math import exp
from pathlib import Path
from typing import Any

import orjson

from socialhub.demo import background, episodes
from socialhub.demo.compose import Composer, reply_intent
from socialhub.demo.events import Node, Spec
from socialhub.demo.scripting import Episode
from socialhub.models import Mention, as_utc

DEFAULT_START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Monday, 07:00 in Paris
DEFAULT_LANGUAGES: Mapping[str, float] = {
    "fr": 0.75,
    "en": 0.20,
    "es": 0.02,
    "it": 0.015,
    "de": 0.015,
}
ROOT_SHARE = 0.62  # roots are this share of the stream; replies/reposts/quotes the rest


class Simulator:
    """A reproducible social-media firehose about a fictional French telecom operator.

    Parameters
    ----------
    seed
        Same seed, same stream.
    start
        Simulated time of the first mention (UTC; naive is taken as UTC). Episodes sit at
        fixed offsets from it. Defaults to ``DEFAULT_START`` so runs are reproducible.
    rate_per_minute
        Average background volume (the daily cycle moves around it); episodes scale with it.
    languages
        Share of each language among root posts (``fr``, ``en``, ``es``, ``it``, ``de``).
    """

    def __init__(
        self,
        seed: int = 42,
        start: datetime | None = None,
        rate_per_minute: float = 20.0,
        languages: Mapping[str, float] | None = None,
    ) -> None:
        if rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        self.seed = seed
        self.start = as_utc(start) if start is not None else DEFAULT_START
        self.rate_per_minute = float(rate_per_minute)
        langs = dict(languages or DEFAULT_LANGUAGES)
        unknown = set(langs) - {"fr", "en", "es", "it", "de"}
        if unknown:
            raise ValueError(f"unsupported languages: {sorted(unknown)}")
        total = sum(langs.values())
        self.languages = {k: v / total for k, v in langs.items() if v > 0}
        self.episodes: list[Episode] = episodes.build(self.start)
        # mention id -> episode name, for the mentions of the last run (ground truth)
        self.labels: dict[str, str] = {}

    # ---- synchronous API --------------------------------------------------------------
    def mentions(self) -> Iterator[Mention]:
        """The infinite stream, in non-decreasing ``created_at`` order."""
        return _Run(self).run()

    def take(self, n: int) -> list[Mention]:
        return list(islice(self.mentions(), n))

    def until(self, end: datetime) -> Iterator[Mention]:
        """Mentions created before ``end``."""
        limit = as_utc(end)
        for m in self.mentions():
            if m.created_at >= limit:
                return
            yield m

    def episode(self, name: str) -> Episode:
        for ep in self.episodes:
            if ep.name == name:
                return ep
        raise KeyError(name)

    def ground_truth(self) -> dict[str, Any]:
        """The episodes, and the ids of their mentions generated so far."""
        by_episode: dict[str, list[str]] = {}
        for mid, name in self.labels.items():
            by_episode.setdefault(name, []).append(mid)
        return {
            "seed": self.seed,
            "start": self.start.isoformat(),
            "rate_per_minute": self.rate_per_minute,
            "episodes": [
                {**ep.to_dict(), "mention_ids": by_episode.get(ep.name, [])} for ep in self.episodes
            ],
        }

    def write_ground_truth(self, path: str | Path) -> Path:
        """Write :meth:`ground_truth` as JSON; returns the path."""
        out = Path(path)
        out.write_bytes(orjson.dumps(self.ground_truth(), option=orjson.OPT_INDENT_2))
        return out

    # ---- real time ------------------------------------------------------------------
    async def live(
        self,
        speed: float = 60.0,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> AsyncIterator[Mention]:
        """Yield mentions paced in real time, ``speed`` simulated seconds per wall second.

        ``speed=60`` plays one simulated minute per second. Pacing is against the wall
        clock at the first mention, so slow consumers catch up instead of drifting.
        """
        for m, delay in self._paced(speed, clock):
            if delay > 0:
                await sleep(delay)
            yield m

    def replay(
        self,
        speed: float = 60.0,
        *,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> Iterator[Mention]:
        """The blocking twin of :meth:`live`, for scripts and threads."""
        for m, delay in self._paced(speed, clock):
            if delay > 0:
                sleep(delay)
            yield m

    def _paced(self, speed: float, clock: Callable[[], float]) -> Iterator[tuple[Mention, float]]:
        """Each mention with the seconds to wait before it, against the wall clock at
        the first mention (what :meth:`live` and :meth:`replay` sleep)."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        t0_wall: float | None = None
        t0_sim = self.start.timestamp()
        for m in self.mentions():
            if t0_wall is None:
                t0_wall = clock()
            yield m, t0_wall + (m.created_at.timestamp() - t0_sim) / speed - clock()


# The kinds of child each platform allows, with weights.
_CHILD_KINDS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "x": (("reply", "repost", "quote"), (45, 85, 100)),
    "bluesky": (("reply", "repost", "quote"), (50, 88, 100)),
    "mastodon": (("reply", "repost"), (55, 100)),
    "facebook": (("comment", "repost"), (80, 100)),
    "reddit": (("comment",), (1,)),
    "youtube": (("comment",), (1,)),
    "forum": (("reply",), (1,)),
}
_SAV_HOURS = (8, 22)  # Paris local hours when the support account answers


class _Run:
    """One pass over the stream (each call of ``mentions()`` starts a fresh one)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.rng = random.Random(sim.seed)
        self.composer = Composer(sim.seed, self.rng, sim.languages)
        self.heap: list[tuple[float, int, int, Any]] = []
        self.tie = 0
        self.pools: dict[str, list[Node]] = {}
        self.root_rate = sim.rate_per_minute * ROOT_SHARE / 60.0  # per second
        self.lang_names = tuple(sim.languages)
        self.lang_cum = tuple(
            sum(list(sim.languages.values())[: i + 1]) for i in range(len(sim.languages))
        )
        self.labels: dict[str, str] = {}
        sim.labels = self.labels
        self.scripts = episodes.scripts(sim.episodes, sim.seed, sim.rate_per_minute)

    def push(self, t: float, source: int, payload: Any) -> None:
        # source: -1 background root, -2 scheduled child, >=0 episode script index
        self.tie += 1
        heapq.heappush(self.heap, (t, self.tie, source, payload))

    def run(self) -> Iterator[Mention]:
        t = self.sim.start.timestamp()
        self.push(t, -1, None)
        for i, script in enumerate(self.scripts):
            first = next(script, None)
            if first is not None:
                self.push(first[0], i, first[1])
        heappop, rng, seed = heapq.heappop, self.rng, self.sim.seed
        while True:
            t, _, source, payload = heappop(self.heap)
            if source == -1:
                lang = background.pick(rng, (self.lang_names, self.lang_cum))
                spec = background.root(rng, lang)
                rate = self.root_rate * background.activity(seed, t)
                self.push(t + rng.expovariate(rate), -1, None)
            elif source == -2:
                spec = payload
            else:
                spec = payload
                nxt = next(self.scripts[source], None)
                if nxt is not None:
                    self.push(max(nxt[0], t), source, nxt[1])
            mention = self.emit(t, spec)
            if mention is not None:
                yield mention

    def emit(self, t: float, spec: Spec) -> Mention | None:
        parent = spec.parent
        if spec.parent_pool is not None:
            pool = self.pools.get(spec.parent_pool)
            if not pool:
                if spec.kind != "post":
                    return None
            else:
                # whoever joins a thread links to what its first item links to (or to it)
                first = pool[0]
                spec.ctx = dict(spec.ctx, link=first.ctx.get("link") or first.url)
                if spec.kind != "post":
                    parent = first if self.rng.random() < 0.5 else self.rng.choice(pool[-50:])
                    spec.parent = parent
        mention, node = self.composer.compose(t, spec, parent)
        if spec.episode is not None:
            self.labels[mention.id] = spec.episode
        if node is not None:
            if spec.pool is not None:
                self.pools.setdefault(spec.pool, []).append(node)
            self.schedule_children(t, spec, node)
        return mention

    def schedule_children(self, t: float, spec: Spec, node: Node) -> None:
        rng = self.rng
        if spec.share_delay is not None and spec.person is not None:
            share = Spec(
                "journalist_share",
                spec.person.platform,
                spec.person.lang,
                person=spec.person,
                episode=spec.episode,
                children=2.0,
                pool=(spec.pool + "-share") if spec.pool else None,
                ctx=dict(node.ctx, title=node.text.partition("\n")[0], link=node.url),
            )
            self.push(t + spec.share_delay, -2, share)
        kinds = _CHILD_KINDS.get(node.platform)
        if kinds is None:
            return
        intent = node.intent
        complaint = intent in ("brand_complaint", "outage_complaint")
        sav_p = 0.3 if intent == "brand_complaint" else 0.18
        if complaint and node.platform in ("x", "facebook") and rng.random() < sav_p:
            self.push(
                self._support_time(t),
                -2,
                Spec(
                    "sav_reply",
                    node.platform,
                    node.lang,
                    kind="reply",
                    parent=node,
                    person=self.composer.support,
                    episode=node.episode,
                    ctx=node.ctx,
                    children=0.2,
                ),
            )
        intent = reply_intent(intent)
        mean = 0.42 * spec.children * (1.0 + node.followers / 800.0) ** 0.33 * 0.35**node.depth
        k = int(mean * (rng.paretovariate(1.6) - 1.0) + rng.random())
        if k <= 0:
            return
        names, cum = kinds
        scale = 900.0 if node.depth == 0 else 400.0
        child_children = 1.0 if spec.children >= 1 else spec.children
        for _ in range(min(k, 400)):
            kind = names[bisect_right(cum, rng.random() * cum[-1])]
            delay = scale * exp(1.2 * rng.gauss())
            self.push(
                t + 2.0 + delay,
                -2,
                Spec(
                    intent,
                    node.platform,
                    node.lang,
                    kind=kind,
                    parent=node,
                    episode=node.episode,
                    ctx=node.ctx,
                    children=child_children,
                ),
            )

    def _support_time(self, t: float) -> float:
        delay = 300.0 + 1500.0 * exp(0.7 * self.rng.gauss())
        due = t + delay
        local = datetime.fromtimestamp(due, UTC).astimezone(background._PARIS)
        if _SAV_HOURS[0] <= local.hour < _SAV_HOURS[1]:
            return due
        # night: answered the next morning after 08:00
        morning = local.replace(hour=8, minute=0, second=0, microsecond=0)
        if local.hour >= _SAV_HOURS[1]:
            morning += timedelta(days=1)
        return morning.timestamp() + self.rng.uniform(0, 5400)
