"""The demo archives its digests: after the backfill, every edition of the history is
built (no mail sent), so the demo's Reports page is not empty."""

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

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Paris


def test_the_demo_archives_the_digests_of_its_history(tmp_path: Path) -> None:
    settings = Settings(
        db=f"sqlite:///{tmp_path / 'hub.db'}",
        pipeline={"route_refresh_seconds": 0, "sentiment_mode": "fast"},
        enrichers={**DEFAULT_ENRICHERS, "categories": None},
    )
    source = DemoSource(seed=3, start=START, backfill_hours=48, speed=0, limit=3000)
    hub = Hub.build(settings, sources=[source], web=False)
    apply_config(load_config(ROOT / "examples" / "telecom.toml"), hub.store)
    hub.reports, hub.reports_since = True, START
    try:
        asyncio.run(hub.run(asyncio.Event(), until_sources_done=True))
        assert source.last_t is not None and source.last_t > datetime(2026, 3, 2, 7, tzinfo=UTC)
        for ws in hub.store.workspaces.list_workspaces():
            reports = hub.store.reports.list_reports(workspace_id=ws.id)
            # the 08:00 edition (17:00 the day before → 08:00): the history's first hour
            assert [r.period_end for r in reports] == [datetime(2026, 3, 2, 7, tzinfo=UTC)]
            full = hub.store.reports.get_report(reports[0].id or 0)
            assert full is not None and full.status == "built" and full.html and full.pdf
            assert "L&#39;essentiel" in full.html
    finally:
        hub.close()
