"""Pipeline chain: order from settings, switching off, stats, isolation of bad mentions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

import orjson
import pytest

from socialhub.enrichers.dedup import ExactDedup
from socialhub.models import Engagement, Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped
from socialhub.pipeline.chain import Pipeline

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def mention(n: int, text: str = "bonjour", likes: int = 0) -> Mention:
    return Mention("x", str(n), text, T0, engagement=Engagement(likes=likes))


class Upper(BaseEnricher):
    name: ClassVar[str] = "upper"

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        for m in batch:
            if "boom" in m.text:
                raise RuntimeError("cannot handle boom")
            m.keyphrases.append(m.text.upper())
        return list(batch)


class DropShort(BaseEnricher):
    name: ClassVar[str] = "short"

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        return [Dropped(m, "too short") if len(m.text) < 3 else m for m in batch]


def test_a_failing_mention_is_quarantined_and_the_rest_of_the_batch_goes_on() -> None:
    ctx = Context(None, {})
    pipe = Pipeline([Upper(ctx), DropShort(ctx)])
    batch = [
        mention(1, "salut"),
        mention(2, "boom <script>"),
        mention(3, "ok"),
        mention(4, "merci"),
    ]
    res = pipe.process(batch)
    assert [m.native_id for m in res.kept] == ["1", "4"]
    assert [d.mention.native_id for d in res.dropped] == ["3"]
    assert len(res.quarantined) == 1
    q = res.quarantined[0]
    assert q.reason == "RuntimeError: cannot handle boom"
    assert q.location == "x:2"
    assert orjson.loads(q.raw)["text"] == "boom <script>"
    stats = pipe.stats.as_dict()["stages"]
    assert stats["upper"]["received"] == 4 and stats["upper"]["quarantined"] == 1
    assert stats["short"]["dropped"] == {"too short": 1}
    assert stats["short"]["kept"] == 2


def test_dedup_drops_an_unchanged_repeat_but_passes_new_engagement() -> None:
    pipe = Pipeline([ExactDedup(Context(None, {}))])
    first = pipe.process([mention(1), mention(2)])
    pipe.commit(first)
    again = pipe.process([mention(1), mention(2, likes=5)])
    assert len(first.kept) == 2
    assert [m.native_id for m in again.kept] == ["2"]
    assert [d.reason for d in again.dropped] == ["duplicate"]


def test_dedup_learns_a_batch_only_once_it_is_committed() -> None:
    # issue 23: a batch whose store commit failed comes back to the same worker; it
    # must be written again, not dropped as a duplicate of what the store lacks
    pipe = Pipeline([ExactDedup(Context(None, {}))])
    failed = pipe.process([mention(1), mention(2), mention(1)])
    assert [m.native_id for m in failed.kept] == ["1", "2"]  # a repeat inside the batch
    assert [d.reason for d in failed.dropped] == ["duplicate"]
    retry = pipe.process([mention(1), mention(2)])  # redelivered, nothing committed
    assert [m.native_id for m in retry.kept] == ["1", "2"] and retry.dropped == []
    pipe.commit(retry)
    after = pipe.process([mention(1), mention(2)])
    assert after.kept == [] and [d.reason for d in after.dropped] == ["duplicate"] * 2


def test_dedup_memory_is_bounded() -> None:
    stage = ExactDedup(Context(None, {"dedup_window": 10}))
    stage.commit([mention(i) for i in range(100)])
    assert len(stage._seen) == 10
    # the oldest ids were forgotten, so they pass again
    assert not any(isinstance(x, Dropped) for x in stage.process([mention(0)]))


def test_settings_order_and_unknown_stage() -> None:
    pipe = Pipeline.from_settings(Context(None, {}), {"dedup": 100})
    assert pipe.names == ["dedup"]
    assert Pipeline.from_settings(Context(None, {}), {"dedup": None}).names == []
    with pytest.raises(ValueError, match="unknown enricher 'nope'"):
        Pipeline.from_settings(Context(None, {}), {"nope": 1})


def test_a_stage_without_a_store_switches_itself_off() -> None:
    pipe = Pipeline.from_settings(Context(None, {}), {"dedup": 100, "route": 500})
    assert pipe.names == ["dedup"]
    assert pipe.stats.counters["disabled.route"] == 1
