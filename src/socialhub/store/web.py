"""What the web app's sign-in keeps (migration 0007): sessions, API tokens, failed logins.

Shared by both stores, in the style of :mod:`.admin`: SQL written once with ``?``
placeholders, times through ``self._ts``/``self._dt``. Callers pass the time in
(``at``), so expiry and rate limits follow the web app's clock, which tests control.

Secrets never reach this layer: session ids and API tokens arrive as SHA-256 hex.

Site administrators live with the accounts (:mod:`.accounts`), the dashboard and
explore reads in :mod:`.dashboard`.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from socialhub.records.sessions import ApiToken, WebSession
from socialhub.store.convert import clean
from socialhub.store.sqlbase import Repo


class SessionRepo(Repo):
    """Tables ``web_sessions``, ``api_tokens`` and ``login_failures``."""

    # -- sessions -----------------------------------------------------------------------

    def create_session(self, session: WebSession) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO web_sessions (id_hash, user_id, csrf_token, created_at, "
                    "last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    session.id_hash,
                    session.user_id,
                    session.csrf_token,
                    self._ts(session.created_at),
                    self._ts(session.last_seen_at),
                    clean(session.ip),
                    clean(session.user_agent[:300]),
                ),
            )

    def get_session(self, id_hash: str) -> WebSession | None:
        rows = self._rows(
            "SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, ip, user_agent "
            "FROM web_sessions WHERE id_hash = ?",
            [id_hash],
        )
        if not rows:
            return None
        h, user_id, csrf, created, seen, ip, agent = rows[0]
        return WebSession(h, int(user_id), csrf, self._dt(created), self._dt(seen), ip, agent)

    def touch_session(self, id_hash: str, at: datetime) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?"),
                (self._ts(at), id_hash),
            )

    def delete_session(self, id_hash: str) -> None:
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM web_sessions WHERE id_hash = ?"), (id_hash,))

    def delete_user_sessions(self, user_id: int) -> int:
        """End every session of a user (password change, deactivation)."""
        with self._tx() as cur:
            cur.execute(
                self._sql("DELETE FROM web_sessions WHERE user_id = ? RETURNING 1"), (user_id,)
            )
            return len(cur.fetchall())

    def purge_sessions(self, *, seen_before: datetime, created_before: datetime) -> int:
        """Delete sessions past their idle or absolute expiry."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "DELETE FROM web_sessions WHERE last_seen_at < ? OR created_at < ? RETURNING 1"
                ),
                (self._ts(seen_before), self._ts(created_before)),
            )
            return len(cur.fetchall())

    # -- API tokens ---------------------------------------------------------------------

    def add_api_token(self, token: ApiToken, token_hash: str) -> ApiToken:
        with self._tx() as cur:
            token_id = self._one(
                cur,
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (
                    token.user_id,
                    clean(token.name),
                    token_hash,
                    token.prefix,
                    self._ts(token.created_at),
                ),
            )
        return dataclasses.replace(token, id=int(token_id))

    _TOKEN_COLS = "user_id, name, prefix, created_at, last_used_at, revoked_at, id"

    def _token(self, row: tuple[Any, ...]) -> ApiToken:
        user_id, name, prefix, created, used, revoked, token_id = row
        return ApiToken(
            int(user_id),
            name,
            prefix,
            self._dt(created),
            None if used is None else self._dt(used),
            None if revoked is None else self._dt(revoked),
            int(token_id),
        )

    def find_api_token(self, token_hash: str) -> ApiToken | None:
        """The live (not revoked) token with this hash."""
        rows = self._rows(
            f"SELECT {self._TOKEN_COLS} FROM api_tokens "
            "WHERE token_hash = ? AND revoked_at IS NULL",
            [token_hash],
        )
        return self._token(rows[0]) if rows else None

    def list_api_tokens(self, user_id: int) -> list[ApiToken]:
        rows = self._rows(
            f"SELECT {self._TOKEN_COLS} FROM api_tokens WHERE user_id = ? ORDER BY id",
            [user_id],
        )
        return [self._token(r) for r in rows]

    def revoke_api_token(self, user_id: int, token_id: int, at: datetime) -> bool:
        """Revoke one of the user's tokens; False when it is not theirs or already revoked."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "UPDATE api_tokens SET revoked_at = ? "
                    "WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id"
                ),
                (self._ts(at), token_id, user_id),
            )
            return bool(cur.fetchall())

    def touch_api_token(self, token_id: int, at: datetime) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"),
                (self._ts(at), token_id),
            )

    # -- failed logins ------------------------------------------------------------------

    def add_login_failure(self, key: str, at: datetime) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql("INSERT INTO login_failures (key, at) VALUES (?, ?)"),
                (clean(key), self._ts(at)),
            )

    def login_failures(self, key: str, since: datetime) -> list[datetime]:
        """Times of the key's failed logins since a time, oldest first."""
        rows = self._rows(
            "SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at",
            [clean(key), self._ts(since)],
        )
        return [self._dt(r[0]) for r in rows]

    def clear_login_failures(
        self, key: str | None = None, *, before: datetime | None = None
    ) -> None:
        """Forget one key's failures (a successful login), or all failures before a time."""
        with self._tx() as cur:
            if key is not None:
                cur.execute(self._sql("DELETE FROM login_failures WHERE key = ?"), (clean(key),))
            elif before is not None:
                cur.execute(
                    self._sql("DELETE FROM login_failures WHERE at < ?"), (self._ts(before),)
                )

    # -- site administrators ------------------------------------------------------------

    # -- search with filters, facets and a keyset cursor --------------------------------
