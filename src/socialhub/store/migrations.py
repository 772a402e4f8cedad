"""Named migrations, Datasette style.

A migration is a ``.sql`` file in ``socialhub/store/migrations/<dialect>/``; its name
is the file name without ``.sql`` and they apply in name order, once each. Applied
names are recorded in ``schema_migrations(name, applied_at)``. Each store applies a
migration and records it in one transaction, so a failed migration leaves no trace.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import resources

DIALECTS = ("sqlite", "postgres")

SCHEMA_TABLE = {
    "sqlite": (
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)"
    ),
    "postgres": (
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    ),
}


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    sql: str


def available(dialect: str) -> list[Migration]:
    """The migrations shipped for a dialect, in name order."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; expected one of {DIALECTS}")
    folder = resources.files("socialhub.store").joinpath("migrations", dialect)
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return [Migration(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


def pending(dialect: str, applied: list[str]) -> list[Migration]:
    done = set(applied)
    return [m for m in available(dialect) if m.name not in done]


def split_sqlite(script: str) -> list[str]:
    """Split a SQLite script into complete statements (triggers included).

    ``executescript`` would commit any open transaction first, which would break
    applying a migration and recording it atomically, so statements run one by one.
    """
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if _has_code(statement):
                statements.append(statement)
            buffer = ""
    if _has_code(buffer):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {buffer[:80]!r}")
    return statements


def _has_code(sql: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in sql.splitlines())
