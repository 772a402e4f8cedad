"""Compile a query tree into a boolean SQL expression over the mentions table ``m``.

Text conditions become full-text searches, each maximal pure-text subtree merged into
one: ``m.seq IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)`` on SQLite
and ``m.search @@ %s::tsquery`` on PostgreSQL; fields become column conditions and
``list:`` an EXISTS over the watchlists. Every user-supplied value is a parameter.

SQLite FTS5 cannot express an ordered NEAR, a nested NEAR or a NEAR whose operands may
overlap (see :mod:`socialhub.query.fts5`): those compile to an FTS5 superset AND the
exact check ``socialhub_near(m.text, ?)``, a Python function evaluating the NEAR with
the shared interpreter. On PostgreSQL every flat NEAR is an exact tsquery; a nested
NEAR is a tsquery superset AND an exact check over ``m.search``'s positions
(:mod:`socialhub.query.pgspans`). **Call :func:`register_sqlite_functions` on every SQLite
connection that runs compiled queries** (SQLite answers "no such function" otherwise).
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

import orjson

from socialhub.query import fts5, pgspans
from socialhub.query.ast import And, Field, Near, Node, Not, Or, from_dict, slots, to_dict
from socialhub.query.evaluate import scan_hits, spans
from socialhub.query.tsquery import join as ts_join
from socialhub.query.tsquery import superset as tsquery_superset
from socialhub.query.tsquery import tsquery
from socialhub.text import index_tokens

SQLITE_NEAR_FUNCTION = "socialhub_near"

_COLUMNS = {"author": "author_handle", "lang": "lang", "platform": "platform", "country": "country"}


def compile_sqlite(node: Node, *, workspace_id: int | None = None) -> tuple[str, list[object]]:
    """SQLite boolean expression (``?`` placeholders) equal to ``node`` over ``m``."""
    return _Compiler(postgres=False, workspace_id=workspace_id).compile(node)


def compile_postgres(node: Node, *, workspace_id: int | None = None) -> tuple[str, list[object]]:
    """PostgreSQL boolean expression (``%s`` placeholders, psycopg 3) equal to ``node``."""
    return _Compiler(postgres=True, workspace_id=workspace_id).compile(node)


def sqlite_driver(node: Node) -> str | None:
    """An FTS5 query true for every mention ``node`` matches (None: no text bounds it).

    Its hit count bounds the query's: a search asks it first (``LIMIT``) to learn
    whether the full-text index or the newest mentions should drive (store/reads.py).
    """
    text = fts5.exact(node)
    if text is not None:
        return text
    if isinstance(node, Near):
        return fts5.superset(node)
    if isinstance(node, Or):
        return fts5.any_of([sqlite_driver(item) for item in node.items])
    if isinstance(node, And):
        texts: list[str] = []
        negatives: list[str] = []
        for item in node.items:
            inner = item.item if isinstance(item, Not) else item
            text = fts5.exact(inner)
            if text is not None:
                (negatives if isinstance(item, Not) else texts).append(f"({text})")
        combined = fts5.combine(texts, negatives)
        if combined is not None:
            return combined
        for item in node.items:
            found = None if isinstance(item, Not) else sqlite_driver(item)
            if found is not None:
                return found
    return None


def register_sqlite_functions(conn: sqlite3.Connection) -> None:
    """Install ``socialhub_near(text, spec)``, needed by some compiled SQLite queries."""
    conn.create_function(SQLITE_NEAR_FUNCTION, 2, _sqlite_near, deterministic=True)


@lru_cache(maxsize=4096)
def _decode(spec: str) -> Node:
    return from_dict(orjson.loads(spec))


def _sqlite_near(text: str | None, spec: str) -> int:
    node = _decode(spec)
    hits = scan_hits(index_tokens(text or ""), slots(node))
    return 1 if spans(node, hits) else 0


class _Compiler:
    def __init__(self, *, postgres: bool, workspace_id: int | None) -> None:
        self.postgres = postgres
        self.ph = "%s" if postgres else "?"
        self.workspace_id = workspace_id

    def compile(self, node: Node) -> tuple[str, list[object]]:
        text = self.text(node)
        if text is not None:
            return self.text_leaf(text)
        if isinstance(node, Not):
            sql, params = self.compile(node.item)
            return f"NOT ({sql})", params
        if isinstance(node, And | Or):
            return self.boolean(node)
        if isinstance(node, Near) and self.postgres:  # nested: tsquery superset + exact check
            sql, params = self.text_leaf(tsquery_superset(node))
            check, check_params = pgspans.exists(node)
            return f"({sql} AND {check})", [*params, *check_params]
        if isinstance(node, Near):
            sql, params = self.text_leaf(fts5.superset(node))
            spec = orjson.dumps(to_dict(node)).decode()
            return f"({sql} AND {SQLITE_NEAR_FUNCTION}(m.text, ?))", [*params, spec]
        if isinstance(node, Field):
            return self.field(node)
        raise TypeError(f"cannot compile {type(node).__name__}")

    def text(self, node: Node) -> str | None:
        return tsquery(node) if self.postgres else fts5.exact(node)

    def text_leaf(self, text: str) -> tuple[str, list[object]]:
        if self.postgres:
            return "m.search @@ %s::tsquery", [text]
        return "m.seq IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)", [text]

    def boolean(self, node: And | Or) -> tuple[str, list[object]]:
        """AND/OR with its text-expressible items merged into one full-text search."""
        is_and = isinstance(node, And)
        texts: list[str] = []
        negatives: list[str] = []  # SQLite AND only: FTS5 has a binary NOT, no unary one
        rest: list[Node] = []
        for item in node.items:
            if is_and and not self.postgres and isinstance(item, Not):
                text = self.text(item.item)
                if text is not None:
                    negatives.append(f"({text})")
                    continue
            text = self.text(item)
            if text is None:
                rest.append(item)
            else:
                texts.append(text if self.postgres else f"({text})")
        parts: list[tuple[str, list[object]]] = []
        if self.postgres:
            if texts:
                parts.append(self.text_leaf(texts[0] if len(texts) == 1 else ts_join(node, texts)))
        elif not is_and:
            if texts:
                parts.append(self.text_leaf("(" + " OR ".join(texts) + ")"))
        else:
            combined = fts5.combine(texts, negatives)
            if combined is not None:
                parts.append(self.text_leaf(combined))
            elif negatives:  # nothing positive to hang them on: one SQL NOT
                sql, params = self.text_leaf("(" + " OR ".join(negatives) + ")")
                parts.append((f"NOT ({sql})", params))
        parts.extend(self.compile(item) for item in rest)
        op = " AND " if is_and else " OR "
        sql = "(" + op.join(sql for sql, _ in parts) + ")"
        return sql, [p for _, params in parts for p in params]

    def field(self, node: Field) -> tuple[str, list[object]]:
        ph, value = self.ph, node.value
        if node.name in _COLUMNS:
            return f"m.{_COLUMNS[node.name]} = {ph}", [value]
        if node.name == "site":
            suffix = "." + value
            if self.postgres:
                return f"(m.site = {ph} OR right(m.site, {ph}) = {ph})", [
                    value,
                    len(suffix),
                    suffix,
                ]
            return f"(m.site = {ph} OR substr(m.site, {ph}) = {ph})", [value, -len(suffix), suffix]
        if node.name == "list":
            scope = ""
            params: list[object] = [value]
            if self.workspace_id is not None:
                scope = f" AND w.workspace_id = {ph}"
                params.append(self.workspace_id)
            return (
                "(m.author_handle <> '' AND EXISTS (SELECT 1 FROM watchlists w "
                "JOIN watchlist_members wm ON wm.watchlist_id = w.id "
                f"WHERE w.name_norm = {ph}{scope} AND wm.handle_norm = m.author_handle "
                "AND (wm.platform = '' OR wm.platform = m.platform)))",
                params,
            )
        raise ValueError(f"unknown field {node.name!r}")
