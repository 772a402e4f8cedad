"""Where strings occur anywhere in the database: every table, every text column.

Tables and columns are read from the schema itself (``sqlite_master`` and
``PRAGMA table_info``; ``information_schema`` and ``pg_class`` on PostgreSQL), so a
table a later migration adds is searched without anyone listing it. Erasure uses this
to find a person in derived stores (alert titles and provenance, report archives,
notifications, quarantine...), the subject access export to list what is stored about
them, and the tests to prove an erasure left nothing behind.

Indexes: PostgreSQL's ``tsvector`` columns are text-like and searched like the rest (as
their lexemes); SQLite's contentless FTS5 table stores no text, so
:func:`fts_terms` reads its vocabulary instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from socialhub.store.sqlbase import SqlPrimitives, iter_chunks

_CHUNK = 40  # needles per query (one OR of LIKEs)
_ROWS = 1000  # rows read per column and chunk


@dataclass(frozen=True, slots=True)
class Column:
    table: str
    name: str
    type: str  # lower-case SQL type as declared ('text', 'jsonb', 'bytea', 'blob'...)


@dataclass(slots=True)
class Trace:
    """One row where a needle occurs: the table, the column, the whole row."""

    table: str
    column: str
    needle: str
    row: dict[str, Any]


def conn(store: object) -> SqlPrimitives:
    """A store's connection object (``store.db``), or the object itself."""
    return cast(SqlPrimitives, getattr(store, "db", store))


def is_postgres(db: object) -> bool:
    return str(getattr(db, "url", "")).startswith("postgres")


def text_columns(store: object) -> list[Column]:
    """Every column that can hold text, of every ordinary table (partitions excluded:
    their parent is searched), in table then column order."""
    db = conn(store)
    if is_postgres(db):
        rows = db._rows(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN pg_class k ON k.relname = c.table_name AND k.relkind IN ('r', 'p') "
            "AND NOT k.relispartition JOIN pg_namespace n ON n.oid = k.relnamespace "
            "AND n.nspname = c.table_schema "
            "WHERE c.table_schema = current_schema() AND c.data_type IN "
            "('text', 'jsonb', 'json', 'bytea', 'character varying', 'tsvector') "
            "ORDER BY c.table_name, c.ordinal_position"
        )
        return [Column(t, c, str(k).lower()) for t, c, k in rows]
    tables = db._rows(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    virtual = [name for name, sql in tables if str(sql).upper().startswith("CREATE VIRTUAL")]
    out: list[Column] = []
    for name, _ in tables:
        if name in virtual or any(name.startswith(f"{v}_") for v in virtual):
            continue  # FTS5 and its shadow tables: see fts_terms()
        for _, col, kind, *_ in db._rows(f'PRAGMA table_info("{name}")'):
            kind = str(kind).lower()
            if kind in ("", "text", "blob") or "char" in kind:
                out.append(Column(name, col, kind))
    return out


def _escape(needle: str) -> str:
    return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _match(db: SqlPrimitives, col: Column) -> str:
    quoted = f'"{col.name}"'
    if not is_postgres(db):
        return f"CAST({quoted} AS TEXT) LIKE ? ESCAPE '\\'"
    if col.type == "bytea":
        return f"position(convert_to(?, 'UTF8') in {quoted}) > 0"
    return f"{quoted}::text ILIKE ?"


def _param(db: SqlPrimitives, col: Column, needle: str) -> str:
    if is_postgres(db) and col.type == "bytea":
        return needle
    return f"%{_escape(needle)}%"


def _text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def find_traces(
    store: object,
    needles: Iterable[str],
    *,
    exclude: Sequence[str] = (),
    only: Sequence[str] | None = None,
) -> list[Trace]:
    """Rows of every table (but ``exclude``; or ``only`` these) where a needle occurs,
    case-insensitively (ASCII case on SQLite). A row is reported once per column."""
    db = conn(store)
    wanted = sorted({n for n in needles if n})
    if not wanted:
        return []
    found: list[Trace] = []
    for col in text_columns(db):
        if col.table in exclude or (only is not None and col.table not in only):
            continue
        seen: set[tuple[Any, ...]] = set()
        for chunk in iter_chunks(wanted, _CHUNK):
            where = " OR ".join([_match(db, col)] * len(chunk))
            cols = [c.name for c in _all_columns(db, col.table)]
            select = ", ".join(f'"{c}"' for c in cols)
            sql = f'SELECT {select} FROM "{col.table}" WHERE {where} LIMIT {_ROWS}'
            for row in db._rows(sql, [_param(db, col, n) for n in chunk]):
                key = tuple(_text(v) for v in row)
                if key in seen:
                    continue
                seen.add(key)
                record = dict(zip(cols, row, strict=True))
                value = _text(record[col.name]).lower()
                needle = next((n for n in chunk if n.lower() in value), chunk[0])
                found.append(Trace(col.table, col.name, needle, record))
    return found


def _all_columns(db: SqlPrimitives, table: str) -> list[Column]:
    if is_postgres(db):
        rows = db._rows(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            [table],
        )
        return [Column(table, c, str(k).lower()) for c, k in rows]
    return [
        Column(table, r[1], str(r[2]).lower()) for r in db._rows(f'PRAGMA table_info("{table}")')
    ]


def fts_terms(store: object, terms: Iterable[str]) -> dict[str, int]:
    """How many documents of SQLite's full-text index hold each term (0s left out).

    Reads the FTS5 vocabulary, so a term is found even though the index keeps no text;
    on PostgreSQL the ``search`` tsvector column is a text column like any other and
    :func:`find_traces` covers it.
    """
    db = conn(store)
    if is_postgres(db):
        return {}
    wanted = sorted({t for t in terms if t})
    if not wanted:
        return {}
    with db._tx() as cur:
        cur.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.socialhub_fts_vocab "
            "USING fts5vocab(main, mentions_fts, 'row')"
        )
    out: dict[str, int] = {}
    for chunk in iter_chunks(wanted, 500):
        marks = ", ".join("?" * len(chunk))
        with db._tx() as cur:  # temp tables live on the writer's connection
            cur.execute(
                f"SELECT term, doc FROM temp.socialhub_fts_vocab WHERE term IN ({marks})",
                tuple(chunk),
            )
            out.update({str(t): int(n) for t, n in cur.fetchall() if int(n) > 0})
    return out
