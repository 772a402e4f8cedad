"""Where a workspace's data is (store.extent), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from socialhub.store.base import Store
from socialhub.store.extent import mention_extent

from .helpers import T0, mention, qid, workspace_with_queries


def test_extent_is_the_first_and_last_mention_of_the_workspace(store: Store) -> None:
    ws, (acme, _) = workspace_with_queries(store, "acme", "acme", "rival")
    other, (elsewhere,) = workspace_with_queries(store, "other", "rival")
    wid = ws.id or 0
    assert mention_extent(store.db, wid) is None  # type: ignore[arg-type]
    store.mentions.add(
        [
            mention(1, text="acme", created_at=T0 + timedelta(days=3), query_ids=[qid(acme)]),
            mention(2, text="acme", created_at=T0 - timedelta(days=300), query_ids=[qid(acme)]),
            # another workspace's later mention does not count
            mention(3, text="rival", created_at=T0 + timedelta(days=9), query_ids=[qid(elsewhere)]),
        ]
    )
    ends = mention_extent(store.db, wid)  # type: ignore[arg-type]
    assert ends is not None
    assert ends[0] == (T0 - timedelta(days=300)).replace(microsecond=123000)
    assert ends[1] == T0 + timedelta(days=3)
    assert mention_extent(store.db, other.id or 0) == (T0 + timedelta(days=9),) * 2  # type: ignore[arg-type]
