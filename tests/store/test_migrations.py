"""Named migrations: recorded once, idempotent, atomic; opening a store never migrates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from socialhub.store import DEFAULT_DB_URL, default_db_url, migrations, open_store
from socialhub.store.base import Store
from socialhub.store.migrations import Migration, split_sqlite
from socialhub.store.postgres import PostgresStore
from socialhub.store.sqlite import SqliteStore, path_from_url


def _dialect(store: Store) -> str:
    return "sqlite" if isinstance(store, SqliteStore) else "postgres"


def test_migrations_recorded_and_idempotent(store: Store) -> None:
    names = [m.name for m in migrations.available(_dialect(store))]
    assert names[0] == "0001_initial"
    assert store.applied_migrations() == names
    assert store.migrate() == []  # a second run applies nothing
    assert store.applied_migrations() == names


def _fresh_store(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Store:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'fresh.db'}"
    else:
        make: Callable[[], str] = request.getfixturevalue("pg_database")
        url = make()
    fresh = open_store(url)
    request.addfinalizer(fresh.close)
    return fresh


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_open_does_not_migrate_then_migrate_applies_all(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> None:
    fresh = _fresh_store(request, backend, tmp_path)
    assert fresh.applied_migrations() == []
    with pytest.raises(Exception, match="workspaces"):
        fresh.workspaces.list_workspaces()  # no schema yet
    applied = fresh.migrate()
    assert applied == [m.name for m in migrations.available(backend)]
    assert fresh.applied_migrations() == applied
    assert fresh.migrate() == []
    assert fresh.workspaces.list_workspaces() == []


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_failed_migration_leaves_no_trace(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = _fresh_store(request, backend, tmp_path)
    broken = [
        Migration("0001_ok", "CREATE TABLE ok_table (a INTEGER);"),
        Migration("0002_broken", "CREATE TABLE half (a INTEGER);\nCREATE TABLE half (a INTEGER);"),
    ]
    monkeypatch.setattr(migrations, "available", lambda dialect: broken)
    with pytest.raises(Exception, match="half"):
        fresh.migrate()
    # The good one is recorded, the broken one neither recorded nor half applied.
    assert fresh.applied_migrations() == ["0001_ok"]
    if isinstance(fresh, SqliteStore):
        tables = {r[0] for r in fresh.db._rows("SELECT name FROM sqlite_master")}
    else:
        assert isinstance(fresh, PostgresStore)
        tables = {r[0] for r in fresh.db._rows("SELECT tablename FROM pg_tables")}
    assert "ok_table" in tables
    assert "half" not in tables


def test_split_sqlite_keeps_triggers_and_drops_comments() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (a INTEGER);
    CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN
        UPDATE t SET a = a + 1 WHERE rowid = new.rowid;
    END;
    -- trailing comment
    """
    statements = split_sqlite(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    with pytest.raises(ValueError, match="incomplete"):
        split_sqlite("CREATE TABLE t (a INTEGER)")


def test_sqlite_url_forms_and_parent_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert path_from_url("sqlite:///data/socialhub.db") == Path("data/socialhub.db")
    assert path_from_url("sqlite:////abs/x.db") == Path("/abs/x.db")
    with pytest.raises(ValueError):
        path_from_url("sqlite://")
    with pytest.raises(ValueError, match="unsupported"):
        open_store("mysql://localhost/x")
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///a/b/rel.db")  # relative to the working directory
    try:
        assert (tmp_path / "a" / "b" / "rel.db").exists()
        assert store.migrate() == [m.name for m in migrations.available("sqlite")]
    finally:
        store.close()


def test_sqlite_pragmas(sqlite_store: SqliteStore) -> None:
    writer = sqlite_store.db._writer
    assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert writer.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert writer.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert sqlite_store.db._rows("PRAGMA foreign_keys") == [(1,)]


def test_default_db_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALHUB_DB", raising=False)
    assert default_db_url() == DEFAULT_DB_URL == "sqlite:///data/socialhub.db"
    monkeypatch.setenv("SOCIALHUB_DB", "postgresql://u@h/db")
    assert default_db_url() == "postgresql://u@h/db"
