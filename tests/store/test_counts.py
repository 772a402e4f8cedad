"""Counts planned by :mod:`socialhub.store.counts` equal counting the rows, on both
stores: random queries in random windows and workspaces, stored queries' routed counts
from the rollups, and a workspace's total from the rollups. Mentions are written out of
time order (backfills), so seq and created_at do not follow each other."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from socialhub.models import Author, Mention
from socialhub.store import counts
from socialhub.store.base import Store

from .helpers import mention, qid, workspace_with_queries

START = datetime(2024, 2, 20, 9, 41, 17, 500000, tzinfo=UTC)
WORDS = ["acme", "panne", "facture", "zenitel", "promo", "energie", "lyon", "bonjour"]
QUERIES = [
    "acme",
    '"acme energie"',
    "acme AND panne",
    "acme OR zenitel",
    "(acme OR zenitel) AND NOT promo",
    "acme NEAR/3 facture",
    "acme AND NOT panne",
    "panne AND lang:fr",
    "lang:en",
    "author:@u3 OR facture",
    "platform:bluesky AND acme",
    "nothinghere",
]


def _mentions(rng: random.Random, n: int, routes: list[int]) -> list[Mention]:
    out = []
    for i in range(n):
        words = rng.choices(WORDS, k=rng.randint(2, 8))
        out.append(
            mention(
                i,
                text=" ".join(words),
                created_at=START + timedelta(minutes=rng.randrange(0, 12 * 24 * 60)),
                platform=rng.choice(("x", "bluesky")),
                lang=rng.choice(("fr", "fr", "en")),
                author=Author("x", f"u{i % 9}", handle=f"@u{i % 9}"),
                query_ids=rng.sample(routes, rng.choice((1, 1, 2))),
            )
        )
    return out


def _windows(rng: random.Random) -> list[tuple[datetime | None, datetime | None]]:
    out: list[tuple[datetime | None, datetime | None]] = [
        (None, None),
        (START + timedelta(days=3), None),
        (None, START + timedelta(days=4)),
        (START.replace(minute=0, second=0, microsecond=0), START + timedelta(days=2, hours=1)),
    ]
    for _ in range(6):
        a = START + timedelta(minutes=rng.randrange(0, 12 * 24 * 60))
        out.append((a, a + timedelta(minutes=rng.randrange(1, 7 * 24 * 60))))
    out.append((START + timedelta(days=30), START + timedelta(days=31)))  # empty
    return out


def test_counts_equal_counting_rows(store: Store) -> None:
    rng = random.Random(2105)
    ws1, (q1, q2) = workspace_with_queries(store, "acme", "brand", "rival")
    ws2, (q3,) = workspace_with_queries(store, "zen", "zen")
    routes = [qid(q1), qid(q2), qid(q3)]
    batch = _mentions(rng, 600, routes)
    for start in range(0, len(batch), 150):  # several transactions, out of time order
        store.mentions.add(batch[start : start + 150])
    store.mentions.add([mention(9999, text="acme sans route")])  # in no workspace
    reads = store.mentions
    seen = 0
    for since, until in _windows(rng):
        for ws in (ws1.id, ws2.id, None):
            for query in [None, *QUERIES]:
                got = reads.count(query, workspace_id=ws, since=since, until=until)
                want = counts.scan_count(reads, query, ws, since, until)  # type: ignore[arg-type]
                assert got == want, (query, ws, since, until)
                seen += got
        for q in routes:
            got = counts.routed(reads, q, since=since, until=until)  # type: ignore[arg-type]
            assert got == counts.scan_routed(reads, q, since, until)  # type: ignore[arg-type]
    assert seen > 0
    # not vacuous: the workspace plans do answer, and differ between workspaces
    assert reads.count("acme", workspace_id=ws1.id) != reads.count("acme", workspace_id=ws2.id)
    assert counts.routed(reads, qid(q1)) == sum(qid(q1) in m.query_ids for m in batch)
    assert reads.count(workspace_id=ws2.id) == sum(qid(q3) in m.query_ids for m in batch)
    assert reads.count("acme") == 1 + sum("acme" in m.text.split() for m in batch)
