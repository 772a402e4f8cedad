"""Shared helpers for the query tests: fixed watchlists, mention rows, both databases.

The databases are built straight from the store migrations and filled by hand (no store code), so
these tests check the compilers against the schema itself. Each ``load`` replaces the
mentions; watchlists are fixed (see ``WATCHLISTS``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from socialhub.models import Author, Mention
from socialhub.query import Node, compile_postgres, compile_sqlite, register_sqlite_functions
from socialhub.text import fts_document, index_tokens, norm_handle, pg_tsvector

MIGRATIONS = Path(__file__).resolve().parents[2] / "src/socialhub/store/migrations"

# (workspace_id, name) -> members (platform, handle); platform '' = any platform.
WATCHLISTS: dict[tuple[int, str], list[tuple[str, str]]] = {
    (1, "Journalistes FR"): [("x", "alice"), ("", "@Bob")],
    (1, "Rivaux"): [("bluesky", "dave")],
    (2, "Journalistes FR"): [("bluesky", "carol"), ("", "alice")],
}


def matcher_watchlists() -> dict[tuple[int, str], set[tuple[str, str]]]:
    """WATCHLISTS in the form the Matcher takes (names and handles normalised)."""
    return {
        (ws, name.lower()): {(platform, norm_handle(handle)) for platform, handle in members}
        for (ws, name), members in WATCHLISTS.items()
    }


def make_mention(
    seq: int,
    text: str,
    *,
    lang: str = "fr",
    platform: str = "x",
    author: str = "",
    url: str = "",
    country: str = "",
) -> Mention:
    return Mention(
        platform=platform,
        native_id=str(seq),
        text=text,
        created_at=datetime(2024, 5, 1, tzinfo=UTC),
        url=url,
        lang=lang,
        country=country,
        author=Author(platform, f"a{seq}", handle=author) if author else None,
    )


@dataclass
class Databases:
    sqlite: sqlite3.Connection
    pg: psycopg.Connection

    def load(self, mentions: Sequence[Mention]) -> None:
        """Replace the mentions of both databases (seq = native_id).

        The rows live in an open transaction, rolled back by the next ``load``: the
        tables hold only the watchlists between loads and nothing waits on a commit.
        """
        if self.sqlite.in_transaction:
            self.sqlite.execute("ROLLBACK")
        self.sqlite.execute("BEGIN")
        self.pg.rollback()
        for m in mentions:
            tokens = index_tokens(m.text)
            row = (
                int(m.native_id),
                m.id,
                m.platform,
                m.native_id,
                m.url,
                m.site,
                m.text,
                m.lang,
                norm_handle(m.author_handle),
                m.country,
            )
            self.sqlite.execute(
                "INSERT INTO mentions (seq, id, platform, native_id, url, site, text, lang, "
                "author_handle, country, created_at, collected_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)",
                row,
            )
            self.sqlite.execute(
                "INSERT INTO mentions_fts (rowid, tokens) VALUES (?, ?)",
                (int(m.native_id), fts_document(tokens)),
            )
            self.pg.execute(
                "INSERT INTO mentions (seq, id, platform, native_id, url, site, text, lang, "
                "author_handle, country, created_at, collected_at, search) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now(), now(), %s::tsvector)",
                (*row, pg_tsvector(tokens)),
            )

    def sqlite_ids(self, node: Node, workspace_id: int | None = None) -> set[int]:
        sql, params = compile_sqlite(node, workspace_id=workspace_id)
        rows = self.sqlite.execute(f"SELECT m.seq FROM mentions m WHERE {sql}", params)
        return {row[0] for row in rows}

    def pg_ids(self, node: Node, workspace_id: int | None = None) -> set[int]:
        sql, params = compile_postgres(node, workspace_id=workspace_id)
        rows = self.pg.execute(f"SELECT m.seq FROM mentions m WHERE {sql}", params).fetchall()
        return {row[0] for row in rows}


def _watchlist_rows() -> Iterator[tuple[int, int, str, str, str, str]]:
    """(watchlist_id, workspace_id, name, name_norm, platform, handle) per member."""
    for wl_id, ((ws, name), members) in enumerate(WATCHLISTS.items(), start=1):
        for platform, handle in members:
            yield wl_id, ws, name, name.lower(), platform, handle


def open_sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript((MIGRATIONS / "sqlite/0001_initial.sql").read_text())
    # tokeniser version 2: the FTS5 table whose tokenizer keeps "_" inside a token
    conn.executescript((MIGRATIONS / "sqlite/0022_handles_underscore_tokens.sql").read_text())
    register_sqlite_functions(conn)
    for ws in (1, 2):
        conn.execute(
            "INSERT INTO workspaces (id, slug, name, created_at) VALUES (?, ?, ?, 0)",
            (ws, f"ws{ws}", f"Workspace {ws}"),
        )
    for wl_id, ws, name, name_norm, platform, handle in _watchlist_rows():
        conn.execute(
            "INSERT OR IGNORE INTO watchlists (id, workspace_id, name, name_norm) "
            "VALUES (?, ?, ?, ?)",
            (wl_id, ws, name, name_norm),
        )
        conn.execute(
            "INSERT INTO watchlist_members (watchlist_id, platform, handle, handle_norm)"
            " VALUES (?, ?, ?, ?)",
            (wl_id, platform, handle, norm_handle(handle)),
        )
    return conn


def fill_postgres(conn: psycopg.Connection) -> None:
    conn.execute((MIGRATIONS / "postgres/0001_initial.sql").read_text())
    conn.execute((MIGRATIONS / "postgres/0022_handles_underscore_tokens.sql").read_text())
    for ws in (1, 2):
        conn.execute(
            "INSERT INTO workspaces (id, slug, name) VALUES (%s, %s, %s)",
            (ws, f"ws{ws}", f"Workspace {ws}"),
        )
    for wl_id, ws, name, name_norm, platform, handle in _watchlist_rows():
        conn.execute(
            "INSERT INTO watchlists (id, workspace_id, name, name_norm) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (wl_id, ws, name, name_norm),
        )
        conn.execute(
            "INSERT INTO watchlist_members (watchlist_id, platform, handle, handle_norm)"
            " VALUES (%s, %s, %s, %s)",
            (wl_id, platform, handle, norm_handle(handle)),
        )
    conn.commit()
