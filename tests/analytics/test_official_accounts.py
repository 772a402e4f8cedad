"""The organisation's declared official accounts (``[[official_account]]``) are "our own"
for the alerts too: the detector service never raises a high-reach-author alert on them,
with no per-workspace setting repeating them."""

from __future__ import annotations

from socialhub.alerts.channels.inapp import InAppChannel
from socialhub.alerts.routing import Router
from socialhub.analytics.service import DetectorService, default_routes
from socialhub.models import Author, Mention, Query, Workspace
from socialhub.records.engage import OfficialAccount
from socialhub.store.base import Store

from .streams import T0


def test_declared_official_accounts_are_our_own_in_the_watchlist_triggers(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.id is not None
    query = store.workspaces.upsert_query(Query(ws.id, "Marque", "mirabelle"))
    store.engage.upsert_account(OfficialAccount("x", "mirabelletel", workspaces=["com"]), T0)
    channels = [InAppChannel(store)]
    router = Router(store, channels, default_routes(channels))
    cfg = {"only": ["volume"], "launch": {"enabled": False}, "high_reach_notify": "inapp"}
    svc = DetectorService(None, store, cfg, router=router)  # type: ignore[arg-type]
    svc.refresh(force=True)
    [trigger] = svc.triggers
    assert "mirabelletel" in trigger.own_accounts

    def post(handle: str, n: int) -> Mention:
        author = Author("x", handle, handle=handle, followers=900_000)
        return Mention(
            "x", f"{handle}{n}", "mirabelle", T0, author=author, query_ids=[query.id or 0]
        )

    assert trigger.update(post("MirabelleTel", 1)) == []
    [other] = trigger.update(post("star", 2))  # anyone else that big still counts
    assert other.extra["reason"] == "high_reach"
