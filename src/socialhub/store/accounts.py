"""Users, their audit trail and workspace memberships (CRUD shared by both stores).

SQL is written with ``?`` placeholders; the PostgreSQL store translates them.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from socialhub.models import Membership, Role, User
from socialhub.records.accounts import LastAdminError, UserEvent
from socialhub.store.convert import clean
from socialhub.store.sqlbase import Cursor, Repo
from socialhub.store.sqlbase import filters as _filters

_ACTIVE = {True: "activated", False: "deactivated"}


class AccountRepo(Repo):
    """Users, user events and memberships."""

    # -- users and memberships ------------------------------------------------------

    _USER_COLS = "username, name, email, password_hash, is_active, id, locale"

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
        return User(row[0], row[1], row[2], row[3], bool(row[4]), int(row[5]), row[6] or "")

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

    def set_user_locale(self, user_id: int, locale: str) -> bool:
        """A user's UI language ("" follows each workspace's); False when no such user."""
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE users SET locale = ? WHERE id = ? RETURNING id"),
                (clean(locale), user_id),
            )
            return bool(cur.fetchall())

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

    def set_site_admin(self, user_id: int, on: bool) -> None:
        with self._tx() as cur:
            if on:
                cur.execute(
                    self._sql(
                        "INSERT INTO site_admins (user_id, granted_at) VALUES (?, ?) "
                        "ON CONFLICT (user_id) DO NOTHING"
                    ),
                    (user_id, self._now()),
                )
            else:
                cur.execute(self._sql("DELETE FROM site_admins WHERE user_id = ?"), (user_id,))

    def site_admin_ids(self) -> set[int]:
        return {int(r[0]) for r in self._rows("SELECT user_id FROM site_admins")}
