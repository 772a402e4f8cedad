"""Where mentions and everything else persist: SQLite (default) or PostgreSQL.

>>> store = open_store("sqlite:///data/socialhub.db")   # doctest: +SKIP
>>> store.migrate()                                      # doctest: +SKIP
['0001_initial', '0002_mention_routes_index']

URLs: ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` (SQLAlchemy
convention; parent folders are created), ``postgresql://user@host:port/dbname``.
Opening a store never migrates it: call ``store.migrate()``.

Both back ends pass one contract suite (``tests/store``) and store the same thing:

* ``store.mentions.add()`` is idempotent on (platform, native_id). A re-collected mention refreshes
  its engagement counts, enrichment, sentiment and cluster, its author's profile, and
  gains new query routes; the FIRST capture's raw payload, raw_sha256, collected_at,
  collected_via, match_query and text are kept: they are evidence and are never
  overwritten (:mod:`.common`).
* Times are aware UTC datetimes, kept to the millisecond (:mod:`.convert`).
* NUL characters are removed from text (U+FFFD in raw payloads), since PostgreSQL
  cannot store them; ``bytes`` payloads are decoded as UTF-8 with replacement
  (:mod:`.convert`).
* ``store.mentions.search()`` is newest first; ``since`` inclusive, ``until`` exclusive; a workspace
  sees the mentions routed to its queries (:mod:`.reads`).

A store is one connection object and one repository per feature sharing it
(:mod:`.composed`): ``store.mentions``, ``store.accounts``, ``store.workspaces``,
``store.sources``, ``store.relevance``, ``store.alerts``, ``store.reports``,
``store.launches``, ``store.sessions``, ``store.walls``, ``store.dashboard``,
``store.checkpoints``, ``store.processes``; each implements one narrow protocol of
:mod:`.base`. Modules: :mod:`.sqlite` and :mod:`.postgres` (connections and the bulk
mention write), one module per feature's SQL (:mod:`.reads`, :mod:`.accounts`,
:mod:`.admin`, :mod:`.alerts`...), :mod:`.common` (Mention <-> rows), :mod:`.convert`
(values), :mod:`.migrations`. docs/architecture.md has the picture.
"""

from __future__ import annotations

import os

from socialhub.store.base import AddResult, Store

DEFAULT_DB_URL = "sqlite:///data/socialhub.db"

__all__ = ["DEFAULT_DB_URL", "AddResult", "Store", "default_db_url", "open_store"]


def default_db_url() -> str:
    """The database URL from ``SOCIALHUB_DB``, else ``sqlite:///data/socialhub.db``."""
    return os.environ.get("SOCIALHUB_DB") or DEFAULT_DB_URL


def open_store(url: str | None = None) -> Store:
    """Open the store a URL names (default: :func:`default_db_url`); no migration."""
    url = url or default_db_url()
    if url.startswith("sqlite:"):
        from socialhub.store.sqlite import SqliteStore

        return SqliteStore(url)
    if url.startswith(("postgresql://", "postgres://")):
        from socialhub.store.postgres import PostgresStore

        return PostgresStore(url)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///path or postgresql://...")
