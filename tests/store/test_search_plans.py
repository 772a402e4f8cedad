"""search() asks the full-text index first: same answers on every plan, few statements.

Random queries over random documents, with PROBE made tiny so that the three plans all
run (no full-text hit, a few hits with the full-text index driving, many hits with the
newest mentions probed first): the pages equal a brute-force evaluation's.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta

import pytest

from socialhub.models import Author, Mention
from socialhub.query import parse
from socialhub.query.ast import slots
from socialhub.query.evaluate import Facts, evaluate, scan_hits
from socialhub.query.sql import sqlite_driver
from socialhub.store.base import Store
from socialhub.store.sqlite import SqliteStore
from socialhub.text import index_tokens

from .helpers import T0, mention, qid, workspace_with_queries

WORDS = ["acme", "Acme", "#acme", "panne", "facture", "zenitel", "promo", "lyon", "de", "la"]
QUERIES = [
    "acme", "panne", "absentterm", "acme AND panne", "acme NOT promo", "#acme",
    '"acme panne"', "acme NEAR/2 facture", "acme NEAR/1f panne", "panne OR zenitel",
    "lang:en", "acme AND lang:en", "absentterm OR lang:en", "NOT acme", "zen*",
    "(acme OR zenitel) AND NOT (promo OR lyon)", "facture AND (lyon OR lang:en)",
    "promo AND absentterm", "absentterm NEAR/3 acme", "lyon AND NOT lang:en",
]  # fmt: skip


def _reference(node: object, m: Mention) -> bool:
    return evaluate(node, scan_hits(index_tokens(m.text), slots(node)), Facts.of(m), None)  # type: ignore[arg-type]


def ids(mentions: list[Mention]) -> list[int]:
    return [int(m.native_id) for m in mentions]


@pytest.mark.parametrize("probe", [3, 12, 5000])
def test_search_plans_equal_brute_force(
    store: Store, monkeypatch: pytest.MonkeyPatch, probe: int
) -> None:
    from socialhub.store import reads

    monkeypatch.setattr(reads, "PROBE", probe)
    monkeypatch.setattr(reads, "_CHUNK", 7)  # a page read back in several chunks
    rng = random.Random(probe)
    ws_a, (qa,) = workspace_with_queries(store, "a", "brand")
    ws_b, (qb,) = workspace_with_queries(store, "b", "rival")
    batch: list[Mention] = []
    in_a: set[int] = set()
    for n in range(1, 121):
        text = " ".join(rng.choices(WORDS, k=rng.randint(1, 7)))
        routes = rng.choice([[qid(qa)], [qid(qb)], [qid(qa), qid(qb)]])
        if qid(qa) in routes:
            in_a.add(n)
        lang = rng.choice(["fr", "fr", "en"])
        batch.append(
            mention(n, text=text, query_ids=routes, lang=lang, author=Author("x", f"u{n}"))
        )
    store.mentions.add(batch)
    newest_first = sorted(batch, key=lambda m: m.created_at, reverse=True)
    since, until = T0 + timedelta(minutes=20), T0 + timedelta(minutes=90)
    pages = [(50, 0), (2, 0), (3, 4), (7, 30)]
    for text in QUERIES:
        node = parse(text)
        matching = [int(m.native_id) for m in newest_first if _reference(node, m)]
        scoped = [n for n in matching if n in in_a and 20 <= n < 90]
        for limit, offset in pages:
            got = ids(store.mentions.search(text, limit=limit, offset=offset))
            assert got == matching[offset : offset + limit], (text, limit, offset)
            got = ids(
                store.mentions.search(
                    node, workspace_id=ws_a.id, since=since, until=until, limit=limit,
                    offset=offset,
                )
            )  # fmt: skip
            assert got == scoped[offset : offset + limit], (text, limit, offset, "scoped")
    assert ws_b.id is not None


def test_driver_bounds_every_match() -> None:
    """The full-text query a search asks first is true for every match of the query."""
    rng = random.Random(5)
    docs = [" ".join(rng.choices(WORDS, k=rng.randint(0, 7))) for _ in range(300)]
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE f USING fts5(tokens, content='', "
        "tokenize=\"unicode61 remove_diacritics 0 tokenchars '#@_'\")"
    )
    conn.executemany(
        "INSERT INTO f (rowid, tokens) VALUES (?, ?)",
        [(i, " ".join(index_tokens(d))) for i, d in enumerate(docs)],
    )
    bounded = 0
    for text in QUERIES:
        node = parse(text)
        driver = sqlite_driver(node)
        if driver is None:
            continue
        bounded += 1
        hits = {r[0] for r in conn.execute("SELECT rowid FROM f WHERE f MATCH ?", (driver,))}
        matches = {i for i, d in enumerate(docs) if _reference(node, mention(1, text=d))}
        assert matches <= hits, text
    assert bounded >= 14  # only field-only, OR-with-field and lone NOT queries lack one
    assert sqlite_driver(parse("lang:en")) is None
    assert sqlite_driver(parse("NOT acme")) is None
    assert sqlite_driver(parse("acme OR lang:en")) is None


def test_no_hit_search_is_one_small_statement(sqlite_store: SqliteStore) -> None:
    """A term absent from the index costs one full-text lookup, not a probe of the newest
    mentions; a rare term two statements plus the page's routes."""
    ws, (q,) = workspace_with_queries(sqlite_store, "a", "brand")
    sqlite_store.mentions.add(
        [mention(n, text=f"acme numero {n}", query_ids=[qid(q)]) for n in range(1, 200)]
    )
    statements: list[str] = []

    def ours(sql: str) -> None:  # not FTS5's own statements on its shadow tables
        if not sql.startswith(("--", "PRAGMA")) and "'main'." not in sql:
            statements.append(sql)

    conn = sqlite_store.db._reader()
    conn.set_trace_callback(ours)
    try:
        assert sqlite_store.mentions.search("absentterm", workspace_id=ws.id) == []
        assert len(statements) == 1 and "mentions_fts MATCH" in statements[0]
        statements.clear()
        assert ids(sqlite_store.mentions.search("numero AND 17")) == [17]
        assert not any("matched" in s for s in statements)  # no newest-first probe
        assert len(statements) == 3  # bound, page, the page's routes
    finally:
        conn.set_trace_callback(None)
