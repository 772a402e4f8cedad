"""Watchlist targets become one timeline per member on the source's platform."""

from __future__ import annotations

from socialhub.connectors.base import Target
from socialhub.connectors.watchlists import expand_watchlists
from socialhub.models import Watchlist, WatchlistMember, Workspace
from socialhub.store.base import Store


def test_a_list_expands_to_its_members_timelines(store: Store) -> None:
    com = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    qos = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert com.id is not None and qos.id is not None
    members = [
        WatchlistMember("x", "@LeaJourno", "Léa"),
        WatchlistMember("bluesky", "lea.bsky.social", "Léa"),
        WatchlistMember("", "anyplatform", "Partout"),
    ]
    store.workspaces.upsert_watchlist(
        Watchlist(com.id, "Journalistes", "journalist", members=members)
    )
    store.workspaces.upsert_watchlist(
        Watchlist(qos.id, "Journalistes", "journalist", members=[WatchlistMember("x", "autre")])
    )
    keep = Target("search", "mirabelle", "brand")
    got = expand_watchlists(
        [keep, Target("watchlist", "com/Journalistes")], store.workspaces, platform="x"
    )
    assert got[0] is keep
    assert sorted((t.kind, t.value, t.match_query) for t in got[1:]) == [
        ("timeline", "LeaJourno", "list:Journalistes"),
        ("timeline", "anyplatform", "list:Journalistes"),
    ]
    every = expand_watchlists([Target("watchlist", "journalistes")], store.workspaces, platform="x")
    assert sorted(t.value for t in every) == ["LeaJourno", "anyplatform", "autre"]
