"""What the web app keeps (migration 0007), and search with filters and facets.

Shared by both stores, in the style of :mod:`.admin`: SQL written once with ``?``
placeholders, times through ``self._ts``/``self._dt``. Callers pass the time in
(``at``), so expiry and rate limits follow the web app's clock, which tests control.

Secrets never reach this layer: session ids and API tokens arrive as SHA-256 hex.

The dashboard aggregates live in :mod:`.dashboard` (re-exported here).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from socialhub.models import Mention
from socialhub.store import rollups
from socialhub.store.convert import clean
from socialhub.store.dashboard import (
    FACET_FIELDS,
    SENTIMENT_NONE,
    SLOT_SECONDS,
    AuthorStat,
    DashboardRepo,
)

if TYPE_CHECKING:
    from socialhub.query.ast import Node

__all__ = ["FACET_FIELDS", "SENTIMENT_NONE", "SLOT_SECONDS", "ApiToken", "AuthorStat", "WebSession"]


@dataclass(slots=True)
class WebSession:
    id_hash: str
    user_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ip: str = ""
    user_agent: str = ""


@dataclass(slots=True)
class ApiToken:
    user_id: int
    name: str
    prefix: str  # the first characters of the token, to recognise it in a list
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("created_at", "last_used_at", "revoked_at"):
            data[key] = None if data[key] is None else data[key].isoformat()
        return data


class WebRepo(DashboardRepo):
    """Tables ``web_sessions``, ``api_tokens``, ``login_failures``, ``site_admins``, and
    dashboard reads. Mixed in after :class:`~socialhub.store.reads.SqlStoreBase`, whose
    search helpers it uses (declared here for the type checker only)."""

    url: str

    if TYPE_CHECKING:

        def _compiled(
            self, query: str | Node | None, workspace_id: int | None
        ) -> tuple[str, list[Any]] | None: ...

        def _by_match(
            self,
            expr: tuple[str, list[Any]],
            workspace_id: int | None,
            since: datetime | None,
            until: datetime | None,
        ) -> tuple[str, list[Any]]: ...

        def _page(self, inner: str, params: list[Any]) -> list[Mention]: ...

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

    # -- search with filters, facets and a keyset cursor --------------------------------

    def _filtered(
        self,
        query: str | Node | None,
        workspace_id: int,
        since: datetime | None,
        until: datetime | None,
        sentiment: str | None,
    ) -> tuple[str, list[Any]]:
        expr = self._compiled(query, workspace_id) or ("1 = 1", [])
        source, params = self._by_match(expr, workspace_id, since, until)
        if sentiment == SENTIMENT_NONE:
            source += " AND m.sentiment_label IS NULL"
        elif sentiment is not None:
            source += self._sql(" AND m.sentiment_label = ?")
            params.append(sentiment)
        return source, params

    def search_page(
        self,
        query: str | Node | None,
        *,
        workspace_id: int,
        since: datetime | None = None,
        until: datetime | None = None,
        sentiment: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> tuple[list[Mention], str | None]:
        """One page newest first, and the cursor of the next one (None on the last page).

        Keyset paging: the cursor is the id of the page's last mention, so pages stay
        stable while new mentions arrive (an offset would shift them).
        """
        if query is None:
            return self._recent_page(workspace_id, since, until, sentiment, after, limit)
        source, params = self._filtered(query, workspace_id, since, until, sentiment)
        if after is not None:
            source += self._sql(
                " AND (m.created_at, m.seq) < (SELECT created_at, seq FROM mentions WHERE id = ?)"
            )
            params.append(clean(after))
        inner = f"SELECT m.seq {source} ORDER BY m.created_at DESC, m.seq DESC" + self._sql(
            " LIMIT ?"
        )
        found = self._page(inner, [*params, limit + 1])
        if len(found) <= limit:
            return found, None
        return found[:limit], found[limit - 1].id

    def facet_counts(
        self,
        field: str,
        query: str | Node | None,
        *,
        workspace_id: int,
        since: datetime | None = None,
        until: datetime | None = None,
        sentiment: str | None = None,
        limit: int = 20,
    ) -> list[tuple[str, int]]:
        """``(value, count)`` of one field over the matching mentions, most frequent first."""
        if query is None and self._ROLLUPS:
            return rollups.facet_counts(self, field, workspace_id, since, until, sentiment, limit)
        if query is None:
            return self._raw_facets(field, workspace_id, since, until, sentiment, limit)
        column = FACET_FIELDS[field]
        source, params = self._filtered(query, workspace_id, since, until, sentiment)
        rows = self._rows(
            f"SELECT coalesce({column}, '{SENTIMENT_NONE}') AS v, count(*) AS n {source} "
            "GROUP BY v ORDER BY n DESC, v" + self._sql(" LIMIT ?"),
            [*params, limit],
            translate=False,
        )
        return [(str(v), int(n)) for v, n in rows]

    def mention_workspace_ids(self, mention_id: str) -> set[int]:
        """The workspaces a stored mention is routed to (what may see it)."""
        rows = self._rows(
            "SELECT mw.workspace_id FROM mention_workspaces mw JOIN mentions m "
            "ON m.seq = mw.mention_seq WHERE m.id = ?",
            [clean(mention_id)],
        )
        return {int(r[0]) for r in rows}
