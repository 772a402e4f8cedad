"""Detectors count a mention once, through redeliveries and a checkpoint/restore (issue 23).

A batch of ``mentions.stored`` can reach the detector service twice (its worker crashed
between the commit and the ack; the detector service crashed before its ack). The set
of mention ids counted travels with the detectors' state, so a repeat is ignored before
and after a restart from the checkpoint, and its memory stays bounded.
"""

from __future__ import annotations

import pickle
from datetime import timedelta

from socialhub.alerts.channels.inapp import InAppChannel
from socialhub.alerts.routing import Router
from socialhub.analytics.detectors.runner import DetectorSet, SeenIds
from socialhub.analytics.service import DetectorService, default_routes
from socialhub.models import Mention, Query, Workspace
from socialhub.store.sqlite import SqliteStore

from .streams import T0


def _service(store: SqliteStore) -> DetectorService:
    channels = [InAppChannel(store)]
    router = Router(store, channels, default_routes(channels))
    cfg = {"only": ["volume"], "launch": {"enabled": False}}
    return DetectorService(None, store, cfg, router=router)  # type: ignore[arg-type]


def test_a_redelivered_batch_is_counted_once_even_after_a_restore(
    sqlite_store: SqliteStore,
) -> None:
    ws = sqlite_store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.id is not None
    query = sqlite_store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne"))
    assert query.id is not None
    posts = [
        Mention("x", str(i), "panne réseau", T0 + timedelta(seconds=i), query_ids=[query.id])
        for i in range(50)
    ]
    svc = _service(sqlite_store)
    svc.handle(posts[:30])
    assert svc.detectors.seen == 30
    svc.handle(posts[:30])  # the same batch again: nothing counted
    assert svc.detectors.seen == 30

    restored = pickle.loads(pickle.dumps(svc.detectors))  # what a checkpoint holds
    svc.detectors = restored
    svc.handle(posts[20:])  # 10 repeats, 20 new
    assert svc.detectors.seen == 50
    assert len(restored.counted) == 50


def test_the_counted_ids_are_bounded_and_a_checkpoint_without_them_still_loads() -> None:
    seen = SeenIds(window=100)
    assert all(seen.add(f"x:{i}") for i in range(1000))
    assert len(seen) == 100 and "x:999" in seen and "x:0" not in seen
    assert not seen.add("x:999")
    again = pickle.loads(pickle.dumps(seen))
    assert len(again) == 100 and "x:950" in again and not again.add("x:950")
    # a DetectorSet pickled before the set existed gets an empty one on first use
    old = DetectorSet.from_config({"only": ["volume"]})
    del old.counted
    revived = pickle.loads(pickle.dumps(old))
    assert revived.first_time("x:1") and not revived.first_time("x:1")
    assert DetectorSet.from_config({"only": ["volume"], "seen_window": 7}).counted.window == 7
