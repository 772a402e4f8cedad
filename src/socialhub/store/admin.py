"""Workspaces, queries, watchlists and quarantine (users and memberships come from
:mod:`.accounts`): plain CRUD whose SQL is the same on SQLite and PostgreSQL (both have
``ON CONFLICT ... RETURNING``).

SQL here is written with ``?`` placeholders; the PostgreSQL store translates them.
Upserts are keyed by natural keys (slug, username, (workspace, name)) and return a
copy of the record with its id; the caller's object is not modified.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from socialhub.models import (
    Query,
    Watchlist,
    WatchlistMember,
    Workspace,
)
from socialhub.store.convert import clean
from socialhub.store.sqlbase import Repo
from socialhub.store.sqlbase import filters as _filters
from socialhub.text import norm_handle


class WorkspaceRepo(Repo):
    """Workspaces and their settings, queries and watchlists."""

    # -- workspaces -----------------------------------------------------------------

    def upsert_workspace(self, ws: Workspace) -> Workspace:
        with self._tx() as cur:
            ws_id = self._one(
                cur,
                "INSERT INTO workspaces (slug, name, timezone, locale, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET name = excluded.name, "
                "timezone = excluded.timezone, locale = excluded.locale RETURNING id",
                (clean(ws.slug), clean(ws.name), clean(ws.timezone), clean(ws.locale), self._now()),
            )
        return dataclasses.replace(ws, id=int(ws_id))

    def get_workspace(self, slug: str) -> Workspace | None:
        rows = self._rows(
            "SELECT slug, name, timezone, id, locale FROM workspaces WHERE slug = ?", [slug]
        )
        return Workspace(*rows[0]) if rows else None

    def list_workspaces(self) -> list[Workspace]:
        return [
            Workspace(*r)
            for r in self._rows(
                "SELECT slug, name, timezone, id, locale FROM workspaces ORDER BY id"
            )
        ]

    # -- workspace settings (JSON documents per key) ----------------------------------

    def get_workspace_settings(self, workspace_id: int) -> dict[str, Any]:
        rows = self._rows(
            "SELECT key, value FROM workspace_settings WHERE workspace_id = ? ORDER BY key",
            [workspace_id],
        )
        return {k: json.loads(v) for k, v in rows}

    def set_workspace_setting(self, workspace_id: int, key: str, value: Any) -> None:
        """Store one setting; ``None`` deletes it."""
        with self._tx() as cur:
            if value is None:
                cur.execute(
                    self._sql("DELETE FROM workspace_settings WHERE workspace_id = ? AND key = ?"),
                    (workspace_id, key),
                )
                return
            cur.execute(
                self._sql(
                    "INSERT INTO workspace_settings (workspace_id, key, value, updated_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (workspace_id, key) DO UPDATE SET "
                    "value = excluded.value, updated_at = excluded.updated_at"
                ),
                (
                    workspace_id,
                    clean(key),
                    json.dumps(value, ensure_ascii=False, sort_keys=True),
                    self._now(),
                ),
            )

    # -- queries --------------------------------------------------------------------

    def upsert_query(self, query: Query) -> Query:
        now = self._now()
        with self._tx() as cur:
            query_id = self._one(
                cur,
                "INSERT INTO queries (workspace_id, name, definition, description, enabled, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (workspace_id, name) DO UPDATE SET "
                "definition = excluded.definition, description = excluded.description, "
                "enabled = excluded.enabled, updated_at = excluded.updated_at RETURNING id",
                (
                    query.workspace_id,
                    clean(query.name),
                    clean(query.definition),
                    clean(query.description),
                    bool(query.enabled),
                    now,
                    now,
                ),
            )
        self.db.routes.remember([(int(query_id), query.workspace_id)])
        return dataclasses.replace(query, id=int(query_id))

    def list_queries(
        self, workspace_id: int | None = None, *, enabled_only: bool = False
    ) -> list[Query]:
        where, params = _filters(workspace_id=workspace_id)
        if enabled_only:
            where += " AND enabled = ?" if where else " WHERE enabled = ?"
            params.append(True)
        rows = self._rows(
            "SELECT workspace_id, name, definition, description, enabled, id "
            f"FROM queries{where} ORDER BY id",
            params,
        )
        return [Query(int(w), n, d, desc, bool(e), int(i)) for w, n, d, desc, e, i in rows]

    def delete_query(self, query_id: int) -> None:
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM queries WHERE id = ?"), (query_id,))
        self.db.routes.forget(query_id)

    # -- watchlists -----------------------------------------------------------------

    def upsert_watchlist(self, watchlist: Watchlist) -> Watchlist:
        """Create or update by (workspace, lowercased name); the members are replaced.

        Members repeating one (platform, normalised handle) collapse to the last one.
        """
        members: dict[tuple[str, str], WatchlistMember] = {}
        for member in watchlist.members:
            members[(clean(member.platform), clean(norm_handle(member.handle)))] = member
        with self._tx() as cur:
            wl_id = self._one(
                cur,
                "INSERT INTO watchlists (workspace_id, name, name_norm, list_type, description, "
                "notify, min_severity) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name_norm) DO UPDATE SET "
                "name = excluded.name, list_type = excluded.list_type, "
                "description = excluded.description, notify = excluded.notify, "
                "min_severity = excluded.min_severity RETURNING id",
                (
                    watchlist.workspace_id,
                    clean(watchlist.name),
                    clean(watchlist.name).lower(),
                    clean(watchlist.list_type),
                    clean(watchlist.description),
                    clean(watchlist.notify),
                    int(watchlist.min_severity),
                ),
            )
            cur.execute(self._sql("DELETE FROM watchlist_members WHERE watchlist_id = ?"), (wl_id,))
            if members:
                cur.executemany(
                    self._sql(
                        "INSERT INTO watchlist_members (watchlist_id, platform, handle, "
                        "handle_norm, name, list_type, notes) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    ),
                    [
                        (
                            wl_id,
                            platform,
                            clean(m.handle),
                            handle,
                            clean(m.name),
                            clean(m.list_type),
                            clean(m.notes),
                        )
                        for (platform, handle), m in members.items()
                    ],
                )
        return dataclasses.replace(watchlist, id=int(wl_id), members=list(members.values()))

    def list_watchlists(self, workspace_id: int | None = None) -> list[Watchlist]:
        """Watchlists by id; their members ordered by (platform, normalised handle)."""
        where, params = _filters(workspace_id=workspace_id)
        lists = self._rows(
            "SELECT workspace_id, name, list_type, description, id, notify, min_severity "
            f"FROM watchlists{where} "
            "ORDER BY id",
            params,
        )
        member_where = where.replace("workspace_id", "w.workspace_id")
        rows = self._rows(
            "SELECT wm.watchlist_id, wm.platform, wm.handle, wm.name, wm.list_type, wm.notes "
            "FROM watchlist_members wm JOIN watchlists w ON w.id = wm.watchlist_id"
            f"{member_where} ORDER BY wm.watchlist_id, wm.platform, wm.handle_norm",
            params,
        )
        members: dict[int, list[WatchlistMember]] = {}
        for wl_id, platform, handle, name, list_type, notes in rows:
            members.setdefault(int(wl_id), []).append(
                WatchlistMember(platform, handle, name, list_type, notes)
            )
        return [
            Watchlist(int(w), n, t, d, members.get(int(i), []), int(i), str(no), int(ms))
            for w, n, t, d, i, no, ms in lists
        ]

    def delete_watchlist(self, watchlist_id: int) -> None:
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM watchlists WHERE id = ?"), (watchlist_id,))

    # -- quarantine -----------------------------------------------------------------
