"""The live detector service proposes a competitor launch from a story that takes off
with launch words (issue 14, item 9): stored as a launch of source ``auto`` (out of the
library), once, and followed by the launch monitor; both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.analytics.launch_monitor import LaunchMonitor
from socialhub.models import Author, Mention, Query, Watchlist, WatchlistMember, Workspace
from socialhub.store.base import Store

from .test_service import _service

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def test_a_rival_launch_story_is_proposed_and_followed(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.id is not None
    rival = store.workspaces.upsert_query(Query(ws.id, "Concurrent Acme", "acme"))
    store.workspaces.upsert_query(Query(ws.id, "Marque", "mirabelle"))
    rivals = Watchlist(ws.id, "Rivaux", "competitor", members=[WatchlistMember("x", "acme")])
    store.workspaces.upsert_watchlist(rivals)
    assert rival.id is not None
    svc = _service(store, {"only": ["volume"]})
    posts = [Mention("x", "a0", "Acme lance Acme One #AcmeOne : disponible dès aujourd'hui",
                     T0, author=Author("x", "acme", "acme"), query_ids=[rival.id],
                     watchlists=["Rivaux"])]  # fmt: skip
    posts += [
        Mention("x", f"r{i}", "Découvrez Acme One #AcmeOne" if i < 3 else "Acme One ? bof #AcmeOne",
                T0 + timedelta(minutes=2 + i), author=Author("x", f"u{i}", f"u{i}"),
                query_ids=[rival.id])
        for i in range(14)
    ]  # fmt: skip
    store.mentions.add(posts)
    svc.handle(posts)
    (launch,) = store.launches.list_launches()
    assert launch.source == "auto" and not launch.in_library
    assert launch.query == "Concurrent Acme" and launch.launch_at == T0
    assert launch.workspace_id == ws.id and launch.name == "auto-concurrent-acme-20260302-0800"
    monitor = svc.detectors.detectors[LaunchMonitor.name]
    assert isinstance(monitor, LaunchMonitor) and launch.name in monitor.watches
    svc.handle([Mention("x", "late", "Acme lance encore #AcmeOne", T0 + timedelta(minutes=30),
                        query_ids=[rival.id])])  # fmt: skip
    assert len(store.launches.list_launches()) == 1  # one story, one proposal
