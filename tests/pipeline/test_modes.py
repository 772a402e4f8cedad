"""Pipeline modes: the fast preset, and the fast variant a consumer uses to catch up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from socialhub.bus import RAW, open_bus
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import Pipeline
from socialhub.pipeline.service import PipelineService
from socialhub.serialize import mention_to_json
from socialhub.store import open_store

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ORDER: dict[str, int | None] = {
    "dedup": 100,
    "language": 200,
    "keyphrases": 600,
    "sentiment": 800,
    "categories": 850,
}


def mention(n: int, text: str = "Toujours pas de réseau chez Mirabelle à Lyon") -> Mention:
    return Mention("x", str(n), text, T0, lang="fr")


def test_fast_mode_applies_its_preset_and_explicit_settings_win() -> None:
    fast = Pipeline.from_settings(Context(None, {"mode": "fast"}), ORDER)
    by_name = {s.name: s for s in fast.stages}
    assert type(by_name["keyphrases"].extractor).__name__ == "FastKeyphraseExtractor"  # type: ignore[attr-defined]
    assert type(by_name["categories"].embedder).__name__ == "HashedEmbedder"  # type: ignore[attr-defined]
    explicit = Pipeline.from_settings(
        Context(None, {"mode": "fast", "keyphrases_method": "yake"}), ORDER
    )
    kp = next(s for s in explicit.stages if s.name == "keyphrases")
    assert type(kp.extractor).__name__ == "KeyphraseExtractor"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="unknown pipeline mode"):
        Pipeline.from_settings(Context(None, {"mode": "turbo"}), ORDER)


def test_fast_variant_shares_state_with_the_full_chain() -> None:
    pipeline = Pipeline.from_settings(Context(None, {}), ORDER, with_fast=True)
    assert pipeline.fast_stages is not None
    pairs = dict(zip(pipeline.names, pipeline.fast_stages, strict=True))
    full = dict(zip(pipeline.names, pipeline.stages, strict=True))
    assert pairs["dedup"] is full["dedup"]  # one dedup memory for both variants
    assert pairs["categories"] is not full["categories"]
    first = pipeline.process([mention(1)], fast=True)
    assert first.kept and first.kept[0].keyphrases and first.kept[0].sentiment_label
    pipeline.commit(first)  # stored: the shared duplicate filter learns it
    again = pipeline.process([mention(1)])  # seen by the fast variant: a duplicate
    assert not again.kept and again.dropped
    assert pipeline.stats.counters["batches.fast"] == 1
    pipeline.close()


def test_service_takes_the_fast_variant_only_while_a_backlog_waits(tmp_path: object) -> None:
    store = open_store(f"sqlite:///{tmp_path}/m.db")
    store.migrate()
    pipeline = Pipeline.from_settings(Context(store, {}), ORDER, with_fast=True)

    async def main() -> PipelineService:
        bus = open_bus("memory")
        for i in range(60):
            await bus.publish(RAW, mention_to_json(mention(i, f"message numéro {i} pour Lyon")))
        service = PipelineService(bus, store, pipeline, batch_size=10, catch_up_backlog=20)
        stop = asyncio.Event()
        task = asyncio.create_task(service.run(stop))
        while service.stored < 60:
            await asyncio.sleep(0.05)
        stop.set()
        await task
        return service

    try:
        service = asyncio.run(main())
        assert service.stored == store.mentions.count() == 60
        fast = pipeline.stats.counters["batches.fast"]
        # 60, 50, 40, 30 waiting: fast; 20 and 10 waiting: full
        assert fast == 4, fast
        assert pipeline.stats.stage("sentiment").received == 60
    finally:
        pipeline.close()
        store.close()
