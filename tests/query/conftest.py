"""Session fixture ``query_dbs``: a SQLite file and a throwaway PostgreSQL database.

Both are built straight from the store migrations and filled by hand (no store code), so
the query tests check the compilers against the schema itself. If PostgreSQL cannot be
reached the tests FAIL (never skip): a missing back end must not pass as green.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest

from .helpers import Databases, fill_postgres, open_sqlite

PG_ADMIN_URL = os.environ.get(
    "SOCIALHUB_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def query_dbs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """Both databases, migrated, with the WATCHLISTS; dropped/closed at the end."""
    name = f"socialhub_qtest_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is required for the query back-end tests ({PG_ADMIN_URL}): {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    pg = psycopg.connect(url)
    lite = open_sqlite(tmp_path_factory.mktemp("query") / "q.db")
    try:
        fill_postgres(pg)
        yield Databases(lite, pg)
    finally:
        lite.close()
        pg.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
