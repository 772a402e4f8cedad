"""Measuring launches (from the store or a stream) and the library they are ranked in.

The **expected volume** without the launch is the query's share of the rest of the
traffic in a reference period, times the rest of the traffic in each bucket of the
window. Multiplying by the traffic of the moment carries the daily cycle (a launch at
9:00 is not compared with 4:00 volumes) without needing weeks of history. The
reference period is the ``lookback`` before the launch; when it holds fewer than
``min_reference`` mentions of the query (a young workspace, a brand-new name), the
same length after the window is added, when it has data ("before+after" in
``Curve.reference``).

The **library** is every measured launch kept in the store (``in_library``). It is
seeded by :func:`seed_demo` with the demo simulator's two launch-like episodes —
Telvia's launch (scripted to fizzle) and our #MaVieEnMirabelle campaign (scripted to
buzz) — measured exactly as a user's launch is, once per simulator seed. That is all
that can be derived honestly here: no public data set of launch curves is at hand, and
crisis timelines are not launches. So the library starts synthetic and tiny, and
percentiles only become meaningful as a team adds its own past launches.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from socialhub.analytics.launches import Curve, LaunchReport, ScoreParams, evaluate
from socialhub.models import Mention, as_utc
from socialhub.query import Matcher, parse
from socialhub.records.launches import LaunchRecord
from socialhub.store.base import LaunchStore, Store

LOOKBACK = timedelta(hours=24)
MIN_REFERENCE = 20
_PAGE = 1000

# The examples/telecom.toml queries the demo episodes are caught by (kept equal to the
# file by a test: the package cannot read examples/ once installed).
DEMO_QUERIES = {
    "Concurrent Telvia": (
        'Telvia OR @TelviaOfficiel OR @TelviaSupport OR #TelviaFlex OR "Sandrine Okafor-Lenoir" '
        "OR @sokafor"
    ),
    "Campagne #MaVieEnMirabelle": (
        "#MaVieEnMirabelle OR ((mirabelle OR @MirabelleTel) NEAR/6 (pub OR publicité OR spot "
        "OR film OR campagne OR ad))"
    ),
    "Marque Mirabelle": (
        '("Mirabelle Télécom" OR "Mirabelle Telecom" OR mirabelle OR #MirabelleDown OR '
        '#MaVieEnMirabelle OR @MirabelleTel OR @MirabelleSAV OR "Mira 5G") NOT (confiture OR '
        'tarte OR prune* OR clafoutis OR compote OR "eau-de-vie" OR mirabellier OR verger OR '
        "recette)"
    ),
}
DEMO_BRAND = "Marque Mirabelle"
# episode name -> the outcome its script was written to have (episodes.py descriptions)
DEMO_EPISODES = {"lancement-telvia": "fizzle", "campagne-mirabelle": "buzz"}


class Source(Protocol):
    """Where mentions come from: the store, or an in-memory stream."""

    def mentions(self, query: str, since: datetime, until: datetime) -> list[Mention]: ...

    def count_all(self, since: datetime, until: datetime) -> int: ...


@dataclass(slots=True)
class StoreSource:
    """Mentions by full-text query (paged), traffic by count, optionally per workspace."""

    store: Store
    workspace_id: int | None = None

    def mentions(self, query: str, since: datetime, until: datetime) -> list[Mention]:
        out: list[Mention] = []
        while True:
            page = self.store.mentions.search(
                query,
                workspace_id=self.workspace_id,
                since=since,
                until=until,
                limit=_PAGE,
                offset=len(out),
            )
            out.extend(page)
            if len(page) < _PAGE:
                return out

    def count_all(self, since: datetime, until: datetime) -> int:
        return self.store.mentions.count(
            None, workspace_id=self.workspace_id, since=since, until=until
        )


@dataclass(slots=True)
class StreamSource:
    """A time-ordered list of mentions, matched with the streaming query matcher."""

    stream: Sequence[Mention]
    _times: list[datetime] = field(default_factory=list)
    _hits: dict[str, tuple[list[datetime], list[Mention]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._times = [m.created_at for m in self.stream]

    def _matching(self, query: str) -> tuple[list[datetime], list[Mention]]:
        if query not in self._hits:
            matcher = Matcher([(1, 0, parse(query))])
            hits = [m for m in self.stream if matcher.match(m)]
            self._hits[query] = ([m.created_at for m in hits], hits)
        return self._hits[query]

    def mentions(self, query: str, since: datetime, until: datetime) -> list[Mention]:
        times, hits = self._matching(query)
        return hits[bisect.bisect_left(times, since) : bisect.bisect_left(times, until)]

    def count_all(self, since: datetime, until: datetime) -> int:
        return bisect.bisect_left(self._times, until) - bisect.bisect_left(self._times, since)


def _buckets(mentions: Iterable[Mention], start: datetime, bucket_s: int, n: int) -> list[int]:
    return [
        i
        for i in (int((m.created_at - start).total_seconds() // bucket_s) for m in mentions)
        if 0 <= i < n
    ]


def measure(
    source: Source,
    launch: LaunchRecord,
    *,
    lookback: timedelta = LOOKBACK,
    min_reference: int = MIN_REFERENCE,
) -> Curve:
    """The launch's curve over its window, with the expected volume and our brand's."""
    start, b = as_utc(launch.launch_at), int(launch.bucket_s)
    n = max(1, -(-int(launch.window_s) // b))
    end = start + timedelta(seconds=n * b)
    mentions, reach, engagement = [0.0] * n, [0.0] * n, [0.0] * n
    inside = source.mentions(launch.query, start, end)
    for m, i in zip(inside, _buckets(inside, start, b, n), strict=True):
        mentions[i] += 1
        reach[i] += m.author.followers if m.author else 0
        engagement[i] += m.engagement.total()

    periods = [("before", start - lookback, start)]
    ref = source.mentions(launch.query, start - lookback, start)
    if len(ref) < min_reference and source.count_all(end, end + lookback) > 0:
        periods.append(("after", end, end + lookback))
        ref = ref + source.mentions(launch.query, end, end + lookback)
    ref_all = sum(source.count_all(a, z) for _, a, z in periods)
    rest = ref_all - len(ref)
    if rest > 0:
        odds = len(ref) / rest
        expected = []
        for i in range(n):
            a = start + timedelta(seconds=i * b)
            traffic = source.count_all(a, a + timedelta(seconds=b)) - mentions[i]
            expected.append(odds * max(0.0, traffic))
    else:  # no other traffic to scale by: a flat rate
        odds = None
        seconds = sum((z - a).total_seconds() for _, a, z in periods)
        expected = [len(ref) * b / seconds] * n
    curve = Curve(
        start=start,
        bucket_s=b,
        mentions=mentions,
        reach=reach,
        engagement=engagement,
        expected=[round(e, 4) for e in expected],
        base_reach=(
            sum(m.author.followers if m.author else 0 for m in ref) / len(ref) if ref else None
        ),
        base_engagement=sum(m.engagement.total() for m in ref) / len(ref) if ref else None,
        reference={
            "periods": [p for p, _, _ in periods],
            "lookback_s": int(lookback.total_seconds()),
            "mentions": len(ref),
            "traffic": rest,
            "odds": None if odds is None else round(odds, 6),
        },
    )
    if launch.brand_query:
        brand = source.mentions(launch.brand_query, start, end)
        curve.brand, curve.brand_engagement = [0.0] * n, [0.0] * n
        for m, i in zip(brand, _buckets(brand, start, b, n), strict=True):
            curve.brand[i] += 1
            curve.brand_engagement[i] += m.engagement.total()
    return curve


def library_scores(records: Iterable[LaunchRecord], exclude: str | None = None) -> list[float]:
    """Scores of the measured library launches, the one being judged left out."""
    return [r.score for r in records if r.in_library and r.score is not None and r.name != exclude]


def report(
    store: Store,
    name: str,
    *,
    params: ScoreParams | None = None,
    save: bool = True,
    lookback: timedelta = LOOKBACK,
) -> tuple[LaunchRecord, LaunchReport]:
    """Measure a stored launch from the store (demo launches: their stored curve), rank it
    in the library, keep the result."""
    launch = store.launches.get_launch(name)
    if launch is None:
        raise KeyError(name)
    if launch.source == "demo" and launch.curve is not None:
        # measured from the simulator's stream, not from this store's mentions
        curve = Curve.from_dict(launch.curve)
    else:
        curve = measure(StoreSource(store, launch.workspace_id), launch, lookback=lookback)
    scores = library_scores(store.launches.list_launches(library_only=True), exclude=name)
    result = evaluate(name, curve, scores, params)
    if save:
        launch.curve, launch.metrics, launch.score = curve.to_dict(), result.summary(), result.score
        launch = store.launches.save_launch(launch)
    return launch, result


def demo_launches(
    seeds: Sequence[int] = (42,),
    *,
    rate_per_minute: float = 4.0,
    hours: float = 24.0,
    window: timedelta = timedelta(hours=6),
    bucket: timedelta = timedelta(minutes=30),
    params: ScoreParams | None = None,
) -> list[tuple[LaunchRecord, LaunchReport]]:
    """The demo's launch-like episodes, measured from the simulator's stream per seed.

    Each is scored against the ones measured before it (so the first has no library).
    """
    from socialhub.demo import Simulator

    out: list[tuple[LaunchRecord, LaunchReport]] = []
    for seed in seeds:
        sim = Simulator(seed=seed, rate_per_minute=rate_per_minute)
        source = StreamSource(list(sim.until(sim.start + timedelta(hours=hours))))
        for episode_name, outcome in DEMO_EPISODES.items():
            ep = sim.episode(episode_name)
            record = LaunchRecord(
                name=f"demo-{episode_name}-s{seed}",
                query=DEMO_QUERIES[ep.query],
                launch_at=ep.start,
                brand_query=DEMO_QUERIES[DEMO_BRAND],
                window_s=int(window.total_seconds()),
                bucket_s=int(bucket.total_seconds()),
                source="demo",
                outcome=outcome,
                notes=(
                    f"Demo simulator, seed {seed}, {rate_per_minute:g} mentions/min: "
                    f"{ep.description}"
                ),
            )
            curve = measure(source, record)
            result = evaluate(record.name, curve, [r.score for _, r in out], params)
            record.curve, record.metrics = curve.to_dict(), result.summary()
            record.score = result.score
            out.append((record, result))
    return out


def seed_demo(
    library: LaunchStore, seeds: Sequence[int] = (42,), *, rate_per_minute: float = 4.0
) -> list[LaunchRecord]:
    """Store the demo launches in the library (idempotent: upserted by name)."""
    launches = demo_launches(seeds, rate_per_minute=rate_per_minute)
    return [library.save_launch(record) for record, _ in launches]
