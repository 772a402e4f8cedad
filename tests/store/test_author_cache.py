"""The author write cache: unchanged profiles are skipped, changed ones written."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from socialhub.models import Author, Mention
from socialhub.store.base import Store
from socialhub.store.common import AuthorCache


def test_changed_rows_ignore_the_timestamp_and_evict_oldest() -> None:
    cache = AuthorCache(size=2)
    rows = [("x:1", "alice", 10, "t1"), ("x:2", "bob", 5, "t1")]
    assert cache.changed(rows) == rows
    cache.remember(rows)
    assert cache.changed([("x:1", "alice", 10, "t2")]) == []  # only `now` differs
    assert cache.changed([("x:1", "alice", 11, "t2")]) == [("x:1", "alice", 11, "t2")]
    cache.remember([("x:3", "carol", 1, "t3")])  # evicts x:1, the least recent
    assert cache.changed([("x:1", "alice", 10, "t4")]) == [("x:1", "alice", 10, "t4")]
    cache.clear()
    assert cache.changed([("x:2", "bob", 5, "t5")]) == [("x:2", "bob", 5, "t5")]


def test_profile_changes_are_written_after_unchanged_repeats(store: Store) -> None:
    author = Author("x", "u9", handle="@same", followers=100)
    when = datetime(2024, 5, 1, tzinfo=UTC)
    for i in range(3):  # the same profile three times: written once
        store.mentions.add([Mention("x", f"p{i}", "bonjour", when, author=author)])
    store.mentions.add(
        [Mention("x", "p9", "encore", when, author=dataclasses.replace(author, followers=250))]
    )
    got = store.mentions.get_mention("x:p0")
    assert got is not None and got.author is not None and got.author.followers == 250
