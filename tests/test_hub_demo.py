"""The embedded hub end to end: demo simulator -> bus -> pipeline -> store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialhub.config import apply_config, load_config
from socialhub.connectors.demo import DemoSource
from socialhub.hub import Hub
from socialhub.pipeline.chain import DEFAULT_ENRICHERS
from socialhub.settings import Settings

pytestmark = pytest.mark.slow  # end to end: the whole hub

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_demo_stream_is_routed_and_stored_exactly_once(tmp_path: Path) -> None:
    # refresh the router on every batch: the config is applied after the hub is built
    # This test is about routing and exactly-once storage: the encoder-bound stages are
    # covered in tests/enrichers, so the chain runs in its fast mode here.
    settings = Settings(
        db=f"sqlite:///{tmp_path / 'hub.db'}",
        pipeline={"route_refresh_seconds": 0, "sentiment_mode": "fast"},
        enrichers={**DEFAULT_ENRICHERS, "categories": None},
    )
    source = DemoSource(seed=3, start=START, backfill_hours=48, speed=0, limit=3000)
    hub = Hub.build(settings, sources=[source], web=False)
    apply_config(load_config(ROOT / "examples" / "telecom.toml"), hub.store)
    seen: list[str] = []
    hub.on_stored = lambda batch: seen.extend(m.id for m in batch)
    try:
        asyncio.run(hub.run(asyncio.Event(), until_sources_done=True))
        store = hub.store
        assert source.emitted == 3000
        assert store.mentions.count() == len(set(seen)) == 3000 - hub.dropped()
        workspaces = store.workspaces.list_workspaces()
        assert len(workspaces) >= 2
        per_ws = {ws.slug: store.mentions.count(workspace_id=ws.id) for ws in workspaces}
        assert all(n > 0 for n in per_ws.values()), per_ws
        # routing agrees with searching the same query afterwards
        brand = next(
            q for q in store.workspaces.list_queries(workspaces[0].id) if "irabelle" in q.definition
        )
        routed = store.mentions.search(None, workspace_id=workspaces[0].id, limit=5000)
        routed_brand = {m.id for m in routed if brand.id in m.query_ids}
        searched = {m.id for m in store.mentions.search(brand.definition, limit=5000)}
        assert routed_brand == searched and routed_brand
        stages = hub.pipeline.stats.as_dict()["stages"]
        assert stages["route"]["received"] == stages["dedup"]["kept"]
        # the demo source's health, as Admin -> Sources shows it
        health = store.sources.get_source_health("demo")
        assert health is not None and health["items"] == 3000 and health["status"] == "idle"
        assert health["completeness"]["statement"].startswith("complete since")
    finally:
        hub.close()
