"""The wall tokens table and the thread read, on SQLite and PostgreSQL (migration 0011)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.models import Query, Workspace
from socialhub.records.sessions import WallToken
from socialhub.store.base import Store

from .helpers import mention

T = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_wall_tokens_and_thread(store: Store) -> None:
    a = store.workspaces.upsert_workspace(Workspace("a", "A"))
    b = store.workspaces.upsert_workspace(Workspace("b", "B"))
    qa = store.workspaces.upsert_query(Query(a.id or 0, "qa", "prune"))
    qb = store.workspaces.upsert_query(Query(b.id or 0, "qb", "prune"))
    tok = store.walls.add_wall_token(
        WallToken(a.id or 0, "main", "hall", "shwall_abc", T, "root"), "h1"
    )
    assert tok.id is not None
    found = store.walls.find_wall_token("h1")
    assert found is not None and (found.workspace_id, found.wall, found.created_at) == (
        a.id,
        "main",
        T,
    )
    assert store.walls.find_wall_token("nope") is None
    assert not store.walls.revoke_wall_token(b.id or 0, tok.id, T)  # not b's
    assert store.walls.revoke_wall_token(a.id or 0, tok.id, T + timedelta(minutes=1))
    assert store.walls.find_wall_token("h1") is None
    assert store.walls.list_wall_tokens(a.id or 0)[0].revoked_at == T + timedelta(minutes=1)

    store.mentions.add(
        [
            mention(1, "prune root", qa, created_at=T - timedelta(hours=3)),
            mention(2, "prune reply", qa, created_at=T - timedelta(hours=2), reply_to="x:1"),
            mention(3, "prune reply b", qb, created_at=T - timedelta(hours=1), reply_to="x:1"),
            mention(4, "prune quote", qa, created_at=T, quote_of="x:1"),
        ]
    )
    thread = store.mentions.mention_thread("x:1", a.id or 0)
    assert [m.id for m in thread["replies"]] == ["x:2"]
    assert [m.id for m in thread["quotes"]] == ["x:4"]
    assert [m.id for m in store.mentions.mention_thread("x:1", b.id or 0)["replies"]] == ["x:3"]
