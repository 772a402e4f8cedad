"""The launch monitor runs inside the live detector service: a launch recorded in the
store (``socialhub launch add``) gets its curve from the stream and its milestones
become alerts."""

from __future__ import annotations

import pickle
from datetime import timedelta

from socialhub.alerts.channels.inapp import InAppChannel
from socialhub.alerts.routing import Router
from socialhub.analytics.launch_monitor import LaunchMonitor
from socialhub.analytics.service import DetectorService, default_routes
from socialhub.models import Mention, Query, Workspace
from socialhub.records.launches import LaunchRecord
from socialhub.store.sqlite import SqliteStore

from .streams import T0


def _post(i: int, at: object, qid: int) -> Mention:
    return Mention("x", f"l{i}", "Telvia Flex", at, query_ids=[qid])  # type: ignore[arg-type]


def _service(store: SqliteStore) -> DetectorService:
    channels = [InAppChannel(store)]
    router = Router(store.alerts, channels, default_routes(channels))
    cfg = {"only": ["volume"], "launch": {"fizzle_hours": 1.0}}
    return DetectorService(None, store, cfg, router=router)  # type: ignore[arg-type]


def test_a_tracked_launch_fills_its_curve_and_alerts_from_the_live_stream(
    sqlite_store: SqliteStore,
) -> None:
    store = sqlite_store
    ws = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.id is not None
    query = store.workspaces.upsert_query(Query(ws.id, "Concurrent Telvia", "telvia"))
    other = store.workspaces.upsert_query(Query(ws.id, "Autre", "rien"))
    assert query.id is not None and other.id is not None
    at = T0 + timedelta(hours=8)
    # 96 stored mentions of the query the day before: 2 expected per half hour
    store.mentions.add(
        [_post(900 + i, at - timedelta(minutes=15 * (i + 1)), query.id) for i in range(96)]
    )
    store.launches.save_launch(LaunchRecord("flex", "Concurrent Telvia", at, workspace_id=ws.id,
                                   window_s=6 * 3600, bucket_s=1800))  # fmt: skip
    # a finished launch and a demo library entry are not followed
    store.launches.save_launch(LaunchRecord("old", "Concurrent Telvia", at - timedelta(days=30),
                                   workspace_id=ws.id))  # fmt: skip
    store.launches.save_launch(LaunchRecord("demo", "Concurrent Telvia", at, workspace_id=ws.id,
                                   source="demo"))  # fmt: skip
    svc = _service(store)
    monitor = svc.detectors.detectors["launch"]
    assert isinstance(monitor, LaunchMonitor)
    # "old" is followed until the stream clock passes its window (clock 0 here)
    assert {"flex", "old"} <= set(monitor.watches) and "demo" not in monitor.watches
    assert monitor.watches["flex"].expected == 2.0

    quiet = [_post(i, at - timedelta(hours=2) + timedelta(minutes=20 * i), query.id)
             for i in range(6)]  # fmt: skip
    spike = [_post(100 + i, at + timedelta(minutes=5 + i // 2), query.id) for i in range(24)]
    tail = [_post(200 + i, at + timedelta(minutes=40 + 30 * i), query.id) for i in range(6)]
    noise = [_post(300 + i, at + timedelta(minutes=7 + i), other.id) for i in range(10)]
    outcomes = []
    stream = sorted(quiet + spike + tail + noise, key=lambda m: m.created_at)
    for i in range(0, len(stream), 7):  # batches, as the bus delivers them
        outcomes += svc.handle(stream[i : i + 7])

    watch = monitor.watches["flex"]
    assert watch.mentions[0] == 24 + 0  # the first half hour: the spike, not the noise
    assert sum(watch.mentions) == 24 + 6
    launch = [o for o in outcomes if o.signal.detector == "launch"]
    milestones = [o.signal.extra["milestone"] for o in launch]
    assert milestones == ["peak", "fizzle"]
    assert all(o.signal.key == "launch:flex" and o.signal.query_id == query.id for o in launch)
    # recorded as alerts (the peak joins the volume alert of the same spike: one story)
    assert all(o.alert is not None and o.alert.id is not None for o in launch)
    stored = {a.id: a for a in store.alerts.list_alerts()}
    assert {o.alert.id for o in launch if o.alert} <= set(stored)
    assert all(stored[o.alert.id].workspace_id == ws.id for o in launch if o.alert)

    # the monitor is part of the checkpointed set, and a refresh keeps the curve so far
    clone = pickle.loads(pickle.dumps(svc.detectors))
    assert clone.detectors["launch"].watches["flex"].mentions == watch.mentions
    svc.refresh(force=True)
    assert monitor.watches["flex"] is watch and "old" not in monitor.watches


def test_launch_monitor_can_be_switched_off(sqlite_store: SqliteStore) -> None:
    channels = [InAppChannel(sqlite_store)]
    router = Router(sqlite_store.alerts, channels, default_routes(channels))
    cfg = {"only": ["volume"], "launch": {"enabled": False}}
    svc = DetectorService(None, sqlite_store, cfg, router=router)  # type: ignore[arg-type]
    assert "launch" not in svc.detectors.detectors
