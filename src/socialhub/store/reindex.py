"""Re-index the full-text search after the tokeniser changed (both dialects).

A migration that changes what :func:`socialhub.text.index_tokens` yields adds a row to
``search_reindex`` (``0022_handles_underscore_tokens``: handles and hashtags keep their
``_``); :meth:`SqlStore.migrate` then calls :func:`reindex_search`, which rewrites the
search index of every row up to ``upto_seq``:

- SQLite: the migration rebuilt ``mentions_fts`` empty (its tokenizer now keeps ``_``),
  so every row is inserted again;
- PostgreSQL: only rows whose text holds an ``_`` get a new ``search`` tsvector (texts
  without one tokenise as before).

Chunks of :data:`CHUNK` rows commit one at a time and move ``after_seq``, so a re-index
cut short (crash, Ctrl-C) resumes where it stopped; the row is deleted when done. Search
misses the rows not yet re-indexed meanwhile, which is why it runs inside ``migrate()``,
before the store serves anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from socialhub.store.sqlbase import Cursor, SqlDb
from socialhub.text import fts_document, index_tokens, pg_tsvector

log = logging.getLogger(__name__)

CHUNK = 5_000
_TABLE_FROM = "0022_handles_underscore_tokens"  # the migration that creates search_reindex

#: ``progress(done, total)`` after each chunk (the CLI draws a bar with it).
Progress = Callable[[int, int], None]


def _pending(db: SqlDb) -> list[tuple[str, int, int, bool]]:
    """The jobs left (``search_reindex`` exists once migration 0022 is applied; a store
    migrated only part of the way, as tests of older schemas do, has none)."""
    applied = db._rows("SELECT 1 FROM schema_migrations WHERE name = ?", (_TABLE_FROM,))
    if not applied:
        return []
    rows = db._rows(
        "SELECT name, after_seq, upto_seq, only_underscore FROM search_reindex ORDER BY name"
    )
    return [(str(n), int(a), int(u), bool(o)) for n, a, u, o in rows]


def reindex_search(db: SqlDb, progress: Progress | None = None) -> int:
    """Run the pending re-index jobs; return the number of rows re-indexed now."""
    total_done = 0
    for name, after, upto, only_underscore in _pending(db):
        sqlite = db.url.startswith("sqlite")
        where = "seq > ? AND seq <= ?" + (
            " AND instr(text, '_') > 0" if sqlite and only_underscore else ""
        )
        if not sqlite and only_underscore:
            where += " AND strpos(text, '_') > 0"
        count = db._rows(f"SELECT count(*) FROM mentions WHERE {where}", (after, upto))
        total = int(count[0][0])
        log.info("re-indexing search (%s): %s rows", name, total)
        done = 0
        if progress is not None:
            progress(0, total)
        while True:
            with db._tx() as cur:
                cur.execute(
                    db._sql(
                        f"SELECT seq, created_at, text FROM mentions WHERE {where} "
                        "ORDER BY seq LIMIT ?"
                    ),
                    (after, upto, CHUNK),
                )
                rows = cur.fetchall()
                if rows:
                    _write(cur, db, sqlite, rows)
                    after = int(rows[-1][0])
                    cur.execute(
                        db._sql("UPDATE search_reindex SET after_seq = ? WHERE name = ?"),
                        (after, name),
                    )
                else:
                    cur.execute(db._sql("DELETE FROM search_reindex WHERE name = ?"), (name,))
            if not rows:
                break
            done += len(rows)
            if progress is not None:
                progress(done, total)
        log.info("re-indexed search (%s): %s rows", name, done)
        total_done += done
    return total_done


def _write(cur: Cursor, db: SqlDb, sqlite: bool, rows: list[tuple[int, object, str]]) -> None:
    if sqlite:
        cur.executemany(
            "INSERT INTO mentions_fts (rowid, tokens) VALUES (?, ?)",
            [(seq, fts_document(index_tokens(text or ""))) for seq, _, text in rows],
        )
        return
    # one statement per chunk: 3.2k-5.0k rows/s vs 1.2k-3.1k for an executemany of
    # single-row UPDATEs (bench/bench_reindex.py, 20,000 mentions, loaded machine)
    cur.execute(
        "UPDATE mentions AS m SET search = v.search::tsvector "
        "FROM unnest(%s::bigint[], %s::timestamptz[], %s::text[]) AS v(seq, created_at, search) "
        "WHERE m.seq = v.seq AND m.created_at = v.created_at",
        (
            [seq for seq, _, _ in rows],
            [at for _, at, _ in rows],
            [pg_tsvector(index_tokens(text or "")) for _, _, text in rows],
        ),
    )
