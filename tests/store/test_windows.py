"""Workspace isolation and time windows on count(None, ...): no query language needed."""

from __future__ import annotations

from datetime import timedelta

from socialhub.store.base import Store

from .helpers import T0, mention, qid, workspace_with_queries


def test_count_workspace_isolation_and_window(store: Store) -> None:
    ws_a, (qa,) = workspace_with_queries(store, "a", "acme")
    ws_b, (qb,) = workspace_with_queries(store, "b", "rival")
    batch = [mention(i, query_ids=[qid(qa)]) for i in range(1, 6)]  # minutes 1..5
    batch += [mention(i, query_ids=[qid(qb)]) for i in range(6, 9)]
    batch += [mention(9, query_ids=[qid(qa), qid(qb)]), mention(10)]  # shared, unrouted
    store.mentions.add(batch)
    assert store.mentions.count() == 10
    assert store.mentions.count(workspace_id=ws_a.id) == 6
    assert store.mentions.count(workspace_id=ws_b.id) == 4
    assert store.mentions.count(workspace_id=999) == 0
    since, until = T0 + timedelta(minutes=2), T0 + timedelta(minutes=7)
    # since inclusive (minute 2 counts), until exclusive (minute 7 does not)
    assert store.mentions.count(since=since, until=until) == 5
    assert store.mentions.count(workspace_id=ws_a.id, since=since, until=until) == 4
    assert store.mentions.count(since=T0 + timedelta(minutes=10)) == 1
    assert store.mentions.count(until=T0 + timedelta(minutes=1)) == 0
