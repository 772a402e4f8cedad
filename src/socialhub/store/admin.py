"""Workspaces, users, memberships, queries, watchlists and quarantine: plain CRUD whose
SQL is the same on SQLite and PostgreSQL (both have ``ON CONFLICT ... RETURNING``).

SQL here is written with ``?`` placeholders; the PostgreSQL store translates them.
Upserts are keyed by natural keys (slug, username, (workspace, name)) and return a
copy of the record with its id; the caller's object is not modified.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from socialhub.models import (
    Membership,
    QuarantineItem,
    Query,
    Role,
    User,
    Watchlist,
    WatchlistMember,
    Workspace,
)
from socialhub.store.common import RouteCache
from socialhub.store.convert import clean, clean_raw
from socialhub.text import norm_handle


class LastAdminError(ValueError):
    """Refused: the change would leave no active site administrator."""


@dataclasses.dataclass(slots=True)
class UserEvent:
    """One line of the account audit trail (table ``user_events``)."""

    user_id: int | None
    username: str
    kind: str  # deactivated, activated, password_changed
    actor: str
    at: datetime
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "kind": self.kind,
            "actor": self.actor,
            "at": self.at.isoformat(),
            "details": self.details,
        }


_ACTIVE = {True: "activated", False: "deactivated"}


class Cursor(Protocol):
    """What both drivers' cursors offer and the shared code uses."""

    def execute(self, query: Any, params: Any = ...) -> Any: ...

    def executemany(self, query: Any, params_seq: Any) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


class AdminMixin:
    """CRUD shared by both stores; they provide the connection primitives below."""

    _routes: RouteCache

    # -- primitives the concrete store implements -----------------------------------

    def _tx(self) -> AbstractContextManager[Cursor]:
        """A cursor inside one write transaction (committed on success)."""
        raise NotImplementedError

    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True
    ) -> list[tuple[Any, ...]]:
        """Run a read query on a reader connection.

        ``sql`` uses ``?`` placeholders unless ``translate`` is false, in which case it
        is already in the driver's style (it embeds a compiled query).
        """
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        """Translate ``?`` placeholders for the driver."""
        return sql

    def _ts(self, value: datetime) -> Any:
        raise NotImplementedError

    def _dt(self, value: Any) -> datetime:
        raise NotImplementedError

    def _now(self) -> Any:
        raise NotImplementedError

    def _one(self, cur: Cursor, sql: str, params: Sequence[Any] = ()) -> Any:
        cur.execute(self._sql(sql), tuple(params))
        row = cur.fetchone()
        return None if row is None else row[0]

    # -- workspaces -----------------------------------------------------------------

    def upsert_workspace(self, ws: Workspace) -> Workspace:
        with self._tx() as cur:
            ws_id = self._one(
                cur,
                "INSERT INTO workspaces (slug, name, timezone, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, "
                "timezone = excluded.timezone RETURNING id",
                (clean(ws.slug), clean(ws.name), clean(ws.timezone), self._now()),
            )
        return dataclasses.replace(ws, id=int(ws_id))

    def get_workspace(self, slug: str) -> Workspace | None:
        rows = self._rows("SELECT slug, name, timezone, id FROM workspaces WHERE slug = ?", [slug])
        return Workspace(*rows[0]) if rows else None

    def list_workspaces(self) -> list[Workspace]:
        return [
            Workspace(*r)
            for r in self._rows("SELECT slug, name, timezone, id FROM workspaces ORDER BY id")
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

    # -- users and memberships ------------------------------------------------------

    _USER_COLS = "username, name, email, password_hash, is_active, id"

    def upsert_user(self, user: User) -> User:
        with self._tx() as cur:
            user_id = self._one(
                cur,
                "INSERT INTO users (username, name, email, password_hash, is_active, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET "
                "name = excluded.name, email = excluded.email, "
                "password_hash = excluded.password_hash, is_active = excluded.is_active "
                "RETURNING id",
                (
                    clean(user.username),
                    clean(user.name),
                    clean(user.email),
                    clean(user.password_hash),
                    bool(user.is_active),
                    self._now(),
                ),
            )
        return dataclasses.replace(user, id=int(user_id))

    def _user(self, row: tuple[Any, ...]) -> User:
        return User(row[0], row[1], row[2], row[3], bool(row[4]), int(row[5]))

    def get_user(self, username: str) -> User | None:
        rows = self._rows(f"SELECT {self._USER_COLS} FROM users WHERE username = ?", [username])
        return self._user(rows[0]) if rows else None

    def list_users(self) -> list[User]:
        return [
            self._user(r) for r in self._rows(f"SELECT {self._USER_COLS} FROM users ORDER BY id")
        ]

    def set_user_password(
        self,
        user_id: int,
        password_hash: str,
        *,
        keep_session: str | None = None,
        end_sessions: bool = True,
    ) -> int | None:
        """Replace a user's password hash (never their active flag) and end their web
        sessions but ``keep_session`` (an id hash), in one transaction;
        ``end_sessions=False`` for a rehash of the same password at login.

        Returns how many sessions ended, None when there is no such user.
        """
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE users SET password_hash = ? WHERE id = ? RETURNING id"),
                (clean(password_hash), user_id),
            )
            if not cur.fetchall():
                return None
            if not end_sessions:
                return 0
            cur.execute(
                self._sql(
                    "DELETE FROM web_sessions WHERE user_id = ? AND id_hash <> ? RETURNING 1"
                ),
                (user_id, keep_session or ""),
            )
            return len(cur.fetchall())

    def set_user_active(self, user_id: int, active: bool, *, actor: str, at: datetime) -> bool:
        """(De)activate a user and audit it; False when nothing changed.

        Deactivating ends the user's sessions and revokes their API tokens in the same
        transaction, and refuses (:class:`LastAdminError`) to leave no active site
        administrator. PostgreSQL locks the site_admins rows first so two admins
        deactivating each other cannot both pass the check (SQLite's BEGIN IMMEDIATE
        already serialises writers).
        """
        with self._tx() as cur:
            if not getattr(self, "url", "sqlite").startswith("sqlite"):
                cur.execute("SELECT user_id FROM site_admins ORDER BY user_id FOR UPDATE")
            cur.execute(self._sql("SELECT username, is_active FROM users WHERE id = ?"), (user_id,))
            row = cur.fetchone()
            if row is None or bool(row[1]) == active:
                return False
            if not active:
                others = self._one(
                    cur,
                    "SELECT count(*) FROM site_admins s JOIN users u ON u.id = s.user_id "
                    "WHERE u.is_active = ? AND u.id <> ?",
                    (True, user_id),
                )
                admins = self._one(
                    cur, "SELECT count(*) FROM site_admins WHERE user_id = ?", (user_id,)
                )
                if int(admins) and not int(others):
                    raise LastAdminError("the last active site administrator cannot be deactivated")
                cur.execute(self._sql("DELETE FROM web_sessions WHERE user_id = ?"), (user_id,))
                cur.execute(
                    self._sql(
                        "UPDATE api_tokens SET revoked_at = ? "
                        "WHERE user_id = ? AND revoked_at IS NULL"
                    ),
                    (self._ts(at), user_id),
                )
            cur.execute(self._sql("UPDATE users SET is_active = ? WHERE id = ?"), (active, user_id))
            self._user_event(cur, UserEvent(user_id, row[0], _ACTIVE[active], actor, at))
        return True

    def add_user_event(self, event: UserEvent) -> None:
        """Audit one account change (password changed, ...)."""
        with self._tx() as cur:
            self._user_event(cur, event)

    def _user_event(self, cur: Cursor, e: UserEvent) -> None:
        cur.execute(
            self._sql(
                "INSERT INTO user_events (user_id, username, kind, actor, at, details) "
                "VALUES (?, ?, ?, ?, ?, ?)"
            ),
            (
                e.user_id,
                clean(e.username),
                e.kind,
                clean(e.actor),
                self._ts(e.at),
                json.dumps(e.details, ensure_ascii=False, sort_keys=True),
            ),
        )

    def list_user_events(self, user_id: int | None = None, limit: int = 100) -> list[UserEvent]:
        """Account audit lines, newest first."""
        where, params = _filters(user_id=user_id)
        rows = self._rows(
            "SELECT user_id, username, kind, actor, at, details, id FROM user_events"
            f"{where} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        )
        return [
            UserEvent(None if u is None else int(u), n, k, a, self._dt(t), json.loads(d), int(i))
            for u, n, k, a, t, d, i in rows
        ]

    def set_membership(self, workspace_id: int, user_id: int, role: Role) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO memberships (workspace_id, user_id, role) VALUES (?, ?, ?) "
                    "ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role"
                ),
                (workspace_id, user_id, Role(role).value),
            )

    def remove_membership(self, workspace_id: int, user_id: int) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql("DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?"),
                (workspace_id, user_id),
            )

    def list_memberships(
        self, *, user_id: int | None = None, workspace_id: int | None = None
    ) -> list[Membership]:
        where, params = _filters(user_id=user_id, workspace_id=workspace_id)
        rows = self._rows(
            f"SELECT workspace_id, user_id, role FROM memberships{where} "
            "ORDER BY workspace_id, user_id",
            params,
        )
        return [Membership(int(w), int(u), Role(r)) for w, u, r in rows]

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
        self._routes.remember([(int(query_id), query.workspace_id)])
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
        self._routes.forget(query_id)

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
                "INSERT INTO watchlists (workspace_id, name, name_norm, list_type, description) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name_norm) DO UPDATE SET "
                "name = excluded.name, list_type = excluded.list_type, "
                "description = excluded.description RETURNING id",
                (
                    watchlist.workspace_id,
                    clean(watchlist.name),
                    clean(watchlist.name).lower(),
                    clean(watchlist.list_type),
                    clean(watchlist.description),
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
            f"SELECT workspace_id, name, list_type, description, id FROM watchlists{where} "
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
            Watchlist(int(w), n, t, d, members.get(int(i), []), int(i)) for w, n, t, d, i in lists
        ]

    def delete_watchlist(self, watchlist_id: int) -> None:
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM watchlists WHERE id = ?"), (watchlist_id,))

    # -- quarantine -----------------------------------------------------------------

    def quarantine(self, items: Sequence[QuarantineItem]) -> int:
        """Keep unparseable input with its reason; the raw text is kept (NUL -> U+FFFD)."""
        if not items:
            return 0
        with self._tx() as cur:
            cur.executemany(
                self._sql(
                    "INSERT INTO quarantine (source, location, reason, raw, created_at) "
                    "VALUES (?, ?, ?, ?, ?)"
                ),
                [
                    (
                        clean(i.source),
                        clean(i.location),
                        clean(i.reason),
                        clean_raw(i.raw),
                        self._ts(i.created_at),
                    )
                    for i in items
                ],
            )
        return len(items)

    def list_quarantine(self, limit: int = 100, source: str | None = None) -> list[QuarantineItem]:
        """Newest first."""
        where, params = _filters(source=source)
        rows = self._rows(
            "SELECT source, reason, raw, location, created_at, id FROM quarantine"
            f"{where} ORDER BY created_at DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [
            QuarantineItem(s, r, raw, loc, self._dt(c), int(i)) for s, r, raw, loc, c, i in rows
        ]

    def count_quarantine(self, source: str | None = None) -> int:
        where, params = _filters(source=source)
        return int(self._rows(f"SELECT count(*) FROM quarantine{where}", params)[0][0])


def _filters(**values: Any) -> tuple[str, list[Any]]:
    """`` WHERE a = ? AND b = ?`` for the non-None keyword values."""
    used = [(k, v) for k, v in values.items() if v is not None]
    if not used:
        return "", []
    return " WHERE " + " AND ".join(f"{k} = ?" for k, _ in used), [v for _, v in used]


def iter_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
