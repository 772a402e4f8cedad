"""add() and get_mention(): idempotence, evidence kept, every field round-trips."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from socialhub.models import Author, Engagement, payload_sha256
from socialhub.store.base import AddResult, Store

from .helpers import full_mention, mention, qid, workspace_with_queries


def test_round_trip_every_field(store: Store) -> None:
    _, (q1,) = workspace_with_queries(store, "group", "acme")
    original = full_mention(7, query_ids=[qid(q1)], relevance={str(qid(q1)): 0.9})
    assert store.mentions.add([original]) == AddResult(inserted=1, updated=0)
    got = store.mentions.get_mention(original.id)
    assert got is not None
    # a dict payload comes back as the JSON text that was stored, its hash untouched
    assert got.raw == orjson.dumps(original.raw).decode()
    assert got.raw_sha256 == original.raw_sha256 == payload_sha256(original.raw)
    assert got == dataclasses.replace(original, raw=got.raw)
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset() == timedelta(0)
    assert store.mentions.get_mention("x:missing") is None


def test_round_trip_defaults(store: Store) -> None:
    bare = mention(1)
    store.mentions.add([bare])
    assert store.mentions.get_mention(bare.id) == bare


def test_recollect_updates_engagement_keeps_evidence(store: Store) -> None:
    _, (q1, q2) = workspace_with_queries(store, "group", "acme", "rival")
    first = full_mention(3, raw='{"v": 1}', raw_sha256="", query_ids=[qid(q1)])
    first = dataclasses.replace(first, raw_sha256=payload_sha256('{"v": 1}'))
    assert store.mentions.add([first]) == AddResult(1, 0)
    assert first.author is not None

    again = dataclasses.replace(
        first,
        text="edited text",
        raw='{"v": 2}',
        raw_sha256=payload_sha256('{"v": 2}'),
        collected_at=first.collected_at + timedelta(days=1),
        collected_via="x.stream",
        engagement=Engagement(likes=50, reposts=20, replies=10, quotes=30, views=99999),
        sentiment_label="positive",
        sentiment_score=0.75,
        keyphrases=["nouvelle"],
        cluster_id="c-7",
        query_ids=[qid(q2)],
        author=dataclasses.replace(first.author, followers=5000),
    )
    assert store.mentions.add([again]) == AddResult(inserted=0, updated=1)
    assert store.mentions.count() == 1
    got = store.mentions.get_mention(first.id)
    assert got is not None
    # refreshed
    assert got.engagement == again.engagement
    assert (got.sentiment_label, got.sentiment_score) == ("positive", 0.75)
    assert got.keyphrases == ["nouvelle"] and got.cluster_id == "c-7"
    assert got.author is not None and got.author.followers == 5000
    assert got.query_ids == sorted([qid(q1), qid(q2)])  # routes accumulate
    # evidence of the first capture kept
    assert got.raw == '{"v": 1}'
    assert got.raw_sha256 == payload_sha256('{"v": 1}')
    assert got.collected_at == first.collected_at
    assert got.collected_via == first.collected_via
    assert got.text == first.text


def test_duplicates_inside_one_batch(store: Store) -> None:
    a = mention(1, engagement=Engagement(likes=1), raw="first")
    a2 = dataclasses.replace(a, engagement=Engagement(likes=9), raw="second", raw_sha256="")
    b = mention(2)
    assert store.mentions.add([a, b, a2]) == AddResult(inserted=2, updated=1)
    got = store.mentions.get_mention(a.id)
    assert got is not None
    assert got.engagement.likes == 9
    assert got.raw == "first" and got.raw_sha256 == payload_sha256("first")
    assert store.mentions.add([]) == AddResult(0, 0)


def test_authors_upserted_with_latest_profile(store: Store) -> None:
    author = Author("x", "u1", handle="@Old", followers=10)
    store.mentions.add([mention(1, author=author)])
    newer = dataclasses.replace(author, handle="@New", followers=20, verified=True)
    store.mentions.add([mention(2, author=newer)])
    first = store.mentions.get_mention("x:1")
    assert first is not None and first.author == newer  # authors are shared, latest wins


def test_times_are_utc_whatever_came_in(store: Store) -> None:
    paris = timezone(timedelta(hours=2))
    aware = mention(1, created_at=datetime(2024, 6, 1, 14, 0, 0, 999999, tzinfo=paris))
    naive = mention(2, created_at=datetime(2024, 6, 1, 12, 0, 0))  # naive = UTC
    store.mentions.add([aware, naive])
    got_aware, got_naive = store.mentions.get_mention("x:1"), store.mentions.get_mention("x:2")
    assert got_aware is not None and got_naive is not None
    # both back ends keep milliseconds (microseconds are truncated the same way)
    assert got_aware.created_at == datetime(2024, 6, 1, 12, 0, 0, 999000, tzinfo=UTC)
    assert got_naive.created_at == datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
    for got in (got_aware, got_naive):
        assert got.created_at.utcoffset() == timedelta(0)
    # old dates before the epoch survive too
    old = mention(3, created_at=datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC))
    store.mentions.add([old])
    got_old = store.mentions.get_mention("x:3")
    assert got_old is not None and got_old.created_at == old.created_at


def test_raw_payload_kinds(store: Store) -> None:
    as_text = mention(1, raw='{"a": 1,   "b": "é"}')
    as_bytes = mention(2, raw=b'{"a": "\xff\xfe"}')  # not UTF-8: decoded with replacement
    as_obj = mention(3, raw={"b": [1, 2], "a": "é"})
    none = mention(4)
    store.mentions.add([as_text, as_bytes, as_obj, none])
    got = {n: store.mentions.get_mention(f"x:{n}") for n in range(1, 5)}
    assert got[1] is not None and got[1].raw == '{"a": 1,   "b": "é"}'  # exactly as captured
    assert got[2] is not None and got[2].raw == '{"a": "\ufffd\ufffd"}'
    assert got[2].raw_sha256 == payload_sha256(b'{"a": "\xff\xfe"}')  # hash of the bytes
    assert got[3] is not None and got[3].raw == '{"b":[1,2],"a":"é"}'
    assert got[3].raw_sha256 == payload_sha256({"b": [1, 2], "a": "é"})
    assert got[4] is not None and got[4].raw is None and got[4].raw_sha256 == ""


def test_unknown_query_ids_are_dropped_not_fatal(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    _, (q1,) = workspace_with_queries(store, "group", "acme")
    assert store.mentions.add([mention(1, query_ids=[qid(q1), 999])]) == AddResult(1, 0)
    assert "unknown query ids dropped: [999]" in caplog.text
    got = store.mentions.get_mention("x:1")
    assert got is not None and got.query_ids == [qid(q1)]


def test_deleted_query_is_not_served_from_cache(store: Store) -> None:
    ws, (q1, q2) = workspace_with_queries(store, "group", "acme", "other")
    store.mentions.add([mention(1, query_ids=[qid(q1)])])
    store.workspaces.delete_query(qid(q1))
    store.mentions.add([mention(2, query_ids=[qid(q1), qid(q2)])])
    got = store.mentions.get_mention("x:2")
    assert got is not None and got.query_ids == [qid(q2)]
    assert store.mentions.count(workspace_id=ws.id) == 2
