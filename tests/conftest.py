"""Shared fixtures. Names here are used by every test area: keep them stable.

Store fixtures (all give a *migrated, empty* store and close it afterwards):

``store``
    Parametrized over ``["sqlite", "postgres"]``: a test using it runs once per back end
    (test ids ``[sqlite]`` / ``[postgres]``). This is how the store contract is tested.
``sqlite_store``
    A :class:`~socialhub.store.sqlite.SqliteStore` on a fresh file in ``tmp_path``: a
    copy of ``sqlite_template`` (session), a file migrated once.
``pg_store``
    A :class:`~socialhub.store.postgres.PostgresStore` on the session's throwaway
    database, emptied first (every table but ``schema_migrations``; id sequences
    restarted, so ids start at 1 in every test).

PostgreSQL fixtures:

``pg_admin_url`` (session)
    URL of a database to run ``CREATE DATABASE`` from:
    ``postgresql://postgres@127.0.0.1:5432/postgres`` or ``$SOCIALHUB_TEST_PG_ADMIN_URL``.
``pg_url`` (session)
    URL of a throwaway database ``socialhub_test_<random hex>``, migrated once, dropped
    at the end of the session.
``pg_database`` (function)
    A factory: ``pg_database()`` returns the URL of another new, *empty* (unmigrated)
    database, dropped after the test. For migration tests.
``pg_database_module`` (module)
    The same factory, its databases dropped after the module (a cluster shared by the
    tests of one module, e.g. the fault-injection suite).

If the PostgreSQL server cannot be reached, these fixtures FAIL the test with the
reason (they never skip: a missing database must not pass as green).

Under pytest-xdist (``scripts/test.sh`` runs two workers) each worker is its own pytest
session, so it has its own ``pg_url`` database; NATS tests use a random stream prefix
each, and servers a test starts listen on free ports.

Password hashing: tests hash and verify with a tiny Argon2id profile (the algorithm and
code path are the real ones; only the cost differs). At the production cost a login
costs 0.1-0.5 s on the CI machine and the suite logs in hundreds of times.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from argon2 import PasswordHasher
from psycopg import sql

from socialhub.config import passwords
from socialhub.store import open_store
from socialhub.store.postgres import PostgresStore
from socialhub.store.sqlite import SqliteStore

# Weaker than every "weak" hash a test builds on purpose (m=8192), so rehash-on-login
# tests still see an upgrade.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)

DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = {"sqlite": "sqlite_store", "postgres": "pg_store"}


def _with_dbname(url: str, dbname: str) -> str:
    """The admin URL pointing at another database (query string, if any, kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def _admin_connect(admin_url: str) -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is unreachable at {admin_url!r} ({exc}). Start it (scripts/test.sh "
            "or `service postgresql start`) or set SOCIALHUB_TEST_PG_ADMIN_URL.",
            pytrace=False,
        )


def _create_database(admin_url: str) -> str:
    name = f"socialhub_test_{secrets.token_hex(6)}"
    with _admin_connect(admin_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def _drop_database(admin_url: str, name: str) -> None:
    with _admin_connect(admin_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    return os.environ.get("SOCIALHUB_TEST_PG_ADMIN_URL") or DEFAULT_PG_ADMIN_URL


@pytest.fixture(scope="session")
def pg_url(pg_admin_url: str) -> Iterator[str]:
    name = _create_database(pg_admin_url)
    url = _with_dbname(pg_admin_url, name)
    try:
        migrator = open_store(url)
        try:
            migrator.migrate()
        finally:
            migrator.close()
        yield url
    finally:
        _drop_database(pg_admin_url, name)


def _database_factory(admin_url: str) -> Iterator[Callable[[], str]]:
    created: list[str] = []

    def make() -> str:
        name = _create_database(admin_url)
        created.append(name)
        return _with_dbname(admin_url, name)

    yield make
    for name in created:
        _drop_database(admin_url, name)


@pytest.fixture
def pg_database(pg_admin_url: str) -> Iterator[Callable[[], str]]:
    yield from _database_factory(pg_admin_url)


@pytest.fixture(scope="module")
def pg_database_module(pg_admin_url: str) -> Iterator[Callable[[], str]]:
    yield from _database_factory(pg_admin_url)


def _empty_all(url: str) -> None:
    """Empty every table but schema_migrations and restart the id sequences.

    Same effect as ``TRUNCATE ... RESTART IDENTITY CASCADE`` but ~20x faster on the
    tiny tables tests leave (TRUNCATE recreates every table and index file: ~0.2 s);
    the sequences are reset by ``setval`` for the same reason.
    Every foreign key cascades on delete, so the order does not matter. Triggers are
    off for this session (``session_replication_role = replica``, superuser only):
    the append-only tables refuse DELETE by trigger, and a test database is the one
    place where emptying them is right.
    """
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'schema_migrations'"
            )
        ]
        for table in tables:
            conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        # setval(..., start, false) is what ALTER SEQUENCE ... RESTART does to the next
        # value, without writing a new file per sequence: one statement, 3x faster.
        conn.execute(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, "
            "start_value, false) FROM pg_sequences WHERE schemaname = 'public'"
        )


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[PostgresStore]:
    # A new store object per test: its caches (query -> workspace) must not outlive
    # the truncated rows.
    _empty_all(pg_url)
    store = PostgresStore(pg_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session (closed: no WAL beside it), copied by
    ``sqlite_store``: copying 0.7 MB costs a few ms, running every migration ~40 ms, and
    ~900 tests take a fresh store."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    store = SqliteStore(f"sqlite:///{path}")
    try:
        store.migrate()
    finally:
        store.close()
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def sqlite_store(tmp_path: Path, sqlite_template: Path) -> Iterator[SqliteStore]:
    path = tmp_path / "socialhub.db"
    shutil.copyfile(sqlite_template, path)
    store = SqliteStore(f"sqlite:///{path}")
    # A no-op on the copy (every migration is recorded); kept so the fixture's contract,
    # "a migrated store", does not hang on the template being current.
    assert store.migrate() == []
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=list(BACKENDS))
def store(request: pytest.FixtureRequest) -> SqliteStore | PostgresStore:
    backend: SqliteStore | PostgresStore = request.getfixturevalue(BACKENDS[request.param])
    return backend


#: Modules that run longest (seconds of wall time each, at low load), started first.
#: ``--dist worksteal`` hands each worker a contiguous half of the collection and lets an
#: idle worker steal the *tail* of the other's queue: with these at the head, the long
#: modules start at once on one worker (the multi-process scale tests mostly wait on
#: their processes, so the other worker's CPU work overlaps them) and the end of the run
#: is short tests on both workers, not one long test on one. Whole modules move, in
#: their own order, so module-scoped fixtures are still built once.
LONGEST_FIRST = (
    "tests/scale/test_processes.py",
    "tests/reports/test_digest_budget.py",
    "tests/alerts/test_reach_simulator.py",
    "tests/cli/test_readme.py",
    "tests/scale/test_faults.py",
    "tests/reports/test_demo_reports.py",
    "tests/reports/test_briefing_simulator.py",
    "tests/test_hub_demo.py",
    "tests/connectors/rss/test_feedparser_corpus.py",
    "tests/analytics/test_volume.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    rank = {root / path: i for i, path in enumerate(LONGEST_FIRST)}
    late = len(LONGEST_FIRST)
    # sort is stable: every other test keeps its collection order
    items.sort(key=lambda item: rank.get(item.path, late))
