"""End to end in the embedded hub: a burst in the stream becomes one alert, in-app and
on a webhook, within a minute of stream time; the steady background raises none."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from connectors.fetch_allow import allow_fetch
from socialhub.hub import Hub
from socialhub.models import Mention, Query, Workspace
from socialhub.settings import Settings
from socialhub.store.base import Store

from .streams import T0, background, burst, expected_rate, merge


class ListSource:
    name = "list"

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = mentions

    async def run(self, emit: Any, stop: asyncio.Event) -> None:
        for m in self.mentions:
            if stop.is_set():
                return
            await emit(m)


@contextmanager
def webhook_inbox() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        with allow_fetch(url):  # the address guard refuses loopback: allow this server
            yield url, received
    finally:
        server.shutdown()
        server.server_close()


def _setup(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    query = store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne OR reseau"))
    assert query.id == 1  # the seeded streams carry query id 1


def test_a_burst_becomes_one_alert_in_app_and_on_a_webhook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = T0 + timedelta(days=1, hours=14)
    extra = 4 * expected_rate(start, 3.0)  # background + extra = 5x the usual
    stream = merge(
        background(31, per_minute=3.0, duration=timedelta(days=1, hours=15)),
        burst(32, start=start, per_minute=extra, minutes=20),
    )
    with webhook_inbox() as (url, received):
        monkeypatch.setenv("SOCIALHUB_ALERT_WEBHOOK_URL", url)
        settings = Settings(
            db=f"sqlite:///{tmp_path / 'hub.db'}",
            enrichers={"dedup": 100, "route": 500},
            detect={"only": ["volume"], "notify_min_severity": 1},
        )
        hub = Hub.build(settings, sources=[ListSource(stream)], web=False, setup=_setup)
        try:
            asyncio.run(hub.run(asyncio.Event(), until_sources_done=True))
            alerts = hub.store.alerts.list_alerts()
            notes = hub.store.alerts.list_notifications(workspace_id=1)
            assert hub.store.mentions.count() == len(stream)
        finally:
            hub.close()
    assert len(alerts) == 1, [(a.title, a.first_t) for a in alerts]
    alert = alerts[0]
    assert alert.detector == "volume" and alert.key == "query:1" and alert.workspace_id == 1
    assert start <= alert.first_t <= start + timedelta(seconds=60)
    assert any(e.startswith("x:burst32-") for e in alert.evidence)
    assert received and received[0]["alert"]["id"] == alert.id
    assert notes and notes[0].alert_id == alert.id
    # the detector state was checkpointed beside the database on exit
    assert (tmp_path / "hub.db.detectors.pickle").stat().st_size > 0
