"""The example queries, run by the real query engine over the demo stream.

Each episode's ground-truth query must catch it, and the brand query must leave the
obvious plum (the fruit) noise out, while some subtler noise gets through (for the
relevance stage to handle).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from socialhub.config import load_config
from socialhub.demo import Simulator
from socialhub.models import Mention
from socialhub.query import Matcher, Node, lint, norm_list_name, parse
from socialhub.text import fold, norm_handle

TOML = Path(__file__).resolve().parents[2] / "examples" / "telecom.toml"
Stream = tuple[Simulator, list[Mention]]


@pytest.fixture(scope="module")
def engine() -> tuple[Matcher, dict[str, int]]:
    cfg = load_config(TOML)
    assert cfg.warnings == []
    queries: list[tuple[int, int, Node]] = []
    ids: dict[str, int] = {}
    lists: dict[tuple[int, str], set[tuple[str, str]]] = {}
    for wid, ws in enumerate(cfg.workspaces, start=1):
        for q in ws.queries:
            assert lint(q.definition) == [], q.name
            ids[q.name] = len(ids) + 1
            queries.append((ids[q.name], wid, parse(q.definition)))
        for wl in ws.watchlists:
            lists[(wid, norm_list_name(wl.name))] = {
                (m.platform, norm_handle(m.handle)) for m in wl.members
            }
    return Matcher(queries, lists), ids


def test_each_episode_is_caught_by_its_query(
    engine: tuple[Matcher, dict[str, int]], two_days: Stream
) -> None:
    matcher, ids = engine
    sim, ms = two_days
    for ep in sim.episodes:
        qid = ids[ep.query]
        mine = [m for m in ms if sim.labels.get(m.id) == ep.name]
        scripted = {a.split(":", 1)[1] for a in ep.accounts} | {
            a.split(":", 1)[1] for a in ep.coordinated
        }
        # what the scripted accounts publish themselves (their support replies aside)
        key = [
            m
            for m in mine
            if m.author_handle in scripted and m.kind in ("post", "article", "quote")
        ]
        if ep.kind == "article":  # the query watches the journalists, not our own director
            key = [m for m in key if m.author_handle != "cvasseur"]
        caught = [m for m in key if qid in matcher.match(m)]
        assert key and len(caught) >= 0.9 * len(key), (ep.name, len(caught), len(key))
        posts = [m for m in mine if m.kind == "post" and m.author_handle not in scripted]
        if ep.kind != "article":
            hit = sum(qid in matcher.match(m) for m in posts)
            assert hit >= 0.6 * len(posts), (ep.name, hit, len(posts))


def test_outage_query_separates_the_outage_from_the_day_before(
    engine: tuple[Matcher, dict[str, int]], two_days: Stream
) -> None:
    matcher, ids = engine
    sim, ms = two_days
    ep = sim.episode("panne-reseau")
    qid = ids[ep.query]

    def hits(start: datetime, end: datetime) -> int:
        return sum(qid in matcher.match(m) for m in ms if start <= m.created_at < end)

    during = hits(ep.start, ep.end)
    before = hits(ep.start - timedelta(days=1), ep.end - timedelta(days=1))
    assert during > 5 * max(before, 1)


def test_brand_query_and_the_fruit(
    engine: tuple[Matcher, dict[str, int]], day_stream: list[Mention]
) -> None:
    matcher, ids = engine
    brand = ids["Marque Mirabelle"]
    jam = [m for m in day_stream if re.search(r"confiture de mirabelle", fold(m.text))]
    assert jam and not any(brand in matcher.match(m) for m in jam)
    subtle = [
        m
        for m in day_stream
        if re.search(r"(sorbet|liqueur|verre|kilo) (de )?mirabelle\b", fold(m.text))
    ]
    assert subtle and sum(brand in matcher.match(m) for m in subtle) >= 0.5 * len(subtle)
    caught = sum(brand in matcher.match(m) for m in day_stream)
    assert 0.08 * len(day_stream) < caught < 0.4 * len(day_stream)
