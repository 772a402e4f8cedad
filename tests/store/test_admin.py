"""Workspaces, users, memberships, queries, watchlists and quarantine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from socialhub.models import (
    Membership,
    QuarantineItem,
    Query,
    Role,
    User,
    Watchlist,
    WatchlistMember,
    Workspace,
)
from socialhub.store.base import Store


def test_workspaces_upsert_by_slug(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("group", "Group comms"))
    assert ws.id is not None
    again = store.workspaces.upsert_workspace(Workspace("group", "Group communication", "UTC"))
    assert again.id == ws.id
    other = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert store.workspaces.get_workspace("group") == Workspace(
        "group", "Group communication", "UTC", ws.id
    )
    assert store.workspaces.get_workspace("nope") is None
    assert [w.slug for w in store.workspaces.list_workspaces()] == ["group", "qos"]
    assert other.id != ws.id


def test_users_and_memberships_roles(store: Store) -> None:
    alice = store.accounts.upsert_user(User("alice", "Alice", "alice@example.org", "h1"))
    bob = store.accounts.upsert_user(User("bob", is_active=False))
    assert alice.id is not None and bob.id is not None
    alice2 = store.accounts.upsert_user(User("alice", "Alice B", "a@example.org", "h2", True))
    assert alice2.id == alice.id
    assert store.accounts.get_user("alice") == User(
        "alice", "Alice B", "a@example.org", "h2", True, alice.id
    )
    assert store.accounts.get_user("bob") == User("bob", is_active=False, id=bob.id)
    assert [u.username for u in store.accounts.list_users()] == ["alice", "bob"]

    group = store.workspaces.upsert_workspace(Workspace("group", "Group"))
    legal = store.workspaces.upsert_workspace(Workspace("legal", "Legal"))
    assert group.id is not None and legal.id is not None
    store.accounts.set_membership(group.id, alice.id, Role.ADMIN)
    store.accounts.set_membership(legal.id, alice.id, Role.VIEWER)
    store.accounts.set_membership(group.id, bob.id, Role.PRESS)
    store.accounts.set_membership(legal.id, alice.id, Role.LEGAL)  # role changed, not duplicated
    assert store.accounts.list_memberships(user_id=alice.id) == [
        Membership(group.id, alice.id, Role.ADMIN),
        Membership(legal.id, alice.id, Role.LEGAL),
    ]
    assert store.accounts.list_memberships(workspace_id=group.id) == [
        Membership(group.id, alice.id, Role.ADMIN),
        Membership(group.id, bob.id, Role.PRESS),
    ]
    store.accounts.remove_membership(group.id, bob.id)
    assert len(store.accounts.list_memberships()) == 2
    with pytest.raises(Exception):  # noqa: B017 - a CHECK constraint, driver-specific class
        store.accounts.set_membership(group.id, bob.id, "overlord")  # type: ignore[arg-type]


def test_queries_upsert_list_delete(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("group", "Group"))
    other = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None and other.id is not None
    q1 = store.workspaces.upsert_query(Query(ws.id, "brand", "acme"))
    q1b = store.workspaces.upsert_query(
        Query(ws.id, "brand", 'acme OR "acme énergie"', "desc", False)
    )
    q2 = store.workspaces.upsert_query(Query(other.id, "brand", "panne"))
    assert q1.id == q1b.id and q2.id != q1.id
    assert store.workspaces.list_queries(ws.id) == [
        Query(ws.id, "brand", 'acme OR "acme énergie"', "desc", False, q1.id)
    ]
    assert store.workspaces.list_queries(ws.id, enabled_only=True) == []
    assert [q.id for q in store.workspaces.list_queries(enabled_only=True)] == [q2.id]
    assert len(store.workspaces.list_queries()) == 2
    assert q2.id is not None
    store.workspaces.delete_query(q2.id)
    assert [q.id for q in store.workspaces.list_queries()] == [q1.id]


def test_watchlists_replace_members(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("group", "Group"))
    assert ws.id is not None
    first = store.workspaces.upsert_watchlist(
        Watchlist(
            ws.id,
            "Journalistes",
            "journalist",
            members=[
                WatchlistMember("x", "@Jeanne", "Jeanne", "journalist"),
                WatchlistMember("", "@Paul", notes="every platform"),
                WatchlistMember("x", "@Old"),
            ],
        )
    )
    assert first.id is not None
    # same name in another case: the same list; the member list is replaced
    second = store.workspaces.upsert_watchlist(
        Watchlist(
            ws.id,
            "JOURNALISTES",
            "journalist",
            "updated",
            members=[WatchlistMember("x", "@jeanne", "Jeanne"), WatchlistMember("x", "@New")],
        )
    )
    assert second.id == first.id
    (stored,) = store.workspaces.list_watchlists(ws.id)
    assert (stored.name, stored.description) == ("JOURNALISTES", "updated")
    assert [(m.platform, m.handle) for m in stored.members] == [("x", "@jeanne"), ("x", "@New")]

    store.workspaces.upsert_watchlist(Watchlist(ws.id, "Concurrents", "competitor"))
    assert [w.name for w in store.workspaces.list_watchlists()] == ["JOURNALISTES", "Concurrents"]
    assert store.workspaces.list_watchlists(ws.id)[1].members == []
    store.workspaces.delete_watchlist(first.id)
    assert [w.name for w in store.workspaces.list_watchlists(ws.id)] == ["Concurrents"]


def test_watchlist_members_normalised_handles(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("group", "Group"))
    assert ws.id is not None
    saved = store.workspaces.upsert_watchlist(
        Watchlist(
            ws.id, "MPs", members=[WatchlistMember("x", "@Dupont"), WatchlistMember("x", "dupont")]
        )
    )
    assert len(saved.members) == 1  # one (platform, handle_norm): the last one wins
    (stored,) = store.workspaces.list_watchlists()
    assert stored.members == [WatchlistMember("x", "dupont")]


def test_quarantine_keeps_reason_and_raw(store: Store) -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    items = [
        QuarantineItem("x.stream", "invalid JSON", "{oops", "line 3", t0),
        QuarantineItem("rss.lemonde", "no date", "<item/>", "feed.xml:12", t0 + timedelta(1)),
        QuarantineItem("x.stream", "unknown kind", '{"kind": "?"}', "", t0 + timedelta(2)),
    ]
    assert store.sources.quarantine(items) == 3
    assert store.sources.quarantine([]) == 0
    assert store.sources.count_quarantine() == 3
    assert store.sources.count_quarantine("x.stream") == 2
    newest_first = store.sources.list_quarantine()
    assert [i.reason for i in newest_first] == ["unknown kind", "no date", "invalid JSON"]
    last = newest_first[-1]
    assert (last.source, last.raw, last.location, last.created_at) == (
        "x.stream",
        "{oops",
        "line 3",
        t0,
    )
    assert last.id is not None
    assert [i.raw for i in store.sources.list_quarantine(limit=1, source="x.stream")] == [
        '{"kind": "?"}'
    ]
