"""Competitor launches proposed from the stream and judged as scripted (issue 14,
item 9): on seeds 42, 1 and 7, the simulator's one scripted launch (Telvia Flex,
written to fizzle) is proposed automatically, once, within a quarter of an hour of its
start, from its story; nothing else in 34 hours is proposed; measured from the proposed
time, the monitor's verdict is the script's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from socialhub.analytics.launch_spotter import LaunchSpotter, launch_words
from socialhub.analytics.launches import evaluate
from socialhub.analytics.launches_library import (
    DEMO_BRAND,
    DEMO_EPISODES,
    DEMO_QUERIES,
    StreamSource,
    measure,
)
from socialhub.analytics.stories.engine import StoryEngine
from socialhub.records.launches import LaunchRecord

from .sim_stream import stream


@pytest.mark.slow
@pytest.mark.parametrize("seed", [42, 1, 7])
def test_the_scripted_launch_is_proposed_and_judged_as_scripted(seed: int) -> None:
    mentions, meta = stream(seed)
    lists = meta["lists"]
    engine = StoryEngine(workspaces=meta["workspaces"], lists=lists)
    spotter = LaunchSpotter(
        LaunchSpotter.competitor_queries(meta["names"]),
        rival_lists=[n for n, t in lists.items() if t == "competitor"],
    )
    for m in mentions:
        spotter.observe(m, engine.update(m))
    proposals = spotter.take()
    launch = next(e for e in meta["truth"]["episodes"] if e["kind"] == "launch")
    start = datetime.fromisoformat(launch["start"])
    assert [p.query_name for p in proposals] == [launch["query"]], proposals
    p = proposals[0]
    assert start <= p.at <= start + timedelta(minutes=15)
    assert set(p.evidence) & set(launch["mention_ids"])  # from the launch's own posts

    record = LaunchRecord(
        name=f"auto-s{seed}",
        query=DEMO_QUERIES[p.query_name],
        launch_at=p.at.replace(second=0, microsecond=0),
        brand_query=DEMO_QUERIES[DEMO_BRAND],
        source="auto",
    )
    report = evaluate(record.name, measure(StreamSource(mentions), record))
    assert report.verdict == DEMO_EPISODES[launch["name"]], report.summary()


def test_launch_vocabulary_and_one_proposal_per_rival_per_day() -> None:
    from socialhub.models import Author, Mention

    assert launch_words("C'est le grand jour : Telvia Flex est disponible")
    assert launch_words("Acme launches its new phone") and not launch_words("Bof, encore")
    t0 = datetime.fromisoformat("2026-03-02T08:00:00+00:00")
    spotter = LaunchSpotter({7: "Concurrent Acme"}, min_posts=4, rival_lists=["Rivaux"])

    def post(i: int, text: str, minutes: float, story: str, lists: list[str]) -> list:
        who = Author("x", f"a{i}", f"a{i}")
        at = t0 + timedelta(minutes=minutes)
        m = Mention("x", f"p{story}{i}", text, at, author=who, query_ids=[7], watchlists=lists)
        return spotter.observe(m, [f"1:{story}"])

    out = post(0, "Acme lance Acme One, disponible dès aujourd'hui", 0, "s", ["Rivaux"])
    for i in range(1, 4):
        out += post(i, "Découvrez Acme One" if i < 3 else "bof", i, "s", [])
    assert [(p.query_id, p.at, p.posts, p.launch_posts) for p in out] == [(7, t0, 4, 3)]
    # the same rival's second story that day: no second proposal
    later = [post(i, "Acme lance encore", 60 + i, "t", ["Rivaux"]) for i in range(5)]
    assert not any(later)
    # a story past its take-off window proposes nothing
    slow = [post(i, "Acme lance X", 200 * i, "u", ["Rivaux"]) for i in range(6)]
    assert not any(slow) and spotter.take() == out
