"""The story repository on both stores: upsert, members, merge, ranked lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialhub.models import Query, Workspace
from socialhub.records.stories import StoryRecord
from socialhub.store.base import Store

from .helpers import T0, mention


def _record(ws: int, key: str, **fields: object) -> StoryRecord:
    values: dict[str, object] = {
        "workspace_id": ws,
        "key": key,
        "headline": "Panne à Lyon <script>",
        "first_mention_id": "x:1",
        "first_seen": T0,
        "last_seen": T0 + timedelta(hours=1),
        "peak_at": T0,
    }
    values.update(fields)
    return StoryRecord(**values)  # type: ignore[arg-type]


def test_save_get_list_and_members(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    q = store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne"))
    assert q.id is not None
    for n in (1, 2, 3):
        store.mentions.add([mention(n, "panne à Lyon", query_ids=[q.id])])
    repo = store.stories
    big = _record(
        ws.id,
        f"{ws.id}:x:1",
        size=3,
        importance=70.5,
        voices=[{"handle": "cam", "type": "journalist"}],
        sentiment={"negative": 2, "neutral": 1},
        responses={"answered": True, "accounts": ["x:MirabelleSAV"]},
        explanation=[{"component": "velocity", "points": 20.0}],
    )
    small = _record(
        ws.id, f"{ws.id}:x:9", size=1, importance=3.0, last_seen=T0 + timedelta(hours=5)
    )
    repo.save([big, small], [(ws.id, big.key, f"x:{n}") for n in (1, 2, 3)])
    repo.save([big], [(ws.id, big.key, "x:1")])  # idempotent: a replayed batch
    got = repo.get_by_key(ws.id, big.key)
    assert got is not None and got.id is not None
    assert got.headline == "Panne à Lyon <script>"  # stored as text; escaped when shown
    assert got.voices == [{"handle": "cam", "type": "journalist"}]
    assert got.sentiment == {"negative": 2, "neutral": 1}
    assert got.responses["answered"] is True
    assert got.first_seen == T0 and got.importance == 70.5
    assert repo.get(ws.id, got.id) == got
    assert repo.get(ws.id + 1, got.id) is None  # another workspace sees nothing
    assert [s.key for s in repo.list_stories(ws.id)] == [big.key, small.key]
    assert [s.key for s in repo.list_stories(ws.id, order="recent")] == [small.key, big.key]
    assert [s.key for s in repo.list_stories(ws.id, min_size=2)] == [big.key]
    later = repo.list_stories(ws.id, since=T0 + timedelta(hours=2))
    assert later == [repo.get_by_key(ws.id, small.key)]
    assert sorted(repo.member_ids(ws.id, got.id)) == ["x:1", "x:2", "x:3"]
    assert repo.stories_of(ws.id, ["x:1", "x:3", "x:7"]) == {"x:1": got.id, "x:3": got.id}
    page = repo.mentions(ws.id, got.id, limit=2)
    assert [m.id for m in page] == ["x:3", "x:2"]  # newest first
    with pytest.raises(ValueError, match="unknown story order"):
        repo.list_stories(ws.id, order="random")


def test_merge_moves_members_and_hides_the_old_story(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.id is not None
    repo = store.stories
    a, b = _record(ws.id, "k:a", size=2), _record(ws.id, "k:b", size=1)
    repo.save([a, b], [(ws.id, "k:a", "x:1"), (ws.id, "k:a", "x:2"), (ws.id, "k:b", "x:2"),
                       (ws.id, "k:b", "x:3")])  # fmt: skip
    repo.merge(ws.id, "k:b", "k:a")
    kept = repo.get_by_key(ws.id, "k:a")
    gone = repo.get_by_key(ws.id, "k:b")
    assert kept is not None and kept.id is not None and gone is not None
    assert gone.merged_into == "k:a"
    assert sorted(repo.member_ids(ws.id, kept.id)) == ["x:1", "x:2", "x:3"]
    assert [s.key for s in repo.list_stories(ws.id)] == ["k:a"]
