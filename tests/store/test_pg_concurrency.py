"""Two PostgreSQL stores (as two worker processes would) writing overlapping batches."""

from __future__ import annotations

import random
import threading

from socialhub.models import Author, Engagement
from socialhub.store.postgres import PostgresStore

from .helpers import mention, qid, workspace_with_queries


def test_concurrent_writers_never_duplicate(pg_store: PostgresStore) -> None:
    ws, (q,) = workspace_with_queries(pg_store, "group", "acme")
    other = PostgresStore(pg_store.url)
    errors: list[BaseException] = []
    inserted: list[int] = []

    def write(store: PostgresStore, seed: int) -> None:
        rng = random.Random(seed)
        try:
            for round_ in range(10):
                numbers = rng.sample(range(200), 60)  # overlapping ids, shuffled order
                batch = [
                    mention(
                        n,
                        author=Author("x", f"u{n % 15}", followers=round_),
                        engagement=Engagement(likes=round_),
                        query_ids=[qid(q)],
                    )
                    for n in numbers
                ]
                inserted.append(store.mentions.add(batch).inserted)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    try:
        threads = [
            threading.Thread(target=write, args=(s, seed))
            for seed, s in enumerate([pg_store, other, pg_store, other])
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        other.close()
    assert errors == []
    total = pg_store.mentions.count()
    assert total == sum(inserted)  # every mention counted as inserted exactly once
    assert pg_store.mentions.count(workspace_id=ws.id) == total
    assert 60 <= total <= 200
