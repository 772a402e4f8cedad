"""The wall tokens table and the thread read, on SQLite and PostgreSQL (migration 0011)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.models import Query, Workspace
from socialhub.store.base import Store
from socialhub.store.walls import WallToken

from .helpers import mention

T = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_wall_tokens_and_thread(store: Store) -> None:
    a = store.upsert_workspace(Workspace("a", "A"))
    b = store.upsert_workspace(Workspace("b", "B"))
    qa = store.upsert_query(Query(a.id or 0, "qa", "prune"))
    qb = store.upsert_query(Query(b.id or 0, "qb", "prune"))
    tok = store.add_wall_token(WallToken(a.id or 0, "main", "hall", "shwall_abc", T, "root"), "h1")
    assert tok.id is not None
    found = store.find_wall_token("h1")
    assert found is not None and (found.workspace_id, found.wall, found.created_at) == (
        a.id,
        "main",
        T,
    )
    assert store.find_wall_token("nope") is None
    assert not store.revoke_wall_token(b.id or 0, tok.id, T)  # not b's
    assert store.revoke_wall_token(a.id or 0, tok.id, T + timedelta(minutes=1))
    assert store.find_wall_token("h1") is None
    assert store.list_wall_tokens(a.id or 0)[0].revoked_at == T + timedelta(minutes=1)

    store.add(
        [
            mention(1, "prune root", qa, created_at=T - timedelta(hours=3)),
            mention(2, "prune reply", qa, created_at=T - timedelta(hours=2), reply_to="x:1"),
            mention(3, "prune reply b", qb, created_at=T - timedelta(hours=1), reply_to="x:1"),
            mention(4, "prune quote", qa, created_at=T, quote_of="x:1"),
        ]
    )
    thread = store.mention_thread("x:1", a.id or 0)
    assert [m.id for m in thread["replies"]] == ["x:2"]
    assert [m.id for m in thread["quotes"]] == ["x:4"]
    assert [m.id for m in store.mention_thread("x:1", b.id or 0)["replies"]] == ["x:3"]
